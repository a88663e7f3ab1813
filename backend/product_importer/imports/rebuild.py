"""Apply a large import by rebuilding `products` instead of updating it row by row.

Maintaining trigram GIN indexes row by row costs several times more than building
them once. When an import changes a large share of the catalog (the first load
of a catalog, above all), the merged catalog is written to a new table, every
index of `products` is built on it in bulk, and the new table replaces the old
one, all inside the import's transaction. Readers keep reading the old table
until the swap, which holds its exclusive lock only for the final rename;
writers wait for the import (as they would for its row locks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from psycopg2.extensions import quote_ident

from product_importer.core.table_locks import lock_in_attempts
from product_importer.imports.build_progress import BuildProgress, backend_pid_of
from product_importer.imports.staging_sql import IMPORTED, columns_of, merge_stamp

NEW = "products_rebuild"
# How long the rebuild keeps asking for each of its locks on `products` (in short
# attempts, so that requests never queue behind its wait for long).
SWAP_LOCK_SECONDS = 5.0
# Merging a row while maintaining every index costs about five times writing it into
# a new table whose indexes are then built once (500,000 new rows: ~14 s merged row by
# row, ~3.5 s rebuilt). Rebuild when the changed rows, at that price, outweigh the
# rows the new table must hold.
ROW_BY_ROW_COST = 5
# Shares of the rebuild's progress (of its time, 500,000 rows): writing the table, then
# the index builds, each weighed by its kind: a trigram GIN index takes about six times
# as long as a btree (500,000 rows: 2.5-4 s against 0.3-0.7 s).
INDEXES_START, INDEXES_END = 0.2, 0.97
GIN_COST = 6

# Products the import creates or changes: `{old}` and `{incoming}` list the product
# columns the file sets (`_compared`).
CHANGES = """
    SELECT count(*) FROM import_winners w
    LEFT JOIN products p ON lower(p.sku) = lower(w.sku)
    WHERE p.id IS NULL
       OR ({old}) IS DISTINCT FROM ({incoming})"""
EXISTING = "SELECT product_count()"  # the products counter: exact, without a scan
MAX_ID = "SELECT coalesce(max(id), 0) FROM products"

# The new table is written by CREATE TABLE … AS and then given what CREATE TABLE …
# (LIKE products INCLUDING …) would copy (`_shape_like_products`). Unlike
# INSERT … SELECT, CREATE TABLE … AS may run its query in parallel; this merge stays
# serial (nextval() is parallel-unsafe), the first load's below does not.
FILL = """
    CREATE TABLE {new} {storage} AS
    SELECT coalesce(p.id, nextval('{sequence}'::regclass)) AS id,
           coalesce(w.sku, p.sku) AS sku, coalesce(w.name, p.name) AS name,
           {description} AS description,
           coalesce(p.is_active, true) AS is_active,
           coalesce(p.created_at, %(applied_at)s) AS created_at,
           CASE WHEN p.id IS NULL THEN %(applied_at)s
                WHEN w.sku IS NOT NULL AND ({old})
                     IS DISTINCT FROM ({incoming}) THEN %(applied_at)s
                ELSE p.updated_at END AS updated_at
    FROM products p FULL JOIN {winners} w ON lower(p.sku) = lower(w.sku)"""
# A matched product's description: the file's, or its own when the file has no such
# column (`staging_sql.IMPORTED`).
INCOMING_DESCRIPTION = "CASE WHEN w.sku IS NULL THEN p.description ELSE w.description END"
KEPT_DESCRIPTION = "CASE WHEN p.id IS NULL THEN w.description ELSE p.description END"
# A first load has only the winners to write, numbered after the sequence's next value
# (the sequence is then moved past them) so that the plan can be parallel.
FILL_EMPTY = """
    CREATE TABLE {new} {storage} AS
    SELECT %(before_first)s + row_number() OVER () AS id, sku, name, description,
           true AS is_active, %(applied_at)s AS created_at, %(applied_at)s AS updated_at
    FROM {winners} w"""
NEXT_ID = "SELECT nextval(%(sequence)s::regclass)"
MOVE_SEQUENCE = "SELECT setval(%(sequence)s::regclass, %(next_id)s, false)"

# What CREATE TABLE … (LIKE products INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING
# STORAGE INCLUDING COMPRESSION) copies. From PostgreSQL 18 on, NOT NULL constraints
# have names of their own, copied with the CHECK constraints; before, only the flag.
COLUMNS = """
    SELECT a.attname, pg_get_expr(d.adbin, d.adrelid),
           a.attnotnull AND NOT EXISTS (
             SELECT 1 FROM pg_constraint c
             WHERE c.conrelid = a.attrelid AND c.contype = 'n' AND c.conkey = ARRAY[a.attnum]
           ) AS unnamed_not_null,
           nullif(a.attstorage, t.typstorage), a.attcompression
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = 'products'::regclass AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attnum"""
CONSTRAINTS = """
    SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = 'products'::regclass AND contype IN ('c', 'n') ORDER BY conname"""
# What an operator may have given `products` beyond the migrations (storage parameters,
# a comment, grants to other roles, on the table or its columns), which CREATE TABLE …
# AS does not copy either. Grants are replayed by the table's owner.
TABLE_SETTINGS = """
    SELECT array_to_string(reloptions, ', '), obj_description(oid, 'pg_class')
    FROM pg_class WHERE oid = 'products'::regclass"""
GRANTS = """
    SELECT NULL::name, a.privilege_type, a.grantee = 0, pg_get_userbyid(a.grantee),
           a.is_grantable
    FROM pg_class c, aclexplode(c.relacl) a
    WHERE c.oid = %(table)s::regclass AND a.grantee <> c.relowner
    UNION ALL
    SELECT t.attname, a.privilege_type, a.grantee = 0, pg_get_userbyid(a.grantee),
           a.is_grantable
    FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
    WHERE c.oid = %(table)s::regclass AND t.attnum > 0 AND NOT t.attisdropped
      AND a.grantee <> c.relowner"""
STORAGE = {"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}
COMPRESSION = {"p": "pglz", "l": "lz4"}

# Changed rows are known by their stamp: FILL gives exactly `applied_at` to those it
# creates or changes, and no row kept as it was can have it (stamped before the lock).
COUNTS = f"""
    SELECT count(*) FILTER (WHERE id > %(max_id)s),
           count(*) FILTER (WHERE id <= %(max_id)s AND updated_at = %(applied_at)s)
    FROM {NEW}"""

# The products counter (migration 0005) keeps its rows by table oid: the new table
# starts from its exact row count, and the old table's rows go with it.
COUNTER_BASE = f"""
    INSERT INTO product_counts (rel, total, is_base) VALUES ('{NEW}'::regclass, %(total)s, true)"""
FORGET_OLD_COUNTS = "DELETE FROM product_counts WHERE rel = 'products'::regclass"

# By name: the order they are built in (and their shares of the bar) must not follow
# pg_index's row order, which changes as a rebuild's new rows reuse freed space.
INDEXES = """
    SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisprimary
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = 'products'::regclass
    ORDER BY c.relname"""
TRIGGERS = """
    SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
    WHERE tgrelid = 'products'::regclass AND NOT tgisinternal"""


def _compared(imported: tuple[str, ...]) -> dict[str, str]:
    """A product's and its winner's values of the columns the import sets."""
    return {"old": columns_of("p", imported), "incoming": columns_of("w", imported)}


def count_changes(cur: Any, winners: int, imported: tuple[str, ...]) -> int:
    """How many products the import creates or changes."""
    if winners == 0:
        return 0
    cur.execute(CHANGES.format(**_compared(imported)))
    return int(cur.fetchone()[0])


def worth_rebuilding(existing: int, changes: int) -> bool:
    """Rebuild when maintaining indexes row by row would cost more than rebuilding a
    catalog of `existing` products."""
    return changes > 0 and changes * ROW_BY_ROW_COST > existing + changes


_INDEX_TARGET = re.compile(
    r"^(CREATE (?:UNIQUE )?INDEX )(\S+)( ON (?:ONLY )?)((?:\S+\.)?)products "
)
_TRIGGER_TARGET = re.compile(r" ON ((?:\S+\.)?)products ")


def _index_on_new_table(definition: str, name: str) -> str:
    return _INDEX_TARGET.sub(rf'\1"{name}_new"\3\4{NEW} ', definition, count=1)


def _trigger_on_new_table(definition: str) -> str:
    return _TRIGGER_TARGET.sub(rf" ON \1{NEW} ", definition, count=1)


def rebuild(
    cur: Any,
    step: Callable[[str, float], None],
    winners: str = "import_winners",
    first_load: bool = False,
    imported: tuple[str, ...] = IMPORTED,
) -> tuple[int, int] | None:
    """Swap in the merged catalog; (created, updated), or None when a lock was not
    granted in time (the caller then merges row by row; nothing has changed).
    `step(phase, fraction)` reports progress; `winners` is the relation (or subquery) of
    the import's last-wins rows. A `first_load` builds the catalog from the winners
    alone, and only if `products` is still empty under the lock (the API may have added
    a product since the import looked); else None too. `imported` names the product
    columns the file sets: the others keep their values."""
    cur.execute("SAVEPOINT rebuild")
    if not _lock_products(cur, "SHARE ROW EXCLUSIVE"):
        return None
    cur.execute(MAX_ID)
    max_id = int(cur.fetchone()[0])
    # Stamped once no change can commit before the swap: no product was changed later.
    applied_at = merge_stamp(cur)
    if first_load and max_id:
        cur.execute("ROLLBACK TO SAVEPOINT rebuild")
        return None
    sequence = _sequence(cur)
    cur.execute(TABLE_SETTINGS)
    options, comment = cur.fetchone()
    # Storage parameters at creation: a fillfactor set afterwards would leave the rows
    # written now packed full.
    storage = f"WITH ({options})" if options else ""
    step("rebuilding: writing the merged catalog", 0.0)
    if first_load:
        rows = created = _write_first_catalog(cur, winners, sequence, storage, applied_at)
        updated = 0
    else:
        description = INCOMING_DESCRIPTION if "description" in imported else KEPT_DESCRIPTION
        fill = FILL.format(new=NEW, storage=storage, winners=winners, sequence=sequence,
                           description=description, **_compared(imported))  # fmt: skip
        cur.execute(fill, {"applied_at": applied_at})
        rows = cur.rowcount
        cur.execute(COUNTS, {"max_id": max_id, "applied_at": applied_at})
        created, updated = cur.fetchone()
    _shape_like_products(cur, comment)
    _build_like_products(cur, step)
    # Everything slow happens before the swap: from DROP TABLE to the commit, readers
    # of `products` wait.
    cur.execute(f"ANALYZE {NEW}")
    cur.execute(COUNTER_BASE, {"total": rows})
    step("rebuilding: swapping in the new catalog", INDEXES_END)
    if not _lock_products(cur, "ACCESS EXCLUSIVE"):
        return None
    cur.execute(f"ALTER SEQUENCE {sequence} OWNED BY {NEW}.id")
    cur.execute(FORGET_OLD_COUNTS)
    cur.execute("DROP TABLE products")
    cur.execute(f"ALTER TABLE {NEW} RENAME TO products")
    _restore_names(cur)
    cur.execute("RELEASE SAVEPOINT rebuild")
    return int(created), int(updated)


def _lock_products(cur: Any, mode: str) -> bool:
    """Lock `products` in `mode`; if not granted in time, undo the rebuild (False)."""
    if lock_in_attempts(cur, "products", mode, SWAP_LOCK_SECONDS):
        return True
    cur.execute("ROLLBACK TO SAVEPOINT rebuild")
    return False


def _write_first_catalog(
    cur: Any, winners: str, sequence: str, storage: str, applied_at: datetime
) -> int:
    """The new table from the winners alone; its row count."""
    cur.execute(NEXT_ID, {"sequence": sequence})
    first = int(cur.fetchone()[0])
    fill = FILL_EMPTY.format(new=NEW, storage=storage, winners=winners)
    cur.execute(fill, {"before_first": first - 1, "applied_at": applied_at})
    rows = int(cur.rowcount)
    cur.execute(MOVE_SEQUENCE, {"sequence": sequence, "next_id": first + rows})
    return rows


def _shape_like_products(cur: Any, comment: str | None) -> None:
    """Give the new table `products`' column defaults, constraints, storage and
    compression in one ALTER TABLE (one scan to check the constraints), then its
    comment and grants."""
    changes = []
    cur.execute(COLUMNS)
    for name, default, unnamed_not_null, storage, compression in cur.fetchall():
        column = f"ALTER COLUMN {quote_ident(name, cur)}"
        if default is not None:
            changes.append(f"{column} SET DEFAULT {default}")
        if unnamed_not_null:
            changes.append(f"{column} SET NOT NULL")
        if storage:
            changes.append(f"{column} SET STORAGE {STORAGE[storage]}")
        if compression:
            changes.append(f"{column} SET COMPRESSION {COMPRESSION[compression]}")
    cur.execute(CONSTRAINTS)
    for name, definition in cur.fetchall():
        changes.append(f"ADD CONSTRAINT {quote_ident(name, cur)} {definition}")
    if changes:
        cur.execute(f"ALTER TABLE {NEW} {', '.join(changes)}")
    if comment is not None:
        cur.execute(f"COMMENT ON TABLE {NEW} IS %s", (comment,))
    _grant_like_products(cur)


def _grant_like_products(cur: Any) -> None:
    """The new table's grants become those of `products`: first off go any that default
    privileges gave it, which an operator may have revoked from `products`."""
    for privilege, grantee, _ in _grants(cur, NEW):
        cur.execute(f"REVOKE {privilege} ON {NEW} FROM {grantee}")
    for privilege, grantee, grantable in _grants(cur, "products"):
        option = " WITH GRANT OPTION" if grantable else ""
        cur.execute(f"GRANT {privilege} ON {NEW} TO {grantee}{option}")


def _grants(cur: Any, table: str) -> list[tuple[str, str, bool]]:
    """(privilege with its column, if any; quoted grantee; grantable) of `table`."""
    cur.execute(GRANTS, {"table": table})
    return [
        (
            f"{privilege} ({quote_ident(column, cur)})" if column else privilege,
            "PUBLIC" if public else quote_ident(role, cur),
            grantable,
        )
        for column, privilege, public, role, grantable in cur.fetchall()
    ]


def _sequence(cur: Any) -> str:
    cur.execute("SELECT pg_get_serial_sequence('products', 'id')")
    return str(cur.fetchone()[0])


def _build_like_products(cur: Any, step: Callable[[str, float], None]) -> None:
    """Every index and trigger of `products`, built on the new table under temporary names
    (with the parallel workers the pipeline allowed); progress within each build
    (`build_progress`) also keeps the import's heartbeat fresh through long builds."""
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cur.execute(INDEXES)
    indexes = cur.fetchall()
    gin = [" USING gin " in definition for _, definition, _ in indexes]
    costs = [GIN_COST if is_gin else 1 for is_gin in gin]
    shares = [
        INDEXES_START + (INDEXES_END - INDEXES_START) * sum(costs[:built]) / sum(costs)
        for built in range(len(indexes) + 1)
    ]
    pid = backend_pid_of(cur)
    for built, (name, definition, primary) in enumerate(indexes):
        phase = f"rebuilding: building indexes ({built + 1} of {len(indexes)})"
        start, end = shares[built], shares[built + 1]
        step(phase, start)
        with BuildProgress(pid, gin[built], _between(step, phase, start, end)):
            if primary:
                cur.execute(f'ALTER TABLE {NEW} ADD CONSTRAINT "{name}_new" PRIMARY KEY (id)')
            else:
                cur.execute(_index_on_new_table(definition, name))
    cur.execute(TRIGGERS)
    for _name, definition in cur.fetchall():
        cur.execute(_trigger_on_new_table(definition))


def _between(step: Callable[[str, float], None], phase: str, start: float,
             end: float) -> Callable[[float], None]:  # fmt: skip
    """Reports a build `done` (0-1) of the way from `start` to `end`."""
    return lambda done: step(phase, start + (end - start) * done)


def _restore_names(cur: Any) -> None:
    cur.execute(
        """SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = 'products'::regclass AND c.relname LIKE '%\\_new'"""
    )
    for (temporary,) in cur.fetchall():
        original = temporary.removesuffix("_new")
        if temporary.startswith("pk_"):
            cur.execute(f'ALTER TABLE products RENAME CONSTRAINT "{temporary}" TO "{original}"')
        else:
            cur.execute(f'ALTER INDEX "{temporary}" RENAME TO "{original}"')
