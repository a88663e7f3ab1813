"""Uploads with tokens on: refused before the body is read without a token, cut off
with 413 while streaming above MAX_UPLOAD_BYTES (chunked too), nothing left behind.
The size limit itself lives in the import service (tests/imports/test_upload_api.py);
these prove it holds behind the guard."""

from __future__ import annotations

from sqlalchemy import text

from product_importer.db import sync_engine
from tests.security.conftest import ADMIN, API_TOKENS


def _kept() -> tuple[int, int]:
    with sync_engine().connect() as conn:
        imports = conn.execute(text("SELECT count(*) FROM imports")).scalar_one()
        chunks = conn.execute(text("SELECT count(*) FROM import_file_chunks")).scalar_one()
    return imports, chunks


def _chunked_body(chunks: int, consumed: list[int] | None = None):
    async def body():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="../../a.csv"\r\n\r\n'
        yield b"sku,name\n"
        for _ in range(chunks):
            if consumed is not None:
                consumed.append(1)
            yield b"SKU-1,A product name\n" * 10
        yield b"\r\n--b--\r\n"

    return body()


MULTIPART = {"content-type": "multipart/form-data; boundary=b"}


async def test_an_oversized_chunked_upload_is_cut_off_with_413(make_client):
    http = await make_client(api_tokens=API_TOKENS, max_upload_bytes=1000, upload_chunk_bytes=256)
    response = await http.post(
        "/api/v1/imports", content=_chunked_body(100), headers={**MULTIPART, **ADMIN}
    )
    assert "content-length" not in response.request.headers  # really chunked
    assert response.status_code == 413, response.text
    assert "1,000 bytes" in response.json()["detail"]
    assert _kept() == (0, 0)


async def test_an_upload_without_a_token_is_refused_before_its_body_is_read(make_client):
    http = await make_client(api_tokens=API_TOKENS)
    consumed: list[int] = []
    response = await http.post(
        "/api/v1/imports", content=_chunked_body(1000, consumed), headers=MULTIPART
    )
    assert response.status_code == 401
    assert len(consumed) <= 1  # at most what the transport buffered ahead
    assert _kept() == (0, 0)


async def test_stored_files_never_use_the_clients_name(make_client):
    """Uploads are stored as chunks keyed by the import's generated id in PostgreSQL;
    the client's filename is kept only as a label (no file is written anywhere)."""
    http = await make_client(api_tokens=API_TOKENS)
    response = await http.post(
        "/api/v1/imports",
        files={"file": ("../../etc/passwd", b"sku,name\nA-1,A\n", "text/csv")},
        headers=ADMIN,
    )
    assert response.status_code == 202, response.text
    body = response.json()
    with sync_engine().connect() as conn:
        columns = set(
            conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'import_file_chunks'"
                )
            ).scalars()
        )
        owners = conn.execute(text("SELECT DISTINCT import_id::text FROM import_file_chunks"))
        assert [row[0] for row in owners] == [body["id"]]
    assert not {"filename", "name", "path"} & columns
    await http.post(f"/api/v1/imports/{body['id']}/cancel", headers=ADMIN)
