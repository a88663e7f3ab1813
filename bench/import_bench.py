#!/usr/bin/env python3
"""Import benchmark: the product against PostgreSQL's own floor, in one run.

For each size (default 500,000 and 2,000,000 rows of `generate_csv.py` data):
  floor   — COPY of the file into an unlogged text table plus one
            INSERT … SELECT DISTINCT ON (lower(sku)) … ON CONFLICT upsert, by psycopg2,
            into a products table that has only the unique lower(sku) index, with the
            server's settings, and again with the import session's work_mem (tuned);
  product — POST /api/v1/imports → completed, through the API and a real worker,
            into the real schema with all its indexes.
Both fresh (empty table) and as a re-import of the same file. Prints seconds, the
ratio product/floor, and the worker's and the API's peak RSS. It also prints the CPU
time the host spent on each (API, worker and PostgreSQL together) and, from it, the
least ratio the product's work allows on this host's cores: its CPU seconds spread
perfectly over every core, against the floor's wall time.

    python bench/import_bench.py [--rows 500000,2000000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg2
from harness import (
    host_cpu_seconds,
    peak_rss_mb,
    pool_children,
    start_api,
    start_services,
    start_worker,
    stop_process,
    wait_for_workers,
)

FLOOR_SETUP = """
    DROP TABLE IF EXISTS floor_products;
    CREATE TABLE floor_products (
      id bigserial PRIMARY KEY, sku text NOT NULL, name text NOT NULL, description text,
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
    CREATE UNIQUE INDEX ON floor_products (lower(sku));
"""
FLOOR_STAGE = """
    CREATE UNLOGGED TABLE IF NOT EXISTS floor_staging
      (rn bigint GENERATED ALWAYS AS IDENTITY, sku text, name text, description text);
    TRUNCATE floor_staging;
"""
FLOOR_UPSERT = """
    INSERT INTO floor_products AS p (sku, name, description)
    SELECT DISTINCT ON (lower(sku)) sku, name, nullif(description, '')
    FROM floor_staging ORDER BY lower(sku), rn DESC
    ON CONFLICT (lower(sku)) DO UPDATE
      SET sku = EXCLUDED.sku, name = EXCLUDED.name, description = EXCLUDED.description,
          updated_at = now()
"""


def dsn() -> str:
    from product_importer.config import get_settings
    from product_importer.db import libpq_url

    return libpq_url(get_settings().database_url or "")


def checkpoint() -> None:
    conn = psycopg2.connect(dsn())
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
        cur.execute("CHECKPOINT")
    conn.close()


def floor_run(path: Path, work_mem: str | None) -> tuple[float, float]:
    """(seconds, host CPU seconds) of the floor with the server's settings, or with the
    import session's `work_mem`."""
    conn = psycopg2.connect(dsn())
    with conn.cursor() as cur:
        cur.execute(FLOOR_STAGE)
        conn.commit()
        started, cpu = time.perf_counter(), host_cpu_seconds()
        if work_mem:
            cur.execute(f"SET work_mem = '{work_mem}'")
        with path.open("rb") as handle:
            cur.copy_expert(
                "COPY floor_staging (sku, name, description) FROM STDIN (FORMAT csv, HEADER)",
                handle,
                size=1 << 20,
            )
        cur.execute(FLOOR_UPSERT)
        conn.commit()
        elapsed, cpu = time.perf_counter() - started, host_cpu_seconds() - cpu
    conn.close()
    return elapsed, cpu


def product_run(api: str, path: Path) -> dict[str, Any]:
    started, cpu = time.perf_counter(), host_cpu_seconds()
    with httpx.Client(timeout=None) as http, path.open("rb") as handle:
        response = http.post(
            f"{api}/api/v1/imports", files={"file": (path.name, handle)}
        )
        uploaded = time.perf_counter() - started
        response.raise_for_status()
        body = response.json()
        while body["status"] in ("queued", "running"):
            time.sleep(0.05)
            body = http.get(f"{api}/api/v1/imports/{body['id']}").json()
    elapsed, cpu = time.perf_counter() - started, host_cpu_seconds() - cpu
    if body["status"] != "completed":
        raise RuntimeError(f"import ended {body['status']}: {body['error']}")
    return {"seconds": elapsed, "cpu": cpu, "upload": uploaded, "import": body}


def reset_products() -> None:
    conn = psycopg2.connect(dsn())
    with conn.cursor() as cur:
        cur.execute(
            "TRUNCATE products, imports, webhook_events RESTART IDENTITY CASCADE"
        )
        cur.execute("SELECT count(*) FROM products")
    conn.commit()
    conn.close()


def setup_floor_table() -> None:
    conn = psycopg2.connect(dsn())
    with conn.cursor() as cur:
        cur.execute(FLOOR_SETUP)
    conn.commit()
    conn.close()


def timed_phase(api: str, path: Path, fresh: bool) -> dict[str, Any]:
    """One measurement of each approach; `fresh` starts every one from an empty table."""
    times: dict[str, Any] = {}
    for label, work_mem in (("floor", None), ("floor_tuned", "256MB")):
        if fresh:
            setup_floor_table()
        checkpoint()
        times[label], times[f"{label}_cpu"] = floor_run(path, work_mem)
    if fresh:
        reset_products()
    checkpoint()
    product = product_run(api, path)
    times.update(
        product=product["seconds"],
        product_cpu=product["cpu"],
        upload=product["upload"],
        **product["import"],
    )
    return times


def bench_size(api: str, path: Path, rows: int, repeat: int) -> list[dict[str, Any]]:
    runs: dict[str, list[dict[str, Any]]] = {"fresh": [], "reimport": []}
    worker = start_worker("imports", "prefork", 1)
    try:
        wait_for_workers(1)
        for _ in range(repeat):
            runs["fresh"].append(timed_phase(api, path, fresh=True))
            runs["reimport"].append(timed_phase(api, path, fresh=False))
        worker_rss = max(peak_rss_mb(pid) for pid in pool_children(worker))
    finally:
        stop_process(worker)
    results = []
    for phase, measured in runs.items():
        median = {k: statistics.median(m[k] for m in measured) for k in TIMED}
        last = measured[-1]
        results.append(
            {
                "rows": rows,
                "phase": phase,
                "worker_rss": worker_rss,
                "repeat": repeat,
                **median,
            }
            | {k: last[k] for k in ("created", "updated", "unchanged")}
        )
    return results


TIMED = ("floor", "floor_tuned", "product", "upload", "floor_cpu", "product_cpu")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="500000,2000000")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per figure (median)"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.rows.split(",")]

    from generate_csv import generate

    root = Path(tempfile.mkdtemp(prefix="import-bench-"))
    root.chmod(0o755)
    services = start_services(root)
    api, url = start_api()
    table: list[dict[str, Any]] = []
    try:
        for rows in sizes:
            path = root / f"products-{rows}.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                generate(out, rows, seed=20240601, duplicates=0.05)
            table += bench_size(url, path, rows, args.repeat if rows <= 500_000 else 1)
            print_table(table, peak_rss_mb(api.pid), path.stat().st_size)
            path.unlink()
    finally:
        stop_process(api)
        services.stop()
        shutil.rmtree(root, ignore_errors=True)


def print_table(table: list[dict[str, Any]], api_rss: float, file_bytes: int) -> None:
    print(
        f"\nImport benchmark, medians (last file {file_bytes / 1e6:.1f} MB); "
        f"API peak RSS {api_rss:.0f} MB"
    )
    print(
        f"{'rows':>9} {'runs':>4} {'phase':9} {'floor s':>8} {'product s':>9} {'ratio':>6} "
        f"{'tuned floor s':>13} {'ratio':>6} "
        f"{'upload s':>8} {'created':>8} {'updated':>8} {'unchanged':>9} {'worker RSS MB':>13}"
    )
    for r in table:
        print(
            f"{r['rows']:>9,} {r['repeat']:>4} {r['phase']:9} {r['floor']:>8.2f} "
            f"{r['product']:>9.2f} "
            f"{r['product'] / r['floor']:>5.2f}x {r['floor_tuned']:>13.2f} "
            f"{r['product'] / r['floor_tuned']:>5.2f}x {r['upload']:>8.2f} {r['created']:>8,} "
            f"{r['updated']:>8,} {r['unchanged']:>9,} {r['worker_rss']:>13.0f}"
        )
    from product_importer.imports.priority import host_cores

    cores = host_cores()
    print(
        f"\nHost CPU seconds per run (API, worker and PostgreSQL together; {cores} cores), "
        "and the least ratio the product's work allows: its CPU seconds over every core"
    )
    print(
        f"{'rows':>9} {'phase':9} {'floor CPU s':>11} {'product CPU s':>13} "
        f"{'cores busy':>10} {'least ratio':>11}"
    )
    for r in table:
        print(
            f"{r['rows']:>9,} {r['phase']:9} {r['floor_cpu']:>11.2f} {r['product_cpu']:>13.2f} "
            f"{r['product_cpu'] / r['product']:>10.2f} "
            f"{r['product_cpu'] / cores / r['floor']:>10.2f}x"
        )


if __name__ == "__main__":
    main()
