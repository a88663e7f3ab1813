"""POST /imports: unusable files are refused before anything is kept or queued."""

import asyncio
import codecs
import logging
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from product_importer.app import create_app
from product_importer.db import sync_engine
from product_importer.imports.csv_rules import LISTED_UNKNOWN_COLUMNS, MAX_HEADER_BYTES
from product_importer.imports.upload import _arriving as arriving
from tests.imports.helpers import (
    MergeGate,
    catalog,
    completed_events,
    csv_bytes,
    import_file,
    products,
    seed_products,
    set_import,
    stored_import,
    upload,
    wait_final,
)
from tests.settings_helpers import settings_env


def _kept() -> tuple[int, int]:
    with sync_engine().connect() as conn:
        imports = conn.execute(text("SELECT count(*) FROM imports")).scalar_one()
        chunks = conn.execute(text("SELECT count(*) FROM import_file_chunks")).scalar_one()
    return imports, chunks


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"  \r\n", "The file is empty"),
        (csv_bytes("sku,title", "A,B"), "missing required column name"),
        (csv_bytes("id,title"), "missing required columns sku, name"),
        (csv_bytes("sku,name,SKU"), "column 'sku' appears twice"),
        ("sku,name\nA-1,Café\n".encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        (codecs.BOM_UTF8 + b"name,description\n", "missing required column sku"),
        ("\u2062sku,name\n".encode(), "Found: <U+2062>sku, name."),  # an invisible times
        (b"SKU;Name;Description\nA-1;One;x\n", "looks separated by semicolons: the file must"),
        (b"sku\tname\nA-1\tOne\n", "looks separated by tabs"),
        (b'"sku";"name"\n"A-1";"One"\n', "looks separated by semicolons"),
        (b"sku,name\rCR-1,x\r", "a line ends with a carriage return alone (CR"),
        (b"sku,name\rCR-1,x\r" * 6000, "a line ends with a carriage return alone (CR"),
        (b"sku,name\r", "Line 1 (header): a line ends with a carriage return alone"),
        (b"sku,name\r\r\nA-1,One\r\n", "Line 1 (header): a line ends with a carriage return"),
        ("sku,name\nA-1,One\n".encode("utf-16"), "UTF-16 text"),  # a spreadsheet's "Unicode"
        (b"\n\nsku,name\nA-1,One\n", "Line 1 (header) is blank: the header row must be"),
        ("\u00a0\nsku,name\n".encode(), "Line 1 (header) is blank"),  # a no-break space
        ("sku,name\n".encode("utf-32"), "UTF-32 text"),
        (b"\n\n\n", "The file is empty"),
    ],
)
async def test_unusable_files_get_422_and_nothing_is_kept(client, content, message):
    seed_products(50, "A")
    before = catalog()
    response = await upload(client, content)
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]
    assert _kept() == (0, 0)
    assert catalog() == before
    assert completed_events() == 0


def _idle_in_a_transaction() -> int:
    """Backends of this database idle inside a transaction (each holds a connection)."""
    statement = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND state = 'idle in transaction'"
    )
    with sync_engine().connect() as conn:
        return int(conn.execute(statement).scalar_one())


async def _until_no_transaction_is_idle(within: float = 5) -> int:
    deadline = time.monotonic() + within
    while True:
        idle = await asyncio.to_thread(_idle_in_a_transaction)
        if not idle or time.monotonic() > deadline:
            return idle
        await asyncio.sleep(0.05)


class _SlowUpload:
    """An upload whose first part arrives at once and its end only once `finish` is
    called: `arriving` is set once the API asks for more than the first part."""

    BOUNDARY = "slow-upload"

    def __init__(self, client: Any, csv_start: bytes, csv_end: bytes = b"") -> None:
        self.arriving, self._finish = asyncio.Event(), asyncio.Event()
        opening = (
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            'filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        closing = f"\r\n--{self.BOUNDARY}--\r\n".encode()

        async def body() -> AsyncIterator[bytes]:
            yield opening + csv_start
            self.arriving.set()
            await self._finish.wait()
            yield csv_end + closing

        self.answer = asyncio.create_task(
            client.post(
                "/api/v1/imports",
                content=body(),
                headers={"content-type": f"multipart/form-data; boundary={self.BOUNDARY}"},
            )
        )

    async def finished(self) -> Any:
        self._finish.set()
        return await self.answer


async def test_a_refused_upload_holds_no_transaction_while_the_rest_of_it_arrives(client):
    """Refused from its header, a large file is still read to its end (so that its
    client reads the answer), which may take minutes: meanwhile the upload holds
    neither a transaction nor its connection."""
    # More than the first bytes checked, so the header is refused before the end.
    refused = _SlowUpload(client, b"sku,title\n" + b"A-1,One\n" * 20_000)
    await refused.arriving.wait()
    try:
        idle = await _until_no_transaction_is_idle()  # the rest of the file not yet sent
    finally:
        response = await refused.finished()
    assert response.status_code == 422
    assert "missing required column name" in response.json()["detail"]
    assert idle == 0
    assert _kept() == (0, 0)


async def test_a_stalled_upload_is_given_up_and_keeps_nothing(client):
    """A client that stops sending (and keeps its connection) would hold the upload's
    database connection for good."""
    with settings_env(UPLOAD_IDLE_TIMEOUT_SECONDS="0.5"):
        stalled = _SlowUpload(client, b"sku,name\nS-1,Stalled\n")
        try:
            response = await asyncio.wait_for(stalled.answer, 30)
        finally:
            await asyncio.wait_for(stalled.finished(), 30)
    assert response.status_code == 408
    assert response.json()["detail"] == (
        "Less than 64 KiB of the upload arrived in 0.5 s (UPLOAD_IDLE_TIMEOUT_SECONDS); "
        "nothing was kept."
    )
    assert _kept() == (0, 0)
    assert await _until_no_transaction_is_idle() == 0


async def test_a_trickling_upload_is_given_up_too(client):
    """A byte now and then, each before the timeout, held the upload as long as a stall."""
    opening = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nsku,name\n'
    )

    async def trickle() -> AsyncIterator[bytes]:
        yield opening
        for _ in range(100):  # 20 s at most
            await asyncio.sleep(0.2)
            yield b"x"

    with settings_env(UPLOAD_IDLE_TIMEOUT_SECONDS="0.5"):
        response = await client.post(
            "/api/v1/imports",
            content=trickle(),
            headers={"content-type": "multipart/form-data; boundary=b"},
        )
    assert response.status_code == 408
    assert response.json()["detail"].startswith("Less than 64 KiB of the upload arrived in 0.5 s")
    assert _kept() == (0, 0)


async def test_the_time_an_upload_takes_to_be_stored_is_not_counted_against_its_client():
    """The client sent everything at once; storing it was slow: that is no stall."""

    async def sent_at_once() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b"x" * 16_384

    stored = []
    async for data in arriving(sent_at_once(), 0.3):
        stored.append(data)
        await asyncio.sleep(0.4)  # a slow database
    assert len(stored) == 4


async def test_uploads_past_uploads_max_get_503_and_nothing_is_kept(client, worker):
    """Each upload holds a database connection until its last byte: past the cap, an
    upload is refused at once, so slow ones cannot take every connection."""
    with settings_env(UPLOADS_MAX="1"):
        slow = _SlowUpload(client, b"sku,name\nU-1,Slow\n", b"U-2,Slow\n")
        await slow.arriving.wait()
        refused = await upload(client, csv_bytes("sku,name", "U-3,Refused"))
        listed = await client.get("/api/v1/products")  # the rest of the API answers
        accepted = await slow.finished()
        after = await upload(client, csv_bytes("sku,name", "U-4,After"))
    assert refused.status_code == 503
    assert refused.json()["detail"] == (
        "As many uploads as this server receives at once (UPLOADS_MAX, 1) are arriving "
        "already; try again in a few seconds."
    )
    assert int(refused.headers["Retry-After"]) > 0
    assert listed.status_code == 200
    assert (accepted.status_code, after.status_code) == (202, 202)
    for answer in (accepted, after):
        assert (await wait_final(client, answer.json()["id"]))["status"] == "completed"
    assert sorted(products()) == ["u-1", "u-2", "u-4"]


async def test_a_header_without_the_columns_is_named_in_short(client):
    """Forty thousand other columns: the message names a few, not all (it was 880 KB)."""
    header = ",".join([f"unknown_column_{i:06d}" for i in range(40_000)] + ["sku"])
    response = await upload(client, f"{header}\nx\n".encode())
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "missing required column name. Found: unknown_column_000000, " in detail
    assert "and 39,981 more." in detail
    assert len(detail) < 1_000


async def test_not_multipart_or_wrong_field_is_422(client):
    response = await client.post("/api/v1/imports", content=b"sku,name\n")
    assert response.status_code == 422
    assert "multipart/form-data" in response.json()["detail"]
    response = await client.post(
        "/api/v1/imports", files={"upload": ("a.csv", b"sku,name\n", "text/csv")}
    )
    assert response.status_code == 422
    assert "no file field named 'file'" in response.json()["detail"]
    assert _kept() == (0, 0)


async def test_two_files_in_one_upload_are_refused_and_nothing_is_kept(client):
    first, second = csv_bytes("sku,name", "A-1,First"), csv_bytes("sku,name", "B-1,Second")
    files = [("file", ("a.csv", first, "text/csv")), ("file", ("b.csv", second, "text/csv"))]
    response = await client.post("/api/v1/imports", files=files)
    assert response.status_code == 422
    assert "more than one file field named 'file'" in response.json()["detail"]
    assert _kept() == (0, 0)


async def _post_in_one_message(path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    """POST `body` as a server does when it all arrived at once: one ASGI message, the
    last one (an in-process client sends an empty last message after the body)."""
    scope = {
        "type": "http", "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
        "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
        "headers": [(b"host", b"testserver"), (b"content-type", content_type.encode()),
                    (b"content-length", str(len(body)).encode())],
    }  # fmt: skip
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    answer: dict[str, object] = {"body": b""}

    async def receive() -> dict[str, object]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] = answer["body"] + message.get("body", b"")  # type: ignore[operator]

    await create_app()(scope, receive, send)
    return answer["status"], answer["body"]  # type: ignore[return-value]


async def test_a_second_file_as_the_body_s_last_part_is_refused_too():
    """The whole body in one message: the second file is found when nothing is left."""
    parts = [
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n\r\n%s\r\n'
        % (name, csv_bytes("sku,name", f"{sku},Item"))
        for name, sku in ((b"a.csv", "A-1"), (b"b.csv", "B-1"))
    ]
    body = b"".join(parts) + b"--b--\r\n"
    status, answer = await _post_in_one_message(
        "/api/v1/imports", body, "multipart/form-data; boundary=b"
    )
    assert status == 422, answer
    assert b"more than one file field named 'file'" in answer
    assert _kept() == (0, 0)


async def test_uploads_above_the_limit_get_413_and_nothing_is_kept(client):
    with settings_env(MAX_UPLOAD_BYTES="1000", UPLOAD_CHUNK_BYTES="256"):
        content = csv_bytes("sku,name", *[f"S-{i},Name {i}" for i in range(200)])
        response = await upload(client, content)
        assert response.status_code == 413
        assert "1,000 bytes" in response.json()["detail"]
        assert _kept() == (0, 0)

        # Chunked (no Content-Length): cut off while streaming.
        async def body():
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
            for _ in range(50):
                yield b"sku,name\n" * 10
            yield b"\r\n--b--\r\n"

        response = await client.post(
            "/api/v1/imports",
            content=body(),
            headers={"content-type": "multipart/form-data; boundary=b"},
        )
        assert response.status_code == 413
        assert _kept() == (0, 0)


async def test_a_large_upload_is_stored_in_chunks_and_answered_at_once(client, worker):
    # The gate keeps a worker from ending the import (its end deletes the stored file).
    with settings_env(UPLOAD_CHUNK_BYTES="4096"), MergeGate():
        content = csv_bytes("sku,name", *[f"C-{i},Name {i}" for i in range(3000)])
        response = await upload(client, content, "catalog.csv")
        assert response.status_code == 202
        body = response.json()
        assert body["status"] == "queued" and body["filename"] == "catalog.csv"
        assert body["file_size"] == len(content)
        with sync_engine().connect() as conn:
            sizes = (
                conn.execute(text("SELECT length(data) FROM import_file_chunks ORDER BY seq"))
                .scalars()
                .all()
            )
        assert sum(sizes) == len(content) and max(sizes) == 4096
    assert (await wait_final(client, body["id"]))["status"] == "completed"


def _split_inside_a_character(rows: list[str], at: int) -> bytes:
    """The file, padded so that its byte `at` is inside a two-byte character."""
    for padding in range(2):
        content = csv_bytes("sku,name", "P" * (padding + 1) + ",Pad", *rows)
        try:
            content[:at].decode("utf-8")
        except UnicodeDecodeError:
            return content
    raise AssertionError("no padding splits a character")


async def test_a_header_read_across_small_chunks_is_read_whole(client, worker):
    with settings_env(UPLOAD_CHUNK_BYTES="4096"):
        content = _split_inside_a_character([f"É-{i},{'é' * 20}" for i in range(1000)], 4096)
        final = await wait_final(client, (await upload(client, content)).json()["id"])
        assert final["status"] == "completed", final["error"]
        assert final["created"] == 1001


async def test_compatibility_aliases(client, worker):
    response = await client.post(
        "/api/v1/upload", files={"file": ("a.csv", csv_bytes("sku,name", "Z-1,Zed"), "text/csv")}
    )
    assert response.status_code == 202
    import_id = response.json()["id"]
    assert response.headers["location"] == f"/api/v1/imports/{import_id}"
    await wait_final(client, import_id)
    status = await client.get(f"/api/v1/upload/status/{import_id}")
    assert status.status_code == 200 and status.json()["status"] == "completed"
    other_id = import_id[:-1] + ("1" if import_id.endswith("0") else "0")
    assert (await client.get(f"/api/v1/upload/status/{other_id}")).status_code == 404


async def test_list_is_newest_first_and_unknown_ids_are_404(client, worker):
    ids = []
    for i in range(3):
        response = await upload(client, csv_bytes("sku,name", f"L-{i},N"), f"f{i}.csv")
        ids.append(response.json()["id"])
    page = (await client.get("/api/v1/imports?page=1&page_size=2")).json()
    assert page["total"] == 3 and page["page_size"] == 2
    assert [item["id"] for item in page["items"]] == [ids[2], ids[1]]
    assert (await client.get("/api/v1/imports?page_size=201")).status_code == 422
    missing = "00000000-0000-0000-0000-000000000000"
    assert (await client.get(f"/api/v1/imports/{missing}")).status_code == 404
    assert (await client.get(f"/api/v1/imports/{missing}/errors.csv")).status_code == 404
    assert (await client.post(f"/api/v1/imports/{missing}/cancel")).status_code == 404
    for import_id in ids:
        await wait_final(client, import_id)


async def test_the_list_takes_a_status_filter(client):
    completed = stored_import(csv_bytes("sku,name", "S-1,One"))
    failed = stored_import(csv_bytes("sku,name", "S-2,Two"))
    queued = stored_import(csv_bytes("sku,name", "S-3,Three"))
    set_import(completed, status="completed")
    set_import(failed, status="failed")
    only_failed = (await client.get("/api/v1/imports?status=failed")).json()
    assert [item["id"] for item in only_failed["items"]] == [str(failed)]
    assert only_failed["total"] == 1
    ended = (await client.get("/api/v1/imports?status=failed&status=completed")).json()
    assert {item["id"] for item in ended["items"]} == {str(failed), str(completed)}
    assert (await client.get("/api/v1/imports")).json()["total"] == 3
    refused = await client.get("/api/v1/imports?status=bogus")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["query", "status", 0]
    waiting = (await client.get("/api/v1/imports?status=queued")).json()
    assert [item["id"] for item in waiting["items"]] == [str(queued)]
    assert (await client.get("/api/v1/imports?status=&page=")).json()["total"] == 3
    left_blank = (await client.get("/api/v1/imports?status=&status=queued")).json()
    assert [item["id"] for item in left_blank["items"]] == [str(queued)]


async def test_an_upload_abandoned_by_its_client_keeps_nothing_and_is_no_error(caplog):
    """The client goes away mid-upload (a closed tab): nothing is kept, and the API logs
    it as a routine event, not as an application error with a traceback."""
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nsku,name\r\nA-1,One\r\n"
    ).encode()
    messages = iter(
        [
            {"type": "http.request", "body": head, "more_body": True},
            {"type": "http.request", "body": b"A-2,Two\r\n" * 1000, "more_body": True},
            {"type": "http.disconnect"},
        ]
    )
    sent: list[dict] = []

    async def receive() -> dict:
        return next(messages)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/v1/imports", "raw_path": b"/api/v1/imports",
        "root_path": "", "query_string": b"", "server": ("testserver", 80),
        "client": ("127.0.0.1", 1234),
        "headers": [(b"content-type", f"multipart/form-data; boundary={boundary}".encode())],
    }  # fmt: skip
    with caplog.at_level(logging.INFO):
        await create_app()(scope, receive, send)
    assert sent[0]["status"] == 400
    assert _kept() == (0, 0)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert any("abandoned" in record.getMessage() for record in caplog.records)


async def test_an_upload_the_broker_cannot_take_is_still_accepted_and_stays_queued(
    client, monkeypatch, caplog
):
    # The import is committed before it is handed to the broker: a broker that cannot
    # take it must not turn the stored upload into an error (a retry would import twice).
    from product_importer import worker

    with socket.socket() as not_listening:  # held: no other server can take its port
        not_listening.bind(("127.0.0.1", 0))
        port = not_listening.getsockname()[1]
        with settings_env(REDIS_URL=f"redis://127.0.0.1:{port}/0"):
            monkeypatch.setattr(worker, "celery_app", worker.create_celery())
        response = await upload(client, csv_bytes("sku,name", "A-1,Anvil"))
    assert response.status_code == 202, response.text
    with sync_engine().connect() as conn:
        status = conn.execute(text("SELECT status FROM imports")).scalar_one()
    assert status == "queued"  # the workers' sweep sends it again
    assert "the sweep sends it again" in caplog.text


async def test_an_upload_is_answered_when_the_broker_stops_answering(client, monkeypatch):
    """A Redis that is paused or lost with its host accepts connections (or keeps them)
    but never answers: sending the task gives up after a few seconds, and the import,
    committed, stays queued for the sweep."""
    from product_importer import worker

    with socket.socket() as silent:  # listens, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        with settings_env(REDIS_URL=f"redis://127.0.0.1:{silent.getsockname()[1]}/0"):
            monkeypatch.setattr(worker, "celery_app", worker.create_celery())
        response = await asyncio.wait_for(upload(client, csv_bytes("sku,name", "B-1,Bolt")), 60)
    assert response.status_code == 202, response.text
    with sync_engine().connect() as conn:
        assert conn.execute(text("SELECT status FROM imports")).scalar_one() == "queued"


async def test_a_header_wider_than_the_first_64_kib_is_read_whole(client, worker):
    """Unknown columns by the thousand (DESIGN sets no limit): 12,000 before the known
    ones."""
    unknown = [f"extra_{i}" for i in range(12_000)]
    header = ",".join([*unknown, "sku", "name"])
    row = "," * len(unknown) + "W-1,Wide"
    assert len(header) > 128 * 1024
    result = await import_file(client, f"{header}\n{row}\n".encode())
    assert (result["status"], result["created"]) == ("completed", 1), result
    assert result["warnings"] == [
        "Unknown columns ignored: "
        + ", ".join(unknown[:LISTED_UNKNOWN_COLUMNS])
        + f" and {len(unknown) - LISTED_UNKNOWN_COLUMNS:,} more"
    ]
    assert products() == {"w-1": ("W-1", "Wide", None, True)}


async def test_a_header_longer_than_any_is_refused_and_says_its_limit(client):
    header = ",".join(f"column_{i}" for i in range(MAX_HEADER_BYTES // 8))
    response = await upload(client, f"{header},sku,name\nA-1,One\n".encode())
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == "The header row is longer than 1 MiB or has no line end."
    assert _kept() == (0, 0)


async def test_a_column_name_longer_than_the_csv_module_reads_by_default_is_one_name(
    client, worker
):
    """Python's csv module reads fields of 128 KiB at most unless told otherwise."""
    long_name = "x" * 200_000
    result = await import_file(client, f"{long_name},sku,name\n,L-1,Long\n".encode())
    assert (result["status"], result["created"]) == ("completed", 1), result
    assert result["warnings"] == [f"Unknown columns ignored: {'x' * 100}… (200,000 characters)"]
