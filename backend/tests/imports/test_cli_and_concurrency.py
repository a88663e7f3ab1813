"""`product-importer import FILE` against a live API, and imports running side by side."""

import asyncio

from sqlalchemy import text

from product_importer.db import sync_engine
from tests.imports.helpers import (
    csv_bytes,
    late_failing_csv,
    products,
    run_cli,
    upload,
    wait_final,
)


def test_the_import_command_shows_progress_and_exits_by_outcome(live_api, worker, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes("sku,name", "CLI-1,One", ",no sku"))
    result = run_cli(str(good), "--url", live_api)
    assert result.returncode == 0, result.stderr
    assert "completed: 2 rows; created 1" in result.stdout and "skipped 1" in result.stdout
    assert "errors.csv" in result.stdout
    assert "100.0%" in result.stderr

    late_bad = tmp_path / "late-bad.csv"
    late_bad.write_bytes(late_failing_csv("description"))
    failed = run_cli(str(late_bad), "--url", live_api)
    assert failed.returncode == 1
    assert "failed:" in failed.stdout and "not valid UTF-8" in failed.stdout

    missing = tmp_path / "missing.csv"
    missing.write_bytes(b"title\nx\n")
    refused = run_cli(str(missing), "--url", live_api)
    assert refused.returncode == 3 and "422" in refused.stderr
    with_prefix = run_cli(str(good), "--url", f"{live_api}/api/v1/")  # the API's own URL
    assert with_prefix.returncode == 0, with_prefix.stderr
    assert run_cli(str(tmp_path / "nope.csv"), "--url", live_api).returncode == 3


async def test_imports_running_side_by_side_both_apply_without_deadlock(client, worker):
    first = csv_bytes("sku,name", *[f"S-{i},First {i}" for i in range(3000)])
    second = csv_bytes("sku,name", *[f"s-{i},Second {i}" for i in range(1500, 4500)])
    ids = [(await upload(client, content)).json()["id"] for content in (first, second)]
    results = await asyncio.gather(*(wait_final(client, i) for i in ids))
    assert [r["status"] for r in results] == ["completed", "completed"]
    catalog = products()
    assert len(catalog) == 4500
    assert catalog["s-0"][1] == "First 0" and catalog["s-4499"][1] == "Second 4499"
    overlap = catalog["s-2000"][1]
    assert overlap in ("First 2000", "Second 2000")


async def test_a_failed_import_records_its_event(client, worker):
    rows = "".join(f"E-{i},Name {i},{'x' * 60}\n" for i in range(2000))
    content = b"sku,name,description\n" + rows.encode() + b"E-X,\xff\n"
    result = await wait_final(client, (await upload(client, content)).json()["id"])
    assert result["status"] == "failed"
    with sync_engine().connect() as conn:
        events = conn.execute(text("SELECT type, payload FROM webhook_events")).all()
    assert [e.type for e in events] == ["import.failed"]
    assert events[0].payload["data"]["error"] == result["error"]
