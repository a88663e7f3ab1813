"""The claim on an import: the session-level advisory lock a worker holds while it runs
the import, and loses with its connection when the worker or the database dies.

A claim that is held is how other imports (to merge after it) and the recovery sweep
(to leave it alone) know that a worker is alive on it.
"""

CLAIM_LOCK_KEY = 7243  # with hashtext(the import's id)
TAKE = f"SELECT pg_try_advisory_lock({CLAIM_LOCK_KEY}, hashtext(:id))"
RELEASE = f"SELECT pg_advisory_unlock({CLAIM_LOCK_KEY}, hashtext(:id))"
# The claim for the rest of a transaction (the API's, as it ends a lost import): taken,
# no worker holds it, and none can take it until that transaction ends.
TAKE_FOR_TRANSACTION = f"SELECT pg_try_advisory_xact_lock({CLAIM_LOCK_KEY}, hashtext(:id))"


def claim_held(import_id_sql: str) -> str:
    """SQL that is true while a worker holds the claim of the import whose id is
    `import_id_sql` (a column). pg_locks shows a two-key advisory lock's keys as
    classid and objid (objsubid 2)."""
    return f"""EXISTS (
        SELECT FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = {CLAIM_LOCK_KEY}
          AND l.objid = hashtext({import_id_sql}::text)::oid)"""
