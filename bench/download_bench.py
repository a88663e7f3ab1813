#!/usr/bin/env python3
"""Download benchmark: the products export and an import's error report, through HTTP,
against what PostgreSQL itself sends, in one run.

1. Embedded PostgreSQL + Redis in a temporary directory, migrations applied.
2. `--rows` products (names and ~150-character descriptions) and one import with as
   many skipped rows, loaded with SQL, then VACUUM ANALYZE.
3. The floor: the same rows in the same order as CSV, straight from the server with
   `COPY (query) TO STDOUT` through psycopg2, read to the end.
4. The product: `GET /products/export.csv` and `GET /imports/{id}/errors.csv` through
   the API (rows written to a temporary file and sent from it as written), read to the
   end by one client; and the API's peak memory.

Each is timed `--repeats` times; the median is reported, and its ratio to the floor.

    python bench/download_bench.py [--rows 500000] [--repeats 3]

Results are printed and written to bench/results/download_bench.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
import psycopg2
from harness import peak_rss_mb, run_measured, start_api, stop_process

EXPORT_QUERY = (
    "SELECT id, sku, name, description, is_active, created_at, updated_at FROM products ORDER BY id"
)
ERRORS_QUERY = (
    'SELECT line, "column", reason, sku, name, description FROM import_errors '
    "WHERE import_id = '{id}' ORDER BY line, id"
)


class _Counter:
    """A file that only counts what is written to it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes | str) -> int:
        self.size += len(data)
        return len(data)


def load(rows: int) -> str:
    """The products and an import with as many skipped rows; the import's id."""
    with psycopg2.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO products (sku, name, description) "
            "SELECT 'SKU-' || n, 'Product ' || md5(n::text), repeat(md5(n::text), 5) "
            "FROM generate_series(1, %s) n",
            (rows,),
        )
        cur.execute(
            "INSERT INTO imports (filename, status) VALUES ('products.csv', 'completed') "
            "RETURNING id"
        )
        import_id = str(cur.fetchone()[0])
        cur.execute(
            "INSERT INTO import_errors (import_id, line, reason, sku, description) "
            "SELECT %s, n + 1, 'name is empty', 'SKU-' || n, repeat(md5(n::text), 5) "
            "FROM generate_series(1, %s) n",
            (import_id, rows),
        )
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()
    return import_id


def floor(query: str) -> int:
    with psycopg2.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        out = _Counter()
        cur.copy_expert(f"COPY ({query}) TO STDOUT (FORMAT csv)", out)
        return out.size


def download(url: str) -> int:
    size = 0
    # Uncompressed, as PostgreSQL sends it (compression_bench.py measures gzip).
    headers = {"Accept-Encoding": "identity"}
    with httpx.stream("GET", url, headers=headers, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_raw():
            size += len(chunk)
    return size


def timed(run: Callable[[], int], repeats: int) -> dict[str, float]:
    seconds = []
    size = 0
    for _ in range(repeats):
        started = time.perf_counter()
        size = run()
        seconds.append(time.perf_counter() - started)
    return {"seconds": statistics.median(seconds), "bytes": size}


def measure(rows: int, repeats: int) -> dict[str, Any]:
    import_id = load(rows)
    api, url = start_api()
    try:
        report: dict[str, Any] = {"rows": rows, "repeats": repeats}
        cases = {
            "export": (EXPORT_QUERY, f"{url}/api/v1/products/export.csv"),
            "errors": (
                ERRORS_QUERY.format(id=import_id),
                f"{url}/api/v1/imports/{import_id}/errors.csv",
            ),
        }
        for name, (query, address) in cases.items():
            base = timed(lambda query=query: floor(query), repeats)
            product = timed(lambda address=address: download(address), repeats)
            report[name] = {
                "floor": base,
                "product": product,
                "ratio": product["seconds"] / base["seconds"],
            }
        report["api_peak_rss_mb"] = peak_rss_mb(api.pid)
        return report
    finally:
        stop_process(api)


def print_report(report: dict[str, Any]) -> None:
    print(f"\n{report['rows']:,} rows, median of {report['repeats']}")
    for name in ("export", "errors"):
        case = report[name]
        floor_s, product_s = case["floor"]["seconds"], case["product"]["seconds"]
        megabytes = case["product"]["bytes"] / 1e6
        print(
            f"  {name:7} floor (COPY TO STDOUT) {floor_s:6.2f} s   API {product_s:6.2f} s "
            f"({megabytes:.0f} MB)   ratio {case['ratio']:.2f}x"
        )
    print(f"  API peak RSS {report['api_peak_rss_mb']:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    run_measured("download_bench", lambda: measure(args.rows, args.repeats), print_report)


if __name__ == "__main__":
    main()
