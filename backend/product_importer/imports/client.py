"""`product-importer import FILE`: upload through the API and follow the import.

Exit codes: 0 completed, 1 failed, 2 cancelled, 3 not accepted (bad file, API down).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import httpx

EXIT_CODES = {"completed": 0, "failed": 1, "cancelled": 2}
EXIT_NOT_ACCEPTED = 3
BAR_WIDTH = 30


def _bar(body: dict[str, Any]) -> str:
    progress = float(body.get("progress") or 0)
    filled = int(BAR_WIDTH * progress / 100)
    eta = body.get("eta_seconds")
    parts = [
        f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress:5.1f}%",
        f"{body.get('phase', '')}",
        f"{body.get('processed_rows', 0):,} rows",
    ]
    if body.get("rows_per_second"):
        parts.append(f"{body['rows_per_second']:,.0f} rows/s")
    if eta is not None:
        parts.append(f"ETA {eta:.0f}s")
    return "  ".join(parts)


def _summary(body: dict[str, Any]) -> str:
    if body["status"] == "completed":
        return (
            f"completed: {body['total_rows']:,} rows; created {body['created']:,}, "
            f"updated {body['updated']:,}, unchanged {body['unchanged']:,}, "
            f"skipped {body['skipped']:,}, duplicates in file {body['duplicates_in_file']:,}"
        )
    return f"{body['status']}: {body.get('error') or 'nothing was applied'}"


def run_import_command(file: str, url: str, token: str | None = None) -> int:
    path = Path(file)
    if not path.is_file():
        print(f"error: no such file: {file}", file=sys.stderr)
        return EXIT_NOT_ACCEPTED
    api = url.rstrip("/").removesuffix("/api/v1") + "/api/v1"  # the root, or the API's
    try:
        timeout = httpx.Timeout(30.0, write=None, read=None)
        headers = {"Authorization": f"Bearer {token}"} if token else None
        with httpx.Client(timeout=timeout, headers=headers) as http:
            size = path.stat().st_size
            print(f"uploading {path.name} ({size / 1e6:,.1f} MB) to {url}", file=sys.stderr)
            with path.open("rb") as handle:
                response = http.post(
                    f"{api}/imports", files={"file": (path.name, handle, "text/csv")}
                )
            if response.status_code != 202:
                detail = response.json().get("detail") if response.content else response.text
                print(f"error: {response.status_code}: {detail}", file=sys.stderr)
                return EXIT_NOT_ACCEPTED
            body = response.json()
            while body["status"] in ("queued", "running"):
                sys.stderr.write("\r" + _bar(body).ljust(100))
                sys.stderr.flush()
                time.sleep(0.5)
                body = http.get(f"{api}/imports/{body['id']}").json()
            sys.stderr.write("\r" + _bar(body).ljust(100) + "\n")
    except httpx.HTTPError as exc:
        print(f"error: cannot reach the API at {url}: {exc}", file=sys.stderr)
        return EXIT_NOT_ACCEPTED
    print(_summary(body))
    if body.get("skipped"):
        print(f"skipped rows: {api}/imports/{body['id']}/errors.csv")
    return EXIT_CODES.get(body["status"], 1)
