"""Shared set-up for the benchmarks: embedded servers, workers and the API as real
processes, in a temporary directory that is removed afterwards."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # generate_csv.py


def start_services(root: Path, **extra_env: str) -> Any:
    from product_importer.embedded import EmbeddedServices

    services = EmbeddedServices(root, None, None)
    database_url, redis_url = services.start()
    # An open API, whatever a `.env` here says: a token there would refuse the benchmark.
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DATA_DIR=str(root / "data"),
        API_TOKENS="",
        **extra_env,
    )
    from product_importer.config import reload_settings
    from product_importer.migrations import upgrade_to_head

    reload_settings()
    upgrade_to_head()
    return services


def run_measured(
    name: str,
    measure: Callable[[], dict[str, Any]],
    print_report: Callable[[dict[str, Any]], None],
) -> None:
    """`measure` against embedded servers in a temporary directory (removed after); its
    report printed and written to bench/results/`name`.json."""
    root = Path(tempfile.mkdtemp(prefix=f"pi-{name}-"))
    services = start_services(root)
    try:
        report = measure()
    finally:
        services.stop()
        shutil.rmtree(root, ignore_errors=True)
    print_report(report)
    results = REPO / "bench" / "results" / f"{name}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=2) + "\n")


def start_worker(queue: str, pool: str, concurrency: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "product_importer.cli", "worker", "--queues", queue]
    command += ["--pool", pool, "--concurrency", str(concurrency)]
    return subprocess.Popen(
        command, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_for_workers(count: int) -> None:
    from product_importer.worker import celery_app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(celery_app.control.ping(timeout=0.5) or []) >= count:
            return
        time.sleep(0.2)
    raise RuntimeError("the workers did not start")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_api() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "product_importer.app:create_app", "--factory"]
    command += ["--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the API did not start")


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident memory so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def host_cpu_seconds() -> float:
    """CPU time all processes of this host have spent working so far (Linux): what the
    API, the worker and PostgreSQL together cost, read before and after a run. Time the
    hypervisor gave to other machines (steal) and idle time are left out."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = map(int, fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def pool_children(worker: subprocess.Popen[bytes]) -> list[int]:
    import psutil

    return [child.pid for child in psutil.Process(worker.pid).children()]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
