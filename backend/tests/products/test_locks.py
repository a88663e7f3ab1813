"""The products API beside the table locks that imports and delete-all take.

A rebuilding import holds SHARE ROW EXCLUSIVE on `products` while it writes the new
table, then needs ACCESS EXCLUSIVE to swap it in (`imports/rebuild.py`). Edits made
meanwhile must wait for it, never deadlock with it; and a strong lock that is waited
for must not keep readers queued behind it for long.
"""

from __future__ import annotations

import asyncio
import re
import time

import psycopg2
import pytest
from sqlalchemy import text

from product_importer.core import table_locks
from product_importer.db import sync_engine
from product_importer.products import service
from tests.products.helpers import (
    API,
    add_products,
    copy_products,
    numbered,
    sql_execute,
    sql_scalar,
)

# Sessions waiting for a lock this one holds (pg_locks is read afresh by each statement;
# pg_stat_activity would show the sessions there were at the transaction's first look).
WAITING_ON_ME = """
    SELECT count(*) FROM pg_locks
    WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"""


def _import_connection():
    raw = sync_engine().raw_connection()
    raw.driver_connection.autocommit = False
    return raw


async def _until_someone_waits(cur, within: float = 120.0) -> None:
    """Until a request waits for a lock that `cur`'s transaction holds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        cur.execute(WAITING_ON_ME)
        if cur.fetchone()[0]:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no request waited for this transaction's locks in {within:.0f} s")


async def _edit_while_a_rebuild_swaps(client, request) -> tuple[int, bool]:
    """Start `request` while an import holds the rebuild's lock; once it waits, take
    the swap's lock. Returns the request's status and whether the swap got its lock."""
    raw = _import_connection()
    try:
        cur = raw.cursor()
        cur.execute("LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE")
        pending = asyncio.ensure_future(request())
        await _until_someone_waits(cur)
        cur.execute("SET LOCAL lock_timeout = '10s'")
        try:
            await asyncio.to_thread(cur.execute, "LOCK TABLE products IN ACCESS EXCLUSIVE MODE")
            swapped = True
        except psycopg2.errors.DeadlockDetected:
            swapped = False
        raw.rollback()
        response = await pending
    finally:
        raw.close()
    return response.status_code, swapped


async def test_an_edit_during_a_rebuild_waits_for_it_without_deadlock(client):
    [product] = add_products(numbered(1))
    status, swapped = await _edit_while_a_rebuild_swaps(
        client, lambda: client.patch(f"{API}/{product}", json={"name": "edited meanwhile"})
    )
    assert swapped, "the import's swap deadlocked with the edit"
    assert status == 200
    assert sql_scalar("SELECT name FROM products WHERE id = :id", id=product) == "edited meanwhile"


async def test_a_replace_and_a_delete_during_a_rebuild_wait_without_deadlock(client):
    first, second = add_products(numbered(2))
    replace = {"sku": "SKU-00000", "name": "replaced", "description": None, "is_active": True}
    status, swapped = await _edit_while_a_rebuild_swaps(
        client, lambda: client.put(f"{API}/{first}", json=replace)
    )
    assert swapped and status == 200
    status, swapped = await _edit_while_a_rebuild_swaps(
        client, lambda: client.delete(f"{API}/{second}")
    )
    assert swapped and status == 204
    assert sql_scalar("SELECT count(*) FROM products") == 1


async def test_an_edit_that_deadlocks_with_an_import_merge_is_a_409(client):
    """The import holds a new SKU (uncommitted) that the edit wants, then wants the row
    the edit holds: PostgreSQL aborts the edit, which says to try again."""
    [product] = add_products(numbered(1))
    raw = _import_connection()
    try:
        cur = raw.cursor()
        cur.execute("SET deadlock_timeout = '10s'")  # the edit's check finds the cycle
        cur.execute("INSERT INTO products (sku, name) VALUES ('TAKEN-1', 'from the file')")
        editing = asyncio.ensure_future(client.patch(f"{API}/{product}", json={"sku": "taken-1"}))
        await _until_someone_waits(cur)
        update = "UPDATE products SET name = 'merged' WHERE id = %s"
        await asyncio.to_thread(cur.execute, update, (product,))
        response = await editing
        raw.commit()
    finally:
        raw.close()
    assert response.status_code == 409, response.text
    assert "try again" in response.json()["detail"]
    assert response.headers["Retry-After"] == "1"
    assert sql_scalar("SELECT name FROM products WHERE id = :id", id=product) == "merged"


async def test_readers_do_not_queue_behind_delete_all_waiting_for_its_lock(client, monkeypatch):
    """A long reader holds the table; delete-all waits for it, but a reader arriving
    meanwhile is never stuck behind that wait (here: it would exceed its own 1 s lock
    timeout while delete-all keeps trying for 30 s, long enough that a busy machine
    cannot end its wait before the readers are done)."""
    monkeypatch.setattr(service, "DELETE_ALL_LOCK_SECONDS", 30.0)
    monkeypatch.setattr(table_locks, "LONGEST_ATTEMPT_MS", 200)
    add_products(numbered(3))
    with sync_engine().connect() as long_reader:
        long_reader.execute(text("SELECT count(*) FROM products"))  # holds ACCESS SHARE
        deleting = asyncio.ensure_future(client.delete(f"{API}/all"))
        await asyncio.sleep(0.3)
        for _ in range(5):
            with sync_engine().connect() as reader:
                reader.execute(text("SET lock_timeout = '1s'"))
                count = await asyncio.to_thread(
                    lambda r=reader: r.execute(text("SELECT count(*) FROM products")).scalar()
                )
                assert count == 3
        assert not deleting.done()
        long_reader.rollback()
    response = await deleting
    assert response.status_code == 200 and response.json() == {"deleted": 3}


async def test_delete_all_behind_a_reader_that_never_ends_says_how_long_it_waited(client):
    add_products(numbered(3))
    with sync_engine().connect() as long_reader:
        long_reader.execute(text("SELECT count(*) FROM products"))  # holds ACCESS SHARE
        response = await client.delete(f"{API}/all")
        long_reader.rollback()
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "nothing was deleted" in detail
    waited = re.search(r"waited (\d+\.\d) s", detail)
    assert waited and float(waited[1]) >= service.DELETE_ALL_LOCK_SECONDS, detail
    with sync_engine().connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM products")).scalar() == 3


def _waits(autovacuum_in_the_way: list[bool]) -> list[int]:
    schedule = table_locks.Schedule(60)
    waits = [schedule.timeout_ms]
    for in_the_way in autovacuum_in_the_way:
        assert schedule.next_attempt(in_the_way)
        waits.append(schedule.timeout_ms)
    return waits


def test_attempts_start_short_and_double_up_to_past_the_deadlock_timeout():
    assert _waits([False] * 7) == [50, 100, 200, 400, 800, 1250, 1250, 1250]


def test_an_autovacuum_in_the_way_gets_an_attempt_past_the_deadlock_timeout_at_once():
    assert _waits([True, False]) == [50, 1250, 1250]
    assert table_locks.LONGEST_ATTEMPT_MS > 1000  # PostgreSQL's default deadlock_timeout


def test_attempts_end_at_the_deadline():
    schedule = table_locks.Schedule(0)
    assert not schedule.next_attempt(False)


SLOW_AUTOVACUUM = """
    ALTER TABLE products SET (
      autovacuum_vacuum_insert_threshold = 1, autovacuum_vacuum_insert_scale_factor = 0,
      autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1)"""
AUTOVACUUM_ON_PRODUCTS = """
    SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE a.backend_type = 'autovacuum worker' AND l.relation = 'products'::regclass"""


def _set_autovacuum_naptime(value: str | None) -> None:
    with sync_engine().connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        setting = f"SET autovacuum_naptime = '{value}'" if value else "RESET autovacuum_naptime"
        conn.execute(text(f"ALTER SYSTEM {setting}"))
        conn.execute(text("SELECT pg_reload_conf()"))


@pytest.fixture
def slow_autovacuum_on_products():
    """An autovacuum of `products` that starts within a second and then crawls (it
    sleeps 100 ms per page), as one after an import can hold the table for a while."""
    if not sql_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
        pytest.skip("needs a superuser to make autovacuum start at once (ALTER SYSTEM)")
    copy_products([(f"AV-{i:06d}", f"Product {i}", "a description", True) for i in range(20_000)])
    sql_execute(SLOW_AUTOVACUUM)
    _set_autovacuum_naptime("1s")
    try:
        yield
    finally:
        _set_autovacuum_naptime(None)
        sql_execute("ALTER TABLE products RESET (autovacuum_vacuum_insert_threshold, "
                    "autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_cost_delay, "
                    "autovacuum_vacuum_cost_limit)")  # fmt: skip


async def test_delete_all_gets_past_an_autovacuum_of_the_table(
    client, slow_autovacuum_on_products, monkeypatch
):
    """An attempt longer than `deadlock_timeout` has PostgreSQL cancel the autovacuum,
    which must then let go within the rest of the attempt (a quarter of a second): a busy
    machine may take longer, so here a few such attempts may start. The crawling
    autovacuum alone would hold the table far longer than they take."""
    monkeypatch.setattr(service, "DELETE_ALL_LOCK_SECONDS", 5.0)
    for _ in range(300):
        if sql_scalar(AUTOVACUUM_ON_PRODUCTS):
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("no autovacuum of products started")
    response = await client.delete(f"{API}/all")
    assert response.status_code == 200, response.text
    assert response.json() == {"deleted": 20_000}


def test_a_lock_attempt_that_fails_leaves_the_transaction_usable():
    with sync_engine().connect() as holder:
        holder.execute(text("SELECT count(*) FROM products"))
        raw = _import_connection()
        try:
            cur = raw.cursor()
            cur.execute("SHOW lock_timeout")
            before = cur.fetchone()[0]
            got = table_locks.lock_in_attempts(cur, "products", "ACCESS EXCLUSIVE", 0.3)
            assert got is False
            cur.execute("SHOW lock_timeout")
            assert cur.fetchone()[0] == before
            cur.execute("SELECT 1")
            with pytest.raises(psycopg2.errors.InvalidSavepointSpecification):
                cur.execute("ROLLBACK TO SAVEPOINT lock_attempt")  # none is left open
        finally:
            raw.rollback()
            raw.close()
        holder.rollback()


async def _while_an_import_holds(
    client, monkeypatch, lock: str, request
) -> tuple[int, str, float, str | None]:
    """(status, detail, seconds, Retry-After) of `request` made while another transaction
    runs `lock`."""
    monkeypatch.setattr(service, "EDIT_WAIT_SECONDS", 0.5)
    raw = _import_connection()
    try:
        raw.cursor().execute(lock)
        started = asyncio.get_running_loop().time()
        response = await request()
        seconds = asyncio.get_running_loop().time() - started
    finally:
        raw.rollback()
        raw.close()
    detail = response.json()["detail"]
    return response.status_code, detail, seconds, response.headers.get("Retry-After")


REBUILDING = "LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE"


async def test_changes_wait_a_bounded_time_for_a_rebuilding_import_then_get_409(
    client, monkeypatch
):
    [product] = add_products(numbered(1))
    changes = [
        lambda: client.patch(f"{API}/{product}", json={"name": "meanwhile"}),
        lambda: client.put(
            f"{API}/{product}",
            json={"sku": "SKU-00000", "name": "meanwhile", "description": None, "is_active": True},
        ),
        lambda: client.delete(f"{API}/{product}"),
        lambda: client.post(API, json={"sku": "NEW-1", "name": "meanwhile"}),
    ]
    for change in changes:
        status, detail, seconds, retry_after = await _while_an_import_holds(
            client, monkeypatch, REBUILDING, change
        )
        assert status == 409, detail
        assert "a running import is writing the catalog" in detail and "try again" in detail
        assert retry_after == "10"
        assert 0.4 < seconds < 5
    assert sql_scalar("SELECT name FROM products WHERE id = :id", id=product) == "Product 00000"
    assert sql_scalar("SELECT count(*) FROM products") == 1


async def test_an_edit_of_a_row_a_merging_import_holds_gets_409_after_the_wait(client, monkeypatch):
    [product] = add_products(numbered(1))
    merging = f"UPDATE products SET name = 'from the file' WHERE id = {product}"
    status, detail, _, _ = await _while_an_import_holds(
        client, monkeypatch, merging, lambda: client.patch(f"{API}/{product}", json={"name": "x"})
    )
    assert status == 409 and "a running import is writing the catalog" in detail


async def test_a_new_sku_an_import_is_adding_gets_409_after_the_wait(client, monkeypatch):
    adding = "INSERT INTO products (sku, name) VALUES ('ADDING-1', 'from the file')"
    status, detail, _, _ = await _while_an_import_holds(
        client, monkeypatch, adding, lambda: client.post(API, json={"sku": "adding-1", "name": "z"})
    )
    assert status == 409 and "a running import is writing the catalog" in detail


def test_a_granted_lock_gives_back_the_lock_timeout_it_found():
    raw = _import_connection()
    try:
        cur = raw.cursor()
        cur.execute("SET lock_timeout = '7s'")
        assert table_locks.lock_in_attempts(cur, "products", "ACCESS EXCLUSIVE", 1.0)
        cur.execute("SHOW lock_timeout")
        assert cur.fetchone()[0] == "7s"
    finally:
        raw.rollback()
        raw.close()
