"""Imports yield the CPU to the API: the PostgreSQL processes that run an import are
reniced, parallel index-build workers included, and none goes back to the pool; an
import into a catalog the API serves leaves it a core."""

import asyncio
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from product_importer.db import sync_engine
from product_importer.imports import priority, rebuild, runner
from product_importer.imports.priority import (
    FULL_PARALLELISM,
    BackgroundPriority,
    local_backend_pid,
    workers_beside_readers,
)
from tests.imports.helpers import csv_bytes, import_file, products, stored_import
from tests.settings_helpers import settings_env

NICE = 7
PARALLELISM = """SELECT current_setting('max_parallel_maintenance_workers'),
                        current_setting('max_parallel_workers_per_gather')"""


def _pid(conn: Connection) -> int:
    return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def _local_pid_or_skip(conn: Connection) -> int:
    pid = local_backend_pid(conn)
    if pid is None:
        pytest.skip("PostgreSQL does not run on this host: imports cannot renice it")
    return pid


class ParallelWorkerWatch(threading.Thread):
    """Records the highest nice seen for each parallel worker of `leader`."""

    def __init__(self, leader: int) -> None:
        super().__init__(daemon=True)
        self.title = f"postgres: parallel worker for PID {leader} ".encode()
        self.nice: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.005):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    if (entry / "cmdline").read_bytes().startswith(self.title):
                        pid = int(entry.name)
                        nice = os.getpriority(os.PRIO_PROCESS, pid)
                        self.nice[pid] = max(nice, self.nice.get(pid, nice))
                except OSError:
                    continue


def test_a_backend_on_this_host_is_recognised() -> None:
    with sync_engine().connect() as conn:
        assert _local_pid_or_skip(conn) == _pid(conn)


def test_the_backends_and_their_parallel_workers_are_reniced() -> None:
    engine = sync_engine()
    with engine.connect() as conn, engine.connect() as bystander:
        leader = _local_pid_or_skip(conn)
        conn.exec_driver_sql(
            "CREATE TABLE priority_probe AS SELECT md5(g::text) AS s "
            "FROM generate_series(1, 1000000) AS g"
        )
        conn.exec_driver_sql("ALTER TABLE priority_probe SET (parallel_workers = 2)")
        conn.exec_driver_sql("SET max_parallel_maintenance_workers = 2")
        conn.exec_driver_sql("SET maintenance_work_mem = '256MB'")
        # Processes inherit the nice of whoever started PostgreSQL: compare with that.
        expected = max(NICE, os.getpriority(os.PRIO_PROCESS, leader))
        bystander_nice = os.getpriority(os.PRIO_PROCESS, _pid(bystander))
        watch = ParallelWorkerWatch(leader)
        watch.start()
        try:
            with BackgroundPriority(NICE, conn) as lowered:
                assert lowered.lowered
                assert os.getpriority(os.PRIO_PROCESS, leader) == expected
                # A btree, not a trigram index: parallel GIN builds need PostgreSQL 18.
                conn.exec_driver_sql("CREATE INDEX ON priority_probe (s)")
        finally:
            watch.stop.set()
            watch.join()
            conn.rollback()
            conn.invalidate()
        assert watch.nice, "the index build started no parallel worker"
        assert expected in watch.nice.values(), watch.nice
        assert os.getpriority(os.PRIO_PROCESS, _pid(bystander)) == bystander_nice


def test_nothing_is_reniced_without_a_local_postgres(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(priority, "PROC", tmp_path / "no-proc")
    with sync_engine().connect() as conn:
        before = os.getpriority(os.PRIO_PROCESS, _pid(conn))
        with BackgroundPriority(NICE, conn) as lowered:
            assert not lowered.lowered
        assert os.getpriority(os.PRIO_PROCESS, _pid(conn)) == before


def _reniced_backends() -> list[int]:
    with sync_engine().connect() as conn:
        pids = conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'"
        ).scalars()
        reniced = []
        baseline = os.getpriority(os.PRIO_PROCESS, _pid(conn))
        for pid in pids:
            try:
                if os.getpriority(os.PRIO_PROCESS, pid) > baseline:
                    reniced.append(pid)
            except OSError:  # exited meanwhile
                continue
        return reniced


async def test_an_import_leaves_no_reniced_backend_behind(client, worker) -> None:
    with sync_engine().connect() as conn:
        _local_pid_or_skip(conn)
    rows = [f"P-{i},Product {i},About {i}" for i in range(2000)]
    body = await import_file(client, csv_bytes("sku,name,description", *rows))
    assert body["status"] == "completed", body
    for _ in range(100):  # the worker closes its connections just after the commit
        if not _reniced_backends():
            break
        await asyncio.sleep(0.1)
    assert _reniced_backends() == []


def test_a_first_load_uses_every_core_and_an_import_beside_readers_leaves_one(
    monkeypatch,
) -> None:
    """Parallel workers per statement when the rebuild starts: all of them into an empty
    catalog, the configured share (here 1) into a catalog the API serves."""
    seen: list[tuple[int, int]] = []
    real_rebuild = rebuild.rebuild

    def recording_rebuild(cur: Any, *args: Any) -> Any:
        cur.execute(PARALLELISM)
        seen.append(tuple(int(value) for value in cur.fetchone()))
        return real_rebuild(cur, *args)

    monkeypatch.setattr(rebuild, "rebuild", recording_rebuild)
    with settings_env(IMPORT_PARALLEL_WORKERS="1"):
        first = stored_import(csv_bytes("sku,name", *[f"A-{i},First {i}" for i in range(50)]))
        assert runner.run_import(first) == "completed"
        more = stored_import(csv_bytes("sku,name", *[f"B-{i},More {i}" for i in range(500)]))
        assert runner.run_import(more) == "completed"
    assert seen == [(FULL_PARALLELISM, FULL_PARALLELISM), (1, 1)]
    assert len(products()) == 550


@pytest.mark.parametrize(("cores", "workers"), [(1, 0), (2, 0), (3, 1), (4, 2), (16, 2)])
def test_beside_readers_an_import_leaves_a_core_free(monkeypatch, cores, workers) -> None:
    monkeypatch.setattr(priority, "host_cores", lambda: cores)
    assert workers_beside_readers() == workers
    assert workers_beside_readers(configured=3) == 3


def test_a_backend_not_ours_to_renice_is_said_once_in_the_log(monkeypatch, caplog) -> None:
    def refused(*_: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(priority.os, "setpriority", refused)  # as for another user's server
    priority._say_not_permitted.cache_clear()
    with sync_engine().connect() as conn:
        _local_pid_or_skip(conn)
        for _ in range(2):
            with BackgroundPriority(NICE, conn) as lowered:
                assert not lowered.lowered
        conn.invalidate()
    warnings = [r for r in caplog.records if "IMPORT_NICE: not permitted" in r.getMessage()]
    assert len(warnings) == 1
