"""Re-running a file is harmless; changed values update only what differs; a large
change rebuilds the table."""

import concurrent.futures
import io
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from product_importer.db import sync_engine
from product_importer.imports import pipeline, rebuild, runner, staging_sql
from product_importer.imports.csv_rules import parse_header
from product_importer.imports.progress import ProgressReporter
from product_importer.imports.staging_sql import StagingSql, staging_table
from tests.imports.helpers import (
    csv_bytes,
    import_file,
    products,
    staging_tables,
    stored_import,
)


def _timestamps() -> dict[str, tuple]:
    with sync_engine().connect() as conn:
        rows = conn.execute(text("SELECT lower(sku) k, id, created_at, updated_at FROM products"))
        return {r.k: (r.id, r.created_at, r.updated_at) for r in rows}


async def test_reimport_is_idempotent_and_keeps_ids_flags_and_timestamps(client, worker):
    content = csv_bytes("sku,name,description", "P-1,One,a", "P-2,Two,b", "P-3,Three,")
    first = await import_file(client, content)
    assert first["created"] == 3
    with sync_engine().begin() as conn:
        conn.execute(text("UPDATE products SET is_active = false WHERE sku = 'P-2'"))
    before = _timestamps()

    again = await import_file(client, content)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert _timestamps() == before
    assert products()["p-2"][3] is False


async def test_changed_values_update_only_the_products_that_differ(client, worker):
    await import_file(client, csv_bytes("sku,name,description", "P-1,One,a", "P-2,Two,b"))
    before = _timestamps()
    result = await import_file(
        client, csv_bytes("sku,name,description", "p-1,One,a", "P-2,Two v2,b", "P-9,New,")
    )
    assert (result["created"], result["updated"], result["unchanged"]) == (1, 2, 0)
    after = _timestamps()
    assert after["p-1"][0] == before["p-1"][0], "an existing product keeps its id"
    assert after["p-1"][1] == before["p-1"][1], "and its created_at"
    assert products()["p-1"][0] == "p-1", "the sku spelling takes the incoming value"
    assert products()["p-2"][1] == "Two v2"


def _indexes() -> set[str]:
    with sync_engine().connect() as conn:
        rows = conn.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'products'")
        )
        return {f"{r.indexname}: {r.indexdef}" for r in rows}


COLUMNS = text(
    """SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
              pg_get_expr(d.adbin, d.adrelid), a.attstorage, a.attcompression, a.attcollation
       FROM pg_attribute a
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = 'products'::regclass AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum"""
)


CONSTRAINTS = text(
    """SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
       WHERE conrelid = 'products'::regclass ORDER BY conname"""
)
TABLE_OPTIONS = text(
    "SELECT relpersistence, reloptions FROM pg_class WHERE oid = 'products'::regclass"
)


def _shape() -> dict[str, Any]:
    """What the migrations made of `products`: columns, constraints, indexes, options."""
    with sync_engine().connect() as conn:
        return {
            "columns": [tuple(row) for row in conn.execute(COLUMNS)],
            "constraints": [tuple(row) for row in conn.execute(CONSTRAINTS)],
            "options": tuple(conn.execute(TABLE_OPTIONS).one()),
            "indexes": _indexes(),
        }


async def test_a_first_load_builds_a_table_shaped_like_products_after_the_last_id(client, worker):
    """A first load writes its table with CREATE TABLE … AS and numbers the rows itself:
    the table must come out as the migrations made it, and ids must continue the
    sequence (here moved on, as deleted products leave it)."""
    shape_before = _shape()
    with sync_engine().begin() as conn:
        conn.execute(text("SELECT setval(pg_get_serial_sequence('products', 'id'), 1000)"))
    result = await import_file(client, csv_bytes("sku,name", "B-2,Two", "a-1,One", "C-3,Three"))
    assert result["created"] == 3
    assert _shape() == shape_before
    ids = {k: v[0] for k, v in _timestamps().items()}
    assert ids == {"a-1": 1001, "b-2": 1002, "c-3": 1003}, "numbered in SKU order"
    created = await client.post("/api/v1/products", json={"sku": "D-4", "name": "Four"})
    assert created.status_code == 201
    assert created.json()["id"] == 1004
    with sync_engine().connect() as conn:
        owned = conn.execute(text("SELECT pg_get_serial_sequence('products', 'id')"))
        assert owned.scalar_one() is not None


def test_a_first_load_fills_its_table_with_parallel_workers():
    """The reason for the unlogged staging table and CREATE TABLE … AS: parallel workers
    can read the staged rows (they cannot read a temporary table)."""
    content = csv_bytes("sku,name", *[f"P-{i},Row {i}" for i in range(100)])
    sql = StagingSql(parse_header(content, complete=True), staging_table(uuid.uuid4()))
    fill = rebuild.FILL_EMPTY.format(new=rebuild.NEW, storage="", winners=sql.last_wins)
    with sync_engine().connect() as conn:
        cur = conn.connection.cursor()
        cur.execute(sql.create_table)
        cur.copy_expert(sql.copy_file, io.BytesIO(content))
        cur.execute(
            "SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0; "
            "SET LOCAL min_parallel_table_scan_size = 0; "
            "SET LOCAL max_parallel_workers_per_gather = 2"
        )
        cur.execute(f"EXPLAIN {fill}", {"before_first": 0, "applied_at": datetime.now(UTC)})
        plan = "\n".join(row[0] for row in cur.fetchall())
        conn.rollback()
    assert "Gather" in plan and f"Parallel Seq Scan on {sql.table}" in plan, plan


def test_a_first_load_merges_with_a_product_added_since_it_found_the_catalog_empty(
    monkeypatch,
):
    """The API may add a product between the import's look at the catalog and its lock:
    the rebuild checks again under the lock, and the import merges instead."""
    monkeypatch.setattr(staging_sql, "CATALOG_IS_EMPTY", "SELECT true")
    with sync_engine().begin() as conn:
        conn.execute(
            text(
                "INSERT INTO products (sku, name) "
                "VALUES ('API-1', 'Added by hand'), ('F-0', 'Also in the file')"
            )
        )
    import_id = stored_import(csv_bytes("sku,name", *[f"F-{i},First {i}" for i in range(20)]))
    assert runner.run_import(import_id) == "completed"
    catalog = products()
    assert catalog["api-1"][1] == "Added by hand"
    assert catalog["f-0"][1] == "First 0"
    assert len(catalog) == 21
    with sync_engine().connect() as conn:
        counts = conn.execute(
            text("SELECT created, updated, unchanged FROM imports WHERE id = :id"),
            {"id": import_id},
        ).one()
    assert tuple(counts) == (19, 1, 0)
    assert staging_tables() == []


async def test_a_large_change_rebuilds_the_table_with_every_index_and_keeps_flags(client, worker):
    shape_before = _shape()
    await import_file(client, csv_bytes("sku,name", "K-1,Keep"))
    with sync_engine().begin() as conn:
        conn.execute(text("UPDATE products SET is_active = false"))
    before = _timestamps()
    # Many new products against one existing: the import rebuilds the table.
    rows = [f"N-{i},New {i}" for i in range(50)]
    result = await import_file(client, csv_bytes("sku,name", "K-1,Keep", *rows))
    assert (result["created"], result["updated"], result["unchanged"]) == (50, 0, 1)
    assert _shape() == shape_before
    assert _timestamps()["k-1"] == before["k-1"]
    assert products()["k-1"][3] is False
    ids = [v[0] for k, v in _timestamps().items() if k != "k-1"]
    assert min(ids) > before["k-1"][0]
    with sync_engine().connect() as conn:
        counter_rels = conn.execute(text("SELECT DISTINCT rel::regclass::text FROM product_counts"))
        assert counter_rels.scalars().all() == ["products"]
        analyzed = text("SELECT count(*) FROM pg_stats WHERE tablename = 'products'")
        assert conn.execute(analyzed).scalar_one() > 0
    assert (await client.get("/api/v1/products")).json()["total"] == 51
    created = await client.post("/api/v1/products", json={"sku": "K-2", "name": "Added"})
    assert created.status_code == 201
    assert (await client.get("/api/v1/products")).json()["total"] == 52


async def test_a_small_change_to_a_large_catalog_merges_row_by_row(client, worker):
    rows = [f"M-{i},Name {i}" for i in range(40)]
    await import_file(client, csv_bytes("sku,name", *rows))
    with sync_engine().connect() as conn:
        table_oid = conn.execute(text("SELECT 'products'::regclass::oid")).scalar_one()
    changed = [*rows[:39], "M-39,Renamed", "M-40,Added"]
    result = await import_file(client, csv_bytes("sku,name", *changed))
    assert (result["created"], result["updated"], result["unchanged"]) == (1, 1, 39)
    with sync_engine().connect() as conn:
        assert conn.execute(text("SELECT 'products'::regclass::oid")).scalar_one() == table_oid
    assert products()["m-39"][1] == "Renamed"


def test_a_rebuild_reports_progress_after_each_index(monkeypatch):
    """The index builds are most of a rebuild: progress (and the heartbeat that tells a
    live import from a lost one) moves on after each of them."""
    reported: list[tuple[str, float]] = []
    real_update = ProgressReporter.update

    def recording_update(self, phase, progress, processed_rows, **kwargs):
        reported.append((phase, progress))
        return real_update(self, phase, progress, processed_rows, **kwargs)

    monkeypatch.setattr(ProgressReporter, "update", recording_update)
    import_id = stored_import(csv_bytes("sku,name", *[f"R-{i},Row {i}" for i in range(100)]))
    assert runner.run_import(import_id) == "completed"
    count = len(_indexes())
    builds = [phase for phase, _ in reported if phase.startswith("rebuilding: building")]
    assert builds == [f"rebuilding: building indexes ({n} of {count})" for n in range(1, count + 1)]
    shares = [progress for _, progress in reported]
    assert shares == sorted(shares)


OPERATOR_SETTINGS = """
    ALTER TABLE products SET (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.05);
    COMMENT ON TABLE products IS 'The catalog';
    GRANT SELECT ON products TO PUBLIC;
    GRANT SELECT, UPDATE ON products TO "Catalog Reader" WITH GRANT OPTION;
    GRANT UPDATE (is_active) ON products TO PUBLIC;
    ALTER DEFAULT PRIVILEGES GRANT DELETE ON TABLES TO "Catalog Reader";
"""
OPERATOR_SETTINGS_UNDONE = """
    ALTER TABLE products RESET (fillfactor, autovacuum_vacuum_scale_factor);
    COMMENT ON TABLE products IS NULL;
    REVOKE ALL ON products FROM PUBLIC, "Catalog Reader";
    REVOKE UPDATE (is_active) ON products FROM PUBLIC;
    ALTER DEFAULT PRIVILEGES REVOKE DELETE ON TABLES FROM "Catalog Reader";
    DROP ROLE "Catalog Reader" """
CAN_CREATE_ROLES = "SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user"
SETTINGS_OF_PRODUCTS = text(
    """SELECT reloptions, obj_description(oid, 'pg_class'), relacl::text[],
              (SELECT array_agg(attacl::text ORDER BY attnum) FROM pg_attribute
               WHERE attrelid = 'products'::regclass AND attnum > 0)
       FROM pg_class WHERE oid = 'products'::regclass"""
)


@pytest.fixture
def operator_settings_on_products():
    """Storage parameters, a comment and grants an operator gave `products`, and a
    default privilege for new tables that `products` does not have."""
    with sync_engine().connect() as conn:
        can_create_roles = conn.execute(text(CAN_CREATE_ROLES)).scalar_one()
    if not can_create_roles:
        pytest.skip("needs a role that can create roles")
    with sync_engine().begin() as conn:
        conn.execute(text('CREATE ROLE "Catalog Reader"'))
        conn.execute(text(OPERATOR_SETTINGS))
    try:
        yield
    finally:
        with sync_engine().begin() as conn:
            conn.execute(text(OPERATOR_SETTINGS_UNDONE))


async def test_a_rebuild_keeps_the_tables_storage_parameters_comment_and_grants(
    client, worker, operator_settings_on_products
):
    with sync_engine().connect() as conn:
        before = tuple(conn.execute(SETTINGS_OF_PRODUCTS).one())
        table_oid = conn.execute(text("SELECT 'products'::regclass::oid")).scalar_one()
    result = await import_file(client, csv_bytes("sku,name", "G-1,One", "G-2,Two"))
    assert result["created"] == 2
    with sync_engine().connect() as conn:
        assert conn.execute(text("SELECT 'products'::regclass::oid")).scalar_one() != table_oid
        assert tuple(conn.execute(SETTINGS_OF_PRODUCTS).one()) == before


def _next_id() -> int:
    with sync_engine().connect() as conn:
        return conn.execute(
            text("SELECT nextval(pg_get_serial_sequence('products', 'id'))")
        ).scalar_one()


def test_unchanged_products_are_neither_locked_nor_given_ids_by_a_merge(monkeypatch):
    """A file that changes 1 of 200 products is merged row by row. The 199 it leaves as
    they are draw no id from the sequence, and an edit of one of them while the import
    has not yet committed does not wait for it; an edit of the changed one does."""
    rows = [f"R-{i},Name {i}" for i in range(200)]
    runner.run_import(stored_import(csv_bytes("sku,name", *rows)))
    before = _next_id()
    merged, release = threading.Event(), threading.Event()
    merge = pipeline._merge

    def merge_then_hold(*args, **kwargs):
        merge(*args, **kwargs)
        merged.set()
        release.wait(30)

    monkeypatch.setattr(pipeline, "_merge", merge_then_hold)
    content = csv_bytes("sku,name", *rows[:-1], "R-199,Renamed")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(runner.run_import, stored_import(content))
        try:
            assert merged.wait(60), "the merge never ran"
            with sync_engine().connect() as conn:
                conn.execute(text("SET lock_timeout = '500ms'"))
                conn.execute(text("UPDATE products SET name = 'edited' WHERE sku = 'R-0'"))
                conn.commit()
                with pytest.raises(OperationalError):
                    conn.execute(text("UPDATE products SET name = 'x' WHERE sku = 'R-199'"))
        finally:
            release.set()
        assert running.result(timeout=60) == "completed"
    assert _next_id() - before == 2  # one id for the changed product, one for this call
    assert products()["r-199"][1] == "Renamed" and products()["r-0"][1] == "edited"
