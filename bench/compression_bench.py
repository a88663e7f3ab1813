#!/usr/bin/env python3
"""Compression benchmark: what gzip saves on the wire and what it costs, in one run.

1. Embedded PostgreSQL + Redis in a temporary directory, migrations applied.
2. `--rows` products as `generate_csv.py` makes them (realistic names and
   descriptions), loaded with COPY, then VACUUM ANALYZE.
3. Through the API, each asked for as a browser asks (`Accept-Encoding: gzip`) and
   without compression (`identity`), alternately: a page of 100 products (p50 of
   `--samples`), the UI's script, and the whole export (median of `--repeats`). It
   reports bytes on the wire and time, each compressed figure against the uncompressed
   one measured in the same run.

    python bench/compression_bench.py [--rows 500000] [--samples 100] [--repeats 3]

Results are printed and written to bench/results/compression_bench.json.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import time
from typing import Any

import httpx
import psycopg2
from harness import run_measured, start_api, stop_process

ENCODINGS = ("identity", "gzip")
PAGE = "/api/v1/products?page_size=100"
EXPORT = "/api/v1/products/export.csv"


def load(rows: int) -> None:
    from generate_csv import generate  # at the repository's root, on the path harness adds

    csv_file = io.StringIO()
    generate(csv_file, rows, seed=1, duplicates=0.0)
    csv_file.seek(0)
    with psycopg2.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.copy_expert(
            "COPY products (sku, name, description) "
            "FROM STDIN (FORMAT csv, HEADER, FORCE_NULL (description))",
            csv_file,
        )
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE products")
    conn.close()


def fetch(client: httpx.Client, path: str, encoding: str) -> tuple[float, int]:
    """Seconds to read the whole answer, and its bytes on the wire."""
    started = time.perf_counter()
    wire = 0
    with client.stream("GET", path, headers={"Accept-Encoding": encoding}) as response:
        response.raise_for_status()
        assert response.headers.get("content-encoding", "identity") == encoding, path
        for chunk in response.iter_raw():
            wire += len(chunk)
    return time.perf_counter() - started, wire


def compare(client: httpx.Client, path: str, times: int, middle: str) -> dict[str, Any]:
    """Each encoding `times` times, alternately: the `middle` ("median" or "p50") of the
    seconds, the bytes, and gzip's ratios to identity."""
    seconds: dict[str, list[float]] = {encoding: [] for encoding in ENCODINGS}
    wire: dict[str, int] = {}
    for _ in range(times):
        for encoding in ENCODINGS:
            took, wire[encoding] = fetch(client, path, encoding)
            seconds[encoding].append(took)
    result: dict[str, Any] = {"path": path, "times": times, "statistic": middle}
    for encoding in ENCODINGS:
        result[encoding] = {
            "seconds": statistics.median(seconds[encoding]),
            "bytes": wire[encoding],
        }
    result["bytes_ratio"] = wire["gzip"] / wire["identity"]
    result["seconds_ratio"] = result["gzip"]["seconds"] / result["identity"]["seconds"]
    return result


def ui_script(client: httpx.Client) -> str | None:
    """The path of the UI's script, when the UI is built."""
    page = client.get("/")
    found = re.search(r'src="(/assets/[^"]+\.js)"', page.text)
    return found.group(1) if found else None


def measure(rows: int, samples: int, repeats: int) -> dict[str, Any]:
    load(rows)
    api, url = start_api()
    try:
        with httpx.Client(base_url=url, timeout=600) as client:
            fetch(client, PAGE, "gzip")  # warm the connection and the caches
            report: dict[str, Any] = {
                "rows": rows,
                "page": compare(client, PAGE, samples, "p50"),
            }
            script = ui_script(client)
            if script:
                report["ui_script"] = compare(client, script, 10, "median")
            report["export"] = compare(client, EXPORT, repeats, "median")
        return report
    finally:
        stop_process(api)


def print_report(report: dict[str, Any]) -> None:
    print(f"\n{report['rows']:,} products; gzip against identity in the same run")
    for name in ("page", "ui_script", "export"):
        if name not in report:
            print(f"  {name:9} (the UI is not built: skipped)")
            continue
        case = report[name]
        identity, gzip = case["identity"], case["gzip"]
        print(
            f"  {name:9} {identity['bytes']:>12,} B -> {gzip['bytes']:>11,} B "
            f"({case['bytes_ratio']:.2f}x)   {case['statistic']} {identity['seconds'] * 1000:8.1f}"
            f" ms -> {gzip['seconds'] * 1000:8.1f} ms ({case['seconds_ratio']:.2f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    run_measured(
        "compression_bench", lambda: measure(args.rows, args.samples, args.repeats), print_report
    )


if __name__ == "__main__":
    main()
