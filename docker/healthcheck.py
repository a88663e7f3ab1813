"""Container health check for the Product Importer image (API, workers, migrate).

    python /app/healthcheck.py [api|worker|auto]

- api: GET http://127.0.0.1:$PORT/health answers 200 (the API, PostgreSQL and
  Redis are up; "degraded", meaning no worker answered yet, is still healthy
  for the API container itself).
- worker: a Celery worker of this container (node name `QUEUES@HOSTNAME-PID`)
  answers a ping through the broker at $REDIS_URL.
- auto (the default, used by the image's HEALTHCHECK): find out from the
  running `product-importer` command whether this container serves or works;
  anything else (a one-shot `migrate`) counts as healthy.

Exit code 0 means healthy, 1 unhealthy. Uses only the standard library and the
installed package, so the slim image needs no curl.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

TIMEOUT_SECONDS = 5.0


def check_api() -> bool:
    port = os.environ.get("PORT", "8000")
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/health", timeout=TIMEOUT_SECONDS
        ) as response:
            body = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return False
    print(json.dumps(body))
    return body.get("status") in ("ok", "degraded")


def check_worker() -> bool:
    from product_importer.worker import celery_app

    marker = f"@{socket.gethostname()}-"
    try:
        replies = celery_app.control.ping(timeout=TIMEOUT_SECONDS / 2) or []
    except Exception as exc:
        print(f"unhealthy: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return False
    mine = [name for reply in replies for name in reply if marker in name]
    print(f"answered: {mine}")
    return bool(mine)


def running_role(proc: Path = Path("/proc")) -> str:
    """`serve` or `worker` if such a product-importer command runs here, else ''."""
    for cmdline in sorted(proc.glob("[0-9]*/cmdline")):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        words = [Path(arg.decode(errors="replace")).name for arg in argv]
        if not any(w in ("product-importer", "product_importer.cli") for w in words):
            continue
        for role in ("serve", "worker"):
            if role in words:
                return role
    return ""


def main(argv: list[str]) -> int:
    role = argv[1] if len(argv) > 1 else "auto"
    if role == "auto":
        role = {"serve": "api", "worker": "worker"}.get(running_role(), "none")
    if role == "api":
        return 0 if check_api() else 1
    if role == "worker":
        return 0 if check_worker() else 1
    if role == "none":
        return 0
    print(f"usage: {argv[0]} [api|worker|auto]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
