#!/usr/bin/env python3
"""Products API benchmark at catalog scale, through HTTP, in one run.

1. Embedded PostgreSQL + Redis in a temporary directory, migrations applied.
2. 1,000,000 products (the shape of `generate_csv.py`'s, 2% inactive, `updated_at`
   spread over a year) loaded with COPY, then VACUUM ANALYZE.
3. The plan of every list query shape at that size (each must walk an index).
4. p50/p95 of each request shape, idle: list page 1, page 10,000 by number and by
   cursor, `q` (frequent, rare, no match), each filter, each sort, get by id.
5. The same shapes again while a 500,000-row import runs through
   `POST /api/v1/imports` and a real worker (p95 target: at most 2x idle), pooled
   over three imports, each into the same freshly loaded 1,000,000-row catalog.
6. Delete-all (TRUNCATE) of everything, timed through HTTP (target <= 200 ms).
7. Write costs: the total-keeping triggers on a 475,000-row insert, and what a
   trigram index on `description` would cost and give.

    python bench/api_bench.py [--rows 1000000] [--import-rows 500000] [--samples 60]

Results are printed and written to bench/results/api_bench.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg2
from harness import (
    REPO,
    percentile,
    start_api,
    start_services,
    start_worker,
    stop_process,
    wait_for_workers,
)

RESULTS = REPO / "bench" / "results" / "api_bench.json"
API = "/api/v1/products"
TARGET_FIRST_PAGE_P95_MS = 25.0
TARGET_DEEP_PAGE_P95_MS = 100.0
TARGET_DELETE_ALL_MS = 200.0
COMMON_TERMS = ("steel", "kettle", "lamp", "chair", "desk", "smart")
DESCRIPTION_TERMS = ("camping", "warranty", "portugal", "dishwasher")


def dsn() -> str:
    from product_importer.config import get_settings
    from product_importer.db import libpq_url

    return libpq_url(get_settings().database_url or "")


def connect(autocommit: bool = False) -> Any:
    conn = psycopg2.connect(dsn())
    conn.autocommit = autocommit
    return conn


def execute_alone(statement: str) -> None:
    """One statement on its own connection, outside a transaction (CHECKPOINT, ...)."""
    conn = connect(autocommit=True)
    with conn.cursor() as cur:
        cur.execute(statement)
    conn.close()


# --- data ----------------------------------------------------------------------------


def generated_rows(count: int, seed: int) -> io.StringIO:
    """CSV of (sku, name, description, is_active, created_at, updated_at)."""
    import generate_csv as g

    rng = random.Random(seed)
    now = datetime.now(UTC)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    seen: set[str] = set()
    while len(seen) < count:
        sku = g.make_sku(rng)
        if sku.lower() in seen:
            continue
        seen.add(sku.lower())
        created = now - timedelta(seconds=rng.randrange(365 * 86400))
        updated = created + timedelta(
            seconds=rng.randrange(max(1, int((now - created).total_seconds())))
        )
        writer.writerow(
            (
                sku,
                g.make_name(rng),
                g.make_description(rng),
                "f" if rng.random() < 0.02 else "t",
                created.isoformat(),
                updated.isoformat(),
            )
        )
    buffer.seek(0)
    return buffer


def load_products(count: int, seed: int) -> dict[str, float]:
    """COPY `count` products with the secondary indexes dropped, then rebuild them."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    data = generated_rows(count, seed)
    timings["generate_s"] = time.perf_counter() - started
    conn = connect()
    with conn.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'products' "
            "AND indexname <> 'pk_products'"
        )
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        cur.copy_expert(
            "COPY products (sku, name, description, is_active, created_at, updated_at) "
            "FROM STDIN (FORMAT csv)",
            data,
        )
        timings["copy_s"] = time.perf_counter() - started
        started = time.perf_counter()
        cur.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cur.execute(definition)
        timings["index_s"] = time.perf_counter() - started
    conn.commit()
    conn.close()
    conn = connect(autocommit=True)
    with conn.cursor() as cur:
        started = time.perf_counter()
        cur.execute("VACUUM ANALYZE products")
        timings["vacuum_analyze_s"] = time.perf_counter() - started
        cur.execute("SELECT product_count(), count(*) FROM products")
        counter, counted = cur.fetchone()
    conn.close()
    assert counter == counted == count, (counter, counted, count)
    return timings


def sample_values(conn: Any) -> dict[str, list[Any]]:
    """Real rare terms (model numbers, SKU fragments) and ids to ask for."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT sku, name, id FROM products TABLESAMPLE SYSTEM (1) LIMIT 2000"
        )
        rows = cur.fetchall()
    rng = random.Random(3)
    models = sorted(
        {name.rsplit(", ", 1)[1].lower() for _, name, _ in rows if ", Model" in name}
    )
    return {
        "rare": rng.sample(models, min(12, len(models))),
        "sku": [sku[3:10].lower() for sku, _, _ in rng.sample(rows, 12)],
        "whole_sku": [sku.lower() for sku, _, _ in rng.sample(rows, 12)],
        "ids": [product_id for _, _, product_id in rows],
    }


# --- request shapes ------------------------------------------------------------------


def shapes(
    samples: dict[str, list[Any]], deep_cursor: str
) -> list[tuple[str, Callable[[random.Random], str]]]:
    def rotate(
        values: tuple[str, ...] | list[str], template: str
    ) -> Callable[[random.Random], str]:
        return lambda rng: template.format(rng.choice(values))

    return [
        ("list page 1", lambda rng: API),
        ("page 10,000 (by number)", lambda rng: f"{API}?page=10000"),
        ("page 10,001 (by cursor)", lambda rng: f"{API}?cursor={deep_cursor}"),
        ("page 10,000, sort=name", lambda rng: f"{API}?page=10000&sort=name"),
        ("q frequent term", rotate(COMMON_TERMS, API + "?q={}")),
        ("q rare term", rotate(samples["rare"], API + "?q={}")),
        ("q no match", rotate(("xyzzy", "qqqqq", "zzyzx"), API + "?q={}")),
        ("q a whole SKU (exact_match)", rotate(samples["whole_sku"], API + "?q={}")),
        ("sku filter", rotate(samples["sku"], API + "?sku={}")),
        ("name filter", rotate(COMMON_TERMS, API + "?name={}")),
        ("name filter, rare", rotate(samples["rare"], API + "?name={}")),
        ("description filter", rotate(DESCRIPTION_TERMS, API + "?description={}")),
        ("is_active=false", lambda rng: f"{API}?is_active=false"),
        ("is_active=true", lambda rng: f"{API}?is_active=true"),
        ("sort=name", lambda rng: f"{API}?sort=name"),
        ("sort=-name", lambda rng: f"{API}?sort=-name"),
        ("sort=sku", lambda rng: f"{API}?sort=sku"),
        ("sort=-updated_at", lambda rng: f"{API}?sort=-updated_at"),
        ("q frequent + sort=name", rotate(COMMON_TERMS, API + "?sort=name&q={}")),
        ("get by id", lambda rng: f"{API}/{rng.choice(samples['ids'])}"),
    ]


# Shapes the 25 ms first-page target applies to (page 1 of a list, search, filter, sort).
FIRST_PAGE_SHAPES = {
    "list page 1",
    "q frequent term",
    "q rare term",
    "q no match",
    "q a whole SKU (exact_match)",
    "sku filter",
    "name filter",
    "name filter, rare",
    "description filter",
    "is_active=false",
    "is_active=true",
    "sort=name",
    "sort=-name",
    "sort=sku",
    "sort=-updated_at",
    "get by id",
}
DEEP_SHAPES = {"page 10,000 (by number)"}
CURSOR_SHAPES = {"page 10,001 (by cursor)"}


def timed_get(http: httpx.Client, path: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = http.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed, response.json()


def describe_body(body: dict[str, Any]) -> str:
    if "items" not in body:
        return "1"
    total = f"{body['total']:,}"
    return f"~{total}" if body.get("total_is_estimate") else total


def measure_idle(
    http: httpx.Client, shape_list: list[Any], count: int
) -> dict[str, dict[str, Any]]:
    """`count` samples of each shape, taken round-robin so that a burst of load from
    elsewhere on the machine spreads over every shape instead of hitting one."""
    rng = random.Random(11)
    results: dict[str, dict[str, Any]] = {
        label: {"times": [], "rows": ""} for label, _ in shape_list
    }
    for _label, make in shape_list:
        for _ in range(3):
            timed_get(http, make(rng))
    for _ in range(count):
        for label, make in shape_list:
            elapsed, body = timed_get(http, make(rng))
            results[label]["times"].append(elapsed)
            results[label]["rows"] = describe_body(body)
    return results


def measure_during_import(
    http: httpx.Client, shape_list: list[Any], csv_path: Path
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    rng = random.Random(12)
    results: dict[str, dict[str, Any]] = {
        label: {"times": [], "rows": ""} for label, _ in shape_list
    }
    started = time.perf_counter()
    with csv_path.open("rb") as handle:
        response = http.post(
            "/api/v1/imports", files={"file": (csv_path.name, handle)}, timeout=None
        )
    response.raise_for_status()
    job = response.json()
    samples: list[tuple[str, float, float]] = []  # (shape, started at, ms)
    while job["status"] in ("queued", "running"):
        for label, make in shape_list:
            sent = time.time()
            elapsed, body = timed_get(http, make(rng))
            samples.append((label, sent, elapsed))
            results[label]["rows"] = describe_body(body)
        job = http.get(f"/api/v1/imports/{job['id']}").json()
    job["wall_s"] = time.perf_counter() - started
    # Only requests sent while the worker ran the import (the status is polled once a
    # round, so a round can straddle its start or its commit).
    began, ended = (
        datetime.fromisoformat(job[k]).timestamp()
        for k in ("started_at", "finished_at")
    )
    for label, sent, elapsed in samples:
        if began <= sent < ended:
            results[label]["times"].append(elapsed)
    return results, job


def settle() -> None:
    """Write out what the load left dirty (PostgreSQL's buffers, then the OS cache), so
    that the idle and the during-import samples start from the same quiet state."""
    execute_alone("CHECKPOINT")
    os.sync()


def reload_catalog(rows: int) -> None:
    """The same catalog again (same rows, ids and flags), loaded from scratch."""
    execute_alone("TRUNCATE products RESTART IDENTITY")
    load_products(rows, seed=1)
    settle()


def measure_during_imports(
    http: httpx.Client, shape_list: list[Any], csv_path: Path, runs: int, rows: int
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Samples pooled over `runs` imports of the same file, each into the same freshly
    loaded catalog (one import gives ~25 samples per shape: too few for a stable p95)."""
    pooled: dict[str, dict[str, Any]] = {}
    walls = []
    for run in range(runs):
        if run:
            reload_catalog(rows)
        during, job = measure_during_import(http, shape_list, csv_path)
        walls.append(job["wall_s"])
        for label, result in during.items():
            entry = pooled.setdefault(label, {"times": [], "rows": result["rows"]})
            entry["times"] += result["times"]
    job["wall_s"] = statistics.median(walls)
    return pooled, job


# --- plans ---------------------------------------------------------------------------


def plans(rows: int) -> list[tuple[str, str]]:
    from sqlalchemy import text

    from product_importer.db import sync_engine
    from product_importer.products import list_queries as sql
    from product_importer.products.filters import ProductFilters, ProductSort

    def flat(plan: dict[str, Any]) -> list[str]:
        name = plan.get("Index Name") or plan.get("Relation Name") or ""
        node = f"{plan['Node Type']}{f' on {name}' if name else ''}"
        return [node] + [
            part for child in plan.get("Plans", []) for part in flat(child)
        ]

    shown = []
    with sync_engine().connect() as conn:
        middle = min(499_950, rows // 2)
        key = tuple(conn.execute(sql.key_at(ProductSort.ID, middle)).one())
        statements = [
            ("page 1, sort=id", sql.page(ProductSort.ID, 50)),
            ("page 1, sort=-sku", sql.page(ProductSort.SKU_DESC, 50)),
            ("page 1, sort=name", sql.page(ProductSort.NAME, 50)),
            ("page 1, sort=-updated_at", sql.page(ProductSort.UPDATED_AT_DESC, 50)),
            (f"key at offset {middle:,} (sort=id)", sql.key_at(ProductSort.ID, middle)),
            (
                "page from that key",
                sql.page(ProductSort.ID, 50, from_keys=key, inclusive=True),
            ),
            (
                "window: q=steel",
                sql.window_page(ProductFilters(q="steel"), ProductSort.ID, 50, 0, 5000),
            ),
            (
                "window: name=kettle, sort=name",
                sql.window_page(
                    ProductFilters(name="kettle"), ProductSort.NAME, 50, 0, 5000
                ),
            ),
            (
                "matches: q=model q12",
                sql.matched_page(ProductFilters(q="model q12"), ProductSort.ID, 50, 0),
            ),
            (
                "capped lookup of a rare term: q=model q12",
                sql.matched_page(
                    ProductFilters(q="model q12"), ProductSort.ID, 50, 0, cap=2000
                ),
            ),
            (
                "matches: sku=abc-1234",
                sql.matched_page(ProductFilters(sku="abc-1234"), ProductSort.ID, 50, 0),
            ),
            (
                "matches: is_active=false, sort=name",
                sql.matched_page(
                    ProductFilters(is_active=False), ProductSort.NAME, 50, 0
                ),
            ),
            (
                "matches: description=xyzzy (no index)",
                sql.matched_page(
                    ProductFilters(description="xyzzy"), ProductSort.ID, 50, 0
                ),
            ),
            (
                "exact SKU: q=abc-1234",
                sql.exact_sku(ProductFilters(q="abc-1234"), "abc-1234"),
            ),
            ("count: q=model q12", sql.count(ProductFilters(q="model q12"), 10_001)),
            (
                "count: is_active=false",
                sql.count(ProductFilters(is_active=False), 10_001),
            ),
        ]
        for label, statement in statements:
            plan = conn.execute(sql.Explain(statement)).scalar_one()[0]["Plan"]
            shown.append((label, " > ".join(flat(plan))))
        conn.execute(text("SELECT 1"))
    return shown


# --- write costs ---------------------------------------------------------------------


def trigger_cost(csv_path: Path, repeats: int) -> dict[str, Any]:
    """Insert the file's distinct rows into a scratch copy of products with and without
    the total-keeping triggers (alternating runs)."""
    conn = connect()
    with conn.cursor() as cur:
        cur.execute(
            "CREATE UNLOGGED TABLE bench_stage "
            "(rn bigserial, sku text, name text, description text)"
        )
        with csv_path.open() as handle:
            cur.copy_expert(
                "COPY bench_stage (sku, name, description) FROM STDIN (FORMAT csv, HEADER)",
                handle,
            )
        cur.execute(
            "CREATE UNLOGGED TABLE bench_rows AS SELECT DISTINCT ON (lower(sku)) sku, name, "
            "nullif(description, '') AS description FROM bench_stage ORDER BY lower(sku), rn DESC"
        )
        cur.execute("SELECT count(*) FROM bench_rows")
        rows = cur.fetchone()[0]
        cur.execute(
            "CREATE TABLE bench_products (LIKE products INCLUDING DEFAULTS); "
            "ALTER TABLE bench_products ADD PRIMARY KEY (id); "
            "CREATE UNIQUE INDEX ON bench_products (lower(sku))"
        )
        cur.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = 'products'::regclass AND NOT tgisinternal"
        )
        triggers = [
            d.replace(" ON public.products ", " ON bench_products ")
            for (d,) in cur.fetchall()
        ]
    conn.commit()
    runs: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(repeats):
        for mode in ("without", "with"):
            with conn.cursor() as cur:
                cur.execute(
                    "DROP TRIGGER IF EXISTS products_count_insert ON bench_products"
                )
                cur.execute(
                    "DROP TRIGGER IF EXISTS products_count_delete ON bench_products"
                )
                cur.execute(
                    "DROP TRIGGER IF EXISTS products_count_truncate ON bench_products"
                )
                if mode == "with":
                    for definition in triggers:
                        cur.execute(definition)
                cur.execute("TRUNCATE bench_products")
                conn.commit()
                started = time.perf_counter()
                cur.execute(
                    "INSERT INTO bench_products (sku, name, description) SELECT * FROM bench_rows"
                )
                conn.commit()
                runs[mode].append(time.perf_counter() - started)
    with conn.cursor() as cur:
        cur.execute("DELETE FROM product_counts WHERE rel = 'bench_products'::regclass")
        cur.execute("DROP TABLE bench_products, bench_rows, bench_stage")
    conn.commit()
    conn.close()
    return {
        "rows": rows,
        "without_s": runs["without"],
        "with_s": runs["with"],
        "median_extra_s": statistics.median(runs["with"])
        - statistics.median(runs["without"]),
        "min_extra_s": min(runs["with"]) - min(runs["without"]),
    }


def description_index_cost(http: httpx.Client, samples: int) -> dict[str, Any]:
    """Build a trigram index on description, measure the filter with it and the cost of
    rewriting 100,000 descriptions with and without it; then drop it."""
    rewrite = "UPDATE products SET description = description || ' v2' WHERE id % 10 = 0"
    conn = connect()
    with conn.cursor() as cur:
        started = time.perf_counter()
        cur.execute(rewrite)
        without = time.perf_counter() - started
        cur.execute("SELECT count(*) FROM products WHERE id % 10 = 0")
        rewritten = cur.fetchone()[0]
    conn.rollback()
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        started = time.perf_counter()
        cur.execute(
            "CREATE INDEX bench_description_trgm ON products USING gin (description gin_trgm_ops)"
        )
        build = time.perf_counter() - started
        cur.execute("SELECT pg_relation_size('bench_description_trgm')")
        size = cur.fetchone()[0]
    conn.commit()
    rng = random.Random(5)
    rare = [f"{API}?description=xyzzy{i}" for i in range(5)]
    with_index = {
        "description filter": [
            timed_get(
                http, rng.choice([f"{API}?description={t}" for t in DESCRIPTION_TERMS])
            )[0]
            for _ in range(samples)
        ],
        "description filter, no match": [
            timed_get(http, rng.choice(rare))[0] for _ in range(samples)
        ],
    }
    with conn.cursor() as cur:
        started = time.perf_counter()
        cur.execute(rewrite)
        with_idx = time.perf_counter() - started
    conn.rollback()
    with conn.cursor() as cur:
        cur.execute("DROP INDEX bench_description_trgm")
    conn.commit()
    conn.close()
    return {
        "build_s": build,
        "index_mb": size / 1e6,
        "rewrite_rows": rewritten,
        "rewrite_without_s": without,
        "rewrite_with_s": with_idx,
        "latency_with_index_ms": {k: summary(v) for k, v in with_index.items()},
    }


def description_without_index(http: httpx.Client, samples: int) -> dict[str, Any]:
    rare = [f"{API}?description=xyzzy{i}" for i in range(5)]
    rng = random.Random(6)
    return summary([timed_get(http, rng.choice(rare))[0] for _ in range(samples)])


# --- report --------------------------------------------------------------------------


def summary(times: list[float]) -> dict[str, float]:
    if not times:
        return {"n": 0, "p50_ms": float("nan"), "p95_ms": float("nan")}
    return {
        "n": len(times),
        "p50_ms": percentile(times, 0.5),
        "p95_ms": percentile(times, 0.95),
    }


def target_for(label: str) -> float | None:
    if label in FIRST_PAGE_SHAPES:
        return TARGET_FIRST_PAGE_P95_MS
    if label in DEEP_SHAPES:
        return TARGET_DEEP_PAGE_P95_MS
    if label in CURSOR_SHAPES:
        return TARGET_FIRST_PAGE_P95_MS
    return None


def print_report(report: dict[str, Any]) -> None:
    print(f"\nProducts API at {report['rows']:,} products (load: {report['load']})")
    loads = ", ".join(
        f"{when} {' '.join(f'{x:.1f}' for x in load)}"
        for when, load in report["load_average"].items()
    )
    print(f"Machine load average (1/5/15 min): {loads}")
    print("\nPlans at this size:")
    for label, plan in report["plans"]:
        print(f"  {label:42} {plan}")
    during_rows = report.get("import", {}).get("products_after")
    print(
        f"\n{'request':28} {'rows':>11} {'idle p50':>9} {'idle p95':>9} {'target':>7}"
        f" {'import p50':>10} {'import p95':>10} {'x idle':>7} {'n':>4}"
    )
    for label, idle in report["idle"].items():
        during = report["during_import"].get(label, {"n": 0})
        target = target_for(label)
        nan = float("nan")
        ratio = during.get("p95_ms", nan) / idle["p95_ms"] if during["n"] else nan
        mark = "" if target is None else ("ok" if idle["p95_ms"] <= target else "MISS")
        print(
            f"{label:28} {idle['rows']:>11} {idle['p50_ms']:>9.1f} {idle['p95_ms']:>9.1f}"
            f" {(f'{target:.0f} {mark}' if target else '-'):>7}"
            f" {during.get('p50_ms', nan):>10.1f} {during.get('p95_ms', nan):>10.1f}"
            f" {ratio:>6.1f}x {during['n']:>4}"
        )
    if "import" in report:
        job = report["import"]
        print(
            f"\nDuring {job.get('runs', 1)} imports of {job['rows']:,} rows "
            f"(median {job['wall_s']:.1f} s wall, "
            f"{job['created']:,} created, {job['updated']:,} updated); "
            f"products after: {during_rows:,}"
        )
    for run in report["delete_all"]:
        print(
            f"delete-all: {run['deleted']:,} products in {run['ms']:.0f} ms "
            f"(target {TARGET_DELETE_ALL_MS:.0f} ms)"
        )
    if "trigger_cost" in report:
        cost = report["trigger_cost"]
        print(
            f"total-keeping triggers on a {cost['rows']:,}-row insert: "
            f"{cost['median_extra_s']:+.2f} s median ({cost['min_extra_s']:+.2f} s min); "
            f"without them {statistics.median(cost['without_s']):.2f} s"
        )
    if "description_index" in report:
        cost = report["description_index"]
        no_match = cost["latency_with_index_ms"]["description filter, no match"]
        print(
            f"description trigram index: build {cost['build_s']:.1f} s "
            f"({cost['index_mb']:.0f} MB); rewriting {cost['rewrite_rows']:,} descriptions "
            f"{cost['rewrite_without_s']:.1f} s -> {cost['rewrite_with_s']:.1f} s; no-match "
            f"filter p95 {report['description_no_match']['p95_ms']:.0f} ms -> "
            f"{no_match['p95_ms']:.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=500_000)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument(
        "--import-runs",
        type=int,
        default=3,
        help="imports whose samples are pooled in step 5",
    )
    parser.add_argument("--skip-costs", action="store_true", help="skip step 7")
    args = parser.parse_args()

    from generate_csv import generate

    root = Path(tempfile.mkdtemp(prefix="api-bench-"))
    root.chmod(0o755)
    services = start_services(root)
    api, url = start_api()
    worker = None
    report: dict[str, Any] = {"rows": args.rows}
    try:
        report["load"] = {
            k: round(v, 1) for k, v in load_products(args.rows, seed=1).items()
        }
        settle()
        conn = connect()
        samples = sample_values(conn)
        conn.close()
        report["plans"] = plans(args.rows)
        with httpx.Client(base_url=url, timeout=60) as http:
            deep = timed_get(http, f"{API}?page=10000")[1]
            shape_list = shapes(samples, deep["next_cursor"] or "")
            report["load_average"] = {"before_idle": os.getloadavg()}
            idle = measure_idle(http, shape_list, args.samples)
            report["load_average"]["after_idle"] = os.getloadavg()
            report["idle"] = {
                k: {**summary(v["times"]), "rows": v["rows"]} for k, v in idle.items()
            }
            report["description_no_match"] = description_without_index(
                http, max(5, args.samples // 4)
            )

            csv_path = root / "import.csv"
            with csv_path.open("w", encoding="utf-8", newline="") as out:
                generate(out, args.import_rows, seed=20240601, duplicates=0.05)
            worker = start_worker("imports", "prefork", 1)
            wait_for_workers(1)
            during, job = measure_during_imports(
                http, shape_list, csv_path, args.import_runs, args.rows
            )
            report["load_average"]["after_import"] = os.getloadavg()
            report["during_import"] = {
                k: {**summary(v["times"]), "rows": v["rows"]} for k, v in during.items()
            }
            total = timed_get(http, API)[1]["total"]
            report["import"] = {
                "rows": args.import_rows,
                "runs": args.import_runs,
                "wall_s": job["wall_s"],
                "status": job["status"],
                "created": job["created"],
                "updated": job["updated"],
                "products_after": total,
            }
            if not args.skip_costs:
                report["trigger_cost"] = trigger_cost(csv_path, repeats=3)
                report["description_index"] = description_index_cost(
                    http, max(5, args.samples // 4)
                )
            report["delete_all"] = []
            for run in range(2):
                if run:
                    load_products(args.rows, seed=2)
                execute_alone("CHECKPOINT")
                started = time.perf_counter()
                response = http.delete(f"{API}/all")
                elapsed = (time.perf_counter() - started) * 1000
                response.raise_for_status()
                report["delete_all"].append(
                    {"deleted": response.json()["deleted"], "ms": elapsed}
                )
        print_report(report)
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(report, indent=2, default=str) + "\n")
    finally:
        if worker is not None:
            stop_process(worker)
        stop_process(api)
        services.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
