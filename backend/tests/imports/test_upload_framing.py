"""A multipart body that does not end as multipart bodies end is not a whole upload:
refused (422) and nothing kept, never imported as far as it went."""

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine

BOUNDARY = "b0undary"
PART_HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
    "Content-Type: text/csv\r\n\r\n"
).encode()
ROWS = b"sku,name\r\n" + b"".join(b"T-%d,Name %d\r\n" % (i, i) for i in range(100))


def _kept() -> tuple[int, int]:
    with sync_engine().connect() as conn:
        imports = conn.execute(text("SELECT count(*) FROM imports")).scalar_one()
        chunks = conn.execute(text("SELECT count(*) FROM import_file_chunks")).scalar_one()
    return imports, chunks


async def _post(client, body: bytes):
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    return await client.post("/api/v1/imports", content=body, headers=headers)


@pytest.mark.parametrize(
    "body",
    [
        PART_HEAD + ROWS,  # cut before the closing boundary
        PART_HEAD + ROWS[:-7],  # cut in the middle of a row
        PART_HEAD + ROWS + f"\r\n--{BOUNDARY}".encode(),  # a boundary, but not the last
    ],
    ids=["no-closing-boundary", "cut-mid-row", "unfinished-closing-boundary"],
)
async def test_a_body_cut_short_is_refused_and_nothing_is_kept(client, body):
    response = await _post(client, body)
    assert response.status_code == 422, response.text
    assert "ended before" in response.json()["detail"]
    assert _kept() == (0, 0)


@pytest.mark.parametrize(
    "body",
    [
        b"junk" + PART_HEAD + ROWS + f"\r\n--{BOUNDARY}--\r\n".encode(),
        PART_HEAD.replace(b"Content-Disposition:", b"Content Disposition:") + ROWS,
        PART_HEAD + ROWS + f"\r\n--{BOUNDARY}  x\r\n".encode(),
    ],
    ids=["text-before-the-first-boundary", "bad-part-header", "bad-boundary-line"],
)
async def test_a_body_that_is_not_multipart_is_refused_as_such(client, body):
    response = await _post(client, body)
    assert response.status_code == 422, response.text
    assert "not a valid multipart/form-data body" in response.json()["detail"]
    assert _kept() == (0, 0)


async def test_a_whole_body_with_an_epilogue_is_accepted(client):
    body = PART_HEAD + ROWS + f"\r\n--{BOUNDARY}--\r\nan epilogue\r\n".encode()
    response = await _post(client, body)
    assert response.status_code == 202, response.text
    assert response.json()["file_size"] == len(ROWS)


async def test_a_filename_with_control_characters_is_kept_without_them(client):
    """The filename is only a label, and PostgreSQL text cannot hold a NUL byte."""
    head = PART_HEAD.replace(b'filename="a.csv"', b'filename="a\x00b\x1b[31m.csv"')
    response = await _post(client, head + ROWS + f"\r\n--{BOUNDARY}--\r\n".encode())
    assert response.status_code == 202, response.text
    assert response.json()["filename"] == "ab[31m.csv"


@pytest.mark.parametrize(
    ("sent", "label"),
    [("../../etc/passwd", "passwd"), ("x/", "x"), ("C:\\Users\\me\\products.csv", "products.csv")],
)
async def test_a_filename_with_folders_is_labelled_by_its_last_part(client, sent, label):
    """As browsers send it: a path sent by another client names the same file."""
    head = PART_HEAD.replace(b'filename="a.csv"', f'filename="{sent}"'.encode())
    response = await _post(client, head + ROWS + f"\r\n--{BOUNDARY}--\r\n".encode())
    assert response.status_code == 202, response.text
    assert response.json()["filename"] == label
