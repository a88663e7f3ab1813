"""Webhook delivery benchmark (part of `make bench`).

Starts its own embedded PostgreSQL and Redis in a temporary directory, applies the
migrations, starts a real webhooks worker (threads pool, as `serve` does) and local
HTTP receivers, then measures:

1. latency: from the commit of an `import.completed` event to its arrival at a
   receiver (target: at most 1 s), the event recorded in a transaction exactly as
   the import's final transaction records it;
   1b. the same through a real import: a CSV uploaded through the API and run by a
   real imports worker, from the moment the import reads `completed` (polled every
   few ms) to the arrival of its `import.completed` webhook;
2. fan-out: 100 endpoints all receive one event while one more endpoint hangs
   (target: all 100 within 3 s);
3. throughput: deliveries per second of one webhooks worker (50 endpoints x 10
   events, receivers on the same machine);
4. scheduling with a backlog: handing out one endpoint's next jobs (what follows
   every attempt) and a sweep, with 100,000 jobs waiting for that endpoint, against
   the same with 100 waiting, measured in the same run (a ratio of 1: the cost
   does not grow with the backlog);
5. hanging endpoints with a backlog: 8 endpoints that never answer in time, 10
   events waiting for each; once all are failing, the latency of events to a
   healthy endpoint, against run 1's (same run).

Usage: python bench/webhook_bench.py [--events 20] [--endpoints 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from harness import (
    percentile,
    start_services,
    start_worker,
    stop_process,
    wait_for_workers,
)

LATENCY_TARGET_S = 1.0
FANOUT_TARGET_S = 3.0
RESULTS_DIR = Path(__file__).resolve().parent / "results"


class Receivers:
    """One threaded HTTP server; each path is an endpoint. `/hang…` never answers in
    time; every other path answers 204 at once and records when its request came."""

    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = {}
        self.lock = threading.Condition()
        self.stopping = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                arrived = time.monotonic()
                with owner.lock:
                    owner.arrivals.setdefault(self.path, []).append(arrived)
                    owner.lock.notify_all()
                if self.path.startswith("/hang"):
                    owner.stopping.wait(120)
                try:
                    self.send_response(204)
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.request_queue_size = 256
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, paths: list[str], counts: int, timeout: float) -> dict[str, float]:
        """Arrival time of request number `counts` at each path."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                done = {
                    p: self.arrivals[p][counts - 1]
                    for p in paths
                    if len(self.arrivals.get(p, [])) >= counts
                }
                if len(done) == len(paths):
                    return done
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(
                        f"only {len(done)} of {len(paths)} endpoints received the event"
                    )
                self.lock.wait(remaining)

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def add_webhooks(urls: list[str], event: str) -> None:
    from sqlalchemy import insert

    from product_importer.db import sync_session
    from product_importer.webhooks.models import Webhook
    from product_importer.webhooks.signing import new_secret

    rows = [{"url": url, "events": [event], "secret": new_secret()} for url in urls]
    with sync_session() as session:
        session.execute(insert(Webhook), rows)


def retire_webhooks() -> None:
    """Disable the previous run's endpoints (their jobs still in flight get cancelled);
    a TRUNCATE here could deadlock with the worker finishing those jobs."""
    from sqlalchemy import update

    from product_importer.db import sync_session
    from product_importer.webhooks.models import Webhook

    with sync_session() as session:
        session.execute(update(Webhook).values(enabled=False))


def commit_event(event: str, data: dict[str, Any]) -> float:
    """Record the event in a transaction, as the import does; returns the moment the
    commit was issued (the clock starts before the commit, not after)."""
    from product_importer.db import sync_session
    from product_importer.webhooks.events import record_event
    from product_importer.webhooks.wakeup import dispatch_after_commit

    with sync_session() as session:
        session.execute(record_event(event, data))
        dispatch_after_commit(session)
        started = time.monotonic()
    return started


def bench_latency(receivers: Receivers, events: int) -> dict[str, Any]:
    retire_webhooks()
    add_webhooks([receivers.url("/latency")], "import.completed")
    commit_event("import.completed", {"warm_up": True})
    receivers.wait(["/latency"], 1, timeout=30)
    latencies = []
    for number in range(events):
        started = commit_event(
            "import.completed", {"id": f"bench-{number}", "status": "completed"}
        )
        arrived = receivers.wait(["/latency"], number + 2, timeout=30)["/latency"]
        latencies.append(arrived - started)
        time.sleep(0.05)
    return {
        "events": events,
        "median_s": statistics.median(latencies),
        "p95_s": percentile(latencies, 0.95),
        "max_s": max(latencies),
        "target_s": LATENCY_TARGET_S,
        "met": max(latencies) <= LATENCY_TARGET_S,
    }


async def _real_import(receivers: Receivers, rows: int) -> dict[str, float]:
    import httpx

    from product_importer.app import create_app
    from product_importer.db import dispose_engines

    lines = ["sku,name,description"] + [
        f"BENCH-{n},Bench product {n},Row {n}" for n in range(rows)
    ]
    content = ("\n".join(lines) + "\n").encode()
    seen_before = len(receivers.arrivals.get("/import", []))
    transport = httpx.ASGITransport(app=create_app())
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench"
        ) as client:
            uploaded = time.monotonic()
            files = {"file": ("bench.csv", content, "text/csv")}
            response = await client.post("/api/v1/imports", files=files)
            response.raise_for_status()
            import_id = response.json()["id"]
            while True:
                status = (await client.get(f"/api/v1/imports/{import_id}")).json()[
                    "status"
                ]
                if status == "completed":
                    visible = time.monotonic()
                    break
                if status in ("failed", "cancelled"):
                    raise RuntimeError(f"the import ended {status}")
                await asyncio.sleep(0.005)
    finally:
        await dispose_engines()
    arrived = receivers.wait(["/import"], seen_before + 1, timeout=30)["/import"]
    return {
        "visible_to_arrival_s": arrived - visible,
        "upload_to_arrival_s": arrived - uploaded,
    }


def bench_real_import(receivers: Receivers, imports: int, rows: int) -> dict[str, Any]:
    retire_webhooks()
    add_webhooks([receivers.url("/import")], "import.completed")
    runs = [asyncio.run(_real_import(receivers, rows)) for _ in range(imports)]
    after_visible = [run["visible_to_arrival_s"] for run in runs]
    return {
        "imports": imports,
        "rows": rows,
        "median_visible_to_arrival_s": statistics.median(after_visible),
        "max_visible_to_arrival_s": max(after_visible),
        "median_upload_to_arrival_s": statistics.median(
            run["upload_to_arrival_s"] for run in runs
        ),
    }


def bench_fanout(receivers: Receivers, endpoints: int, rounds: int) -> dict[str, Any]:
    retire_webhooks()
    paths = [f"/fanout/{index}" for index in range(endpoints)]
    add_webhooks(
        [receivers.url(path) for path in paths] + [receivers.url("/hang")],
        "product.updated",
    )
    results = []
    for round_number in range(1, rounds + 1):
        started = commit_event("product.updated", {"id": round_number})
        arrivals = receivers.wait(paths, round_number, timeout=60)
        delays = [arrival - started for arrival in arrivals.values()]
        results.append(
            {
                "round": round_number,
                "all_received_s": max(delays),
                "median_s": statistics.median(delays),
                "hanging_reached": len(receivers.arrivals.get("/hang", []))
                >= round_number,
            }
        )
    worst = max(result["all_received_s"] for result in results)
    return {
        "endpoints": endpoints,
        "hanging_endpoints": 1,
        "rounds": results,
        "worst_all_received_s": worst,
        "target_s": FANOUT_TARGET_S,
        "met": worst <= FANOUT_TARGET_S,
    }


def _failing_endpoints(url_part: str) -> int:
    from sqlalchemy import func, select

    from product_importer.db import sync_session
    from product_importer.webhooks.models import Webhook

    statement = select(func.count()).where(
        Webhook.url.contains(url_part), Webhook.failing_since.is_not(None)
    )
    with sync_session() as session:
        return int(session.execute(statement).scalar_one())


def bench_hanging_backlog(
    receivers: Receivers, hanging: int, backlog: int, events: int, baseline_s: float
) -> dict[str, Any]:
    retire_webhooks()
    add_webhooks([receivers.url(f"/hang/{index}") for index in range(hanging)], "product.updated")
    add_webhooks([receivers.url("/healthy")], "import.completed")
    for number in range(backlog):
        commit_event("product.updated", {"id": number})
    deadline = time.monotonic() + 120
    while _failing_endpoints("/hang/") < hanging:  # their first attempts timed out
        if time.monotonic() > deadline:
            raise RuntimeError("the hanging endpoints never failed")
        time.sleep(0.1)
    latencies = []
    for number in range(events):
        started = commit_event("import.completed", {"id": f"healthy-{number}"})
        arrived = receivers.wait(["/healthy"], number + 1, timeout=120)["/healthy"]
        latencies.append(arrived - started)
        time.sleep(0.5)
    retire_webhooks()
    median = statistics.median(latencies)
    return {
        "hanging_endpoints": hanging,
        "backlog_per_endpoint": backlog,
        "events": events,
        "median_s": median,
        "max_s": max(latencies),
        "baseline_median_s": baseline_s,
        "ratio": median / baseline_s,
    }


def bench_throughput(
    receivers: Receivers, endpoints: int, events: int
) -> dict[str, Any]:
    retire_webhooks()
    paths = [f"/throughput/{index}" for index in range(endpoints)]
    add_webhooks([receivers.url(path) for path in paths], "product.updated")
    started = time.monotonic()
    for number in range(events):
        commit_event("product.updated", {"id": number})
    arrivals = receivers.wait(paths, events, timeout=120)
    elapsed = max(arrivals.values()) - started
    return {
        "endpoints": endpoints,
        "events": events,
        "deliveries": endpoints * events,
        "seconds": elapsed,
        "per_second": endpoints * events / elapsed,
    }


def _add_backlog(session: Any, jobs: int) -> int:
    """An endpoint with `jobs` due jobs, dispatched in batches as the dispatcher does (a
    batch's jobs share their due time), 3 of them queued already, and 19 quiet
    endpoints with one due job each; returns the busy endpoint's id."""
    from sqlalchemy import text

    from product_importer.webhooks.dispatcher import DISPATCH_BATCH

    ids = session.execute(
        text(
            """INSERT INTO webhooks (url, events, secret)
            SELECT 'https://hooks.example.com/' || g, ARRAY['product.updated'],
                   'whsec_' || md5(g::text)
            FROM generate_series(1, 20) g RETURNING id"""
        )
    ).scalars()
    busy, *quiet = sorted(ids)
    session.execute(
        text(
            """INSERT INTO webhook_events (id, type, payload, dispatched_at)
            SELECT 'bench_' || g, 'product.updated', '{}', now()
            FROM generate_series(1, :jobs) g"""
        ),
        {"jobs": jobs},
    )
    session.execute(
        text(
            """INSERT INTO webhook_jobs
                (webhook_id, event_id, next_attempt_at, token, locked_until)
            SELECT :busy, 'bench_' || g,
                   now() - interval '1 hour' + (g / :batch) * interval '1 ms',
                   CASE WHEN g <= 3 THEN 'queued' END,
                   CASE WHEN g <= 3 THEN now() + interval '1 minute' END
            FROM generate_series(1, :jobs) g"""
        ),
        {"busy": busy, "jobs": jobs, "batch": DISPATCH_BATCH},
    )
    session.execute(
        text(
            """INSERT INTO webhook_jobs (webhook_id, event_id)
            SELECT w, 'bench_1' FROM unnest(CAST(:quiet AS bigint[])) w"""
        ),
        {"quiet": quiet},
    )
    session.execute(text("ANALYZE webhooks, webhook_jobs"))
    return int(busy)


def _schedule_ms(jobs: int, repeats: int) -> dict[str, float]:
    """Median milliseconds of one `schedule` for the busy endpoint and of one sweep's,
    each run in a savepoint that is rolled back. The whole backlog lives in a
    transaction that is never committed, so no worker ever sees it."""
    from product_importer.db import sync_session
    from product_importer.webhooks.dispatcher import schedule

    times: dict[str, list[float]] = {"after_attempt": [], "sweep": []}
    with sync_session() as session:
        busy = _add_backlog(session, jobs)
        for _ in range(repeats):
            for label, webhook_ids in (("after_attempt", [busy]), ("sweep", None)):
                with session.begin_nested() as savepoint:
                    started = time.perf_counter()
                    schedule(session, webhook_ids)
                    times[label].append((time.perf_counter() - started) * 1000)
                    savepoint.rollback()
        session.rollback()
    return {label: statistics.median(values) for label, values in times.items()}


def bench_scheduling(backlog: int, baseline: int, repeats: int = 25) -> dict[str, Any]:
    small = _schedule_ms(baseline, repeats)
    large = _schedule_ms(backlog, repeats)
    return {
        "backlog": backlog,
        "baseline_backlog": baseline,
        "baseline_ms": small,
        "backlog_ms": large,
        "ratio": {label: large[label] / small[label] for label in large},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--events", type=int, default=20, help="events for the latency run"
    )
    parser.add_argument(
        "--endpoints", type=int, default=100, help="endpoints for the fan-out run"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="events for the fan-out run"
    )
    parser.add_argument(
        "--concurrency", type=int, default=32, help="webhooks worker threads"
    )
    parser.add_argument(
        "--imports", type=int, default=5, help="real imports for run 1b"
    )
    parser.add_argument("--rows", type=int, default=1000, help="rows per real import")
    parser.add_argument(
        "--backlog", type=int, default=100_000, help="jobs waiting for run 4"
    )
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="pi-webhook-bench-"))
    services = start_services(root, WEBHOOK_ALLOW_PRIVATE_TARGETS="true")
    receivers = Receivers()
    workers = []
    try:
        scheduling = bench_scheduling(args.backlog, baseline=100)
        workers.append(start_worker("webhooks", "threads", args.concurrency))
        workers.append(start_worker("imports", "prefork", 2))
        wait_for_workers(len(workers))
        latency = bench_latency(receivers, args.events)
        real_import = bench_real_import(receivers, args.imports, args.rows)
        fanout = bench_fanout(receivers, args.endpoints, args.rounds)
        throughput = bench_throughput(receivers, 50, 10)
        hanging = bench_hanging_backlog(receivers, 8, 10, 5, latency["median_s"])
    finally:
        receivers.close()
        for worker in workers:
            stop_process(worker)
        services.stop()
        shutil.rmtree(root, ignore_errors=True)

    print("\nWebhook delivery benchmark")
    print(f"  worker: webhooks queue, threads pool, {args.concurrency} threads")
    print(
        f"  1. import.completed commit -> receiver, {latency['events']} events: "
        f"median {latency['median_s'] * 1000:.0f} ms, p95 {latency['p95_s'] * 1000:.0f} ms, "
        f"max {latency['max_s'] * 1000:.0f} ms "
        f"(target <= {LATENCY_TARGET_S:.0f} s: {'met' if latency['met'] else 'MISSED'})"
    )
    if "skipped" in real_import:
        print(f"  1b. real import: skipped ({real_import['skipped']})")
    else:
        print(
            f"  1b. real import ({real_import['imports']} x {real_import['rows']} rows), "
            f"import reads completed -> webhook arrives: median "
            f"{real_import['median_visible_to_arrival_s'] * 1000:.0f} ms, max "
            f"{real_import['max_visible_to_arrival_s'] * 1000:.0f} ms; upload -> arrival: "
            f"median {real_import['median_upload_to_arrival_s'] * 1000:.0f} ms"
        )
    print(f"  2. {fanout['endpoints']} endpoints + 1 hanging, one event per round:")
    for result in fanout["rounds"]:
        all_ms, median_ms = result["all_received_s"] * 1000, result["median_s"] * 1000
        print(
            f"     round {result['round']}: all {fanout['endpoints']} received in "
            f"{all_ms:.0f} ms (median {median_ms:.0f} ms), "
            f"hanging endpoint reached: {'yes' if result['hanging_reached'] else 'no'}"
        )
    print(
        f"     worst round {fanout['worst_all_received_s'] * 1000:.0f} ms "
        f"(target <= {FANOUT_TARGET_S:.0f} s: {'met' if fanout['met'] else 'MISSED'})"
    )
    print(
        f"  3. throughput: {throughput['deliveries']} deliveries "
        f"({throughput['endpoints']} endpoints x {throughput['events']} events) in "
        f"{throughput['seconds']:.2f} s = {throughput['per_second']:.0f} deliveries/s"
    )
    print(
        f"  4. scheduling, one endpoint with {scheduling['backlog']:,} jobs waiting "
        f"(against {scheduling['baseline_backlog']:,} waiting, same run):"
    )
    for label, what in (("after_attempt", "after each attempt"), ("sweep", "sweep")):
        print(
            f"     {what}: {scheduling['backlog_ms'][label]:.1f} ms "
            f"({scheduling['ratio'][label]:.1f}x "
            f"{scheduling['baseline_ms'][label]:.1f} ms)"
        )
    print(
        f"  5. {hanging['hanging_endpoints']} hanging endpoints with "
        f"{hanging['backlog_per_endpoint']} events waiting each, once all are failing: "
        f"{hanging['events']} events to a healthy endpoint arrive in median "
        f"{hanging['median_s'] * 1000:.0f} ms, max {hanging['max_s'] * 1000:.0f} ms "
        f"({hanging['ratio']:.1f}x run 1's median)"
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "webhook_bench.json").write_text(
        json.dumps(
            {
                "latency": latency,
                "real_import": real_import,
                "fanout": fanout,
                "throughput": throughput,
                "scheduling": scheduling,
                "hanging_backlog": hanging,
            },
            indent=2,
        )
        + "\n"
    )
    return 0 if latency["met"] and fanout["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
