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


def claim_lock(import_id_sql: str, lock: str = "l") -> str:
    """SQL that is true of the row `lock` of pg_locks that is the claim of the import
    whose id is `import_id_sql` (a column), held. pg_locks shows a two-key advisory
    lock's keys as classid and objid (objsubid 2)."""
    return f"""{lock}.locktype = 'advisory' AND {lock}.granted AND {lock}.objsubid = 2
          AND {lock}.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND {lock}.classid = {CLAIM_LOCK_KEY}
          AND {lock}.objid = hashtext({import_id_sql}::text)::oid"""


def claim_held(import_id_sql: str) -> str:
    """SQL that is true while a worker holds the claim of the import whose id is
    `import_id_sql` (a column)."""
    return f"EXISTS (SELECT FROM pg_locks l WHERE {claim_lock(import_id_sql)})"
