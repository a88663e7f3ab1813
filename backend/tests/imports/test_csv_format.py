"""The CSV contract, end to end: every file goes through the API and a real worker."""

import codecs
import csv
import io

from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.imports.staging import EXTRA_FIELDS_SHOWN
from tests.imports.helpers import (
    catalog,
    completed_events,
    csv_bytes,
    import_file,
    products,
    seed_products,
)


async def test_bom_crlf_quotes_newlines_and_non_ascii(client, worker):
    content = codecs.BOM_UTF8 + csv_bytes(
        "sku,name,description",
        'Q-1,"Kettle, steel","He said ""hello"""',
        'Q-2,"Two\r\nline name","multi\r\nline\r\ndescription"',
        "Q-3,Crème brûlée 中文,日本語の説明",
        newline="\r\n",
    )
    result = await import_file(client, content)
    assert result["status"] == "completed", result
    assert (result["created"], result["skipped"], result["total_rows"]) == (3, 0, 3)
    assert products() == {
        "q-1": ("Q-1", "Kettle, steel", 'He said "hello"', True),
        "q-2": ("Q-2", "Two\r\nline name", "multi\r\nline\r\ndescription", True),
        "q-3": ("Q-3", "Crème brûlée 中文", "日本語の説明", True),
    }


async def test_header_case_order_unknown_columns_and_whitespace(client, worker):
    content = csv_bytes(
        " Description ,Color,NAME,  Sku",
        "first,red,Lamp,  L-1  ",
        ",blue,  Chair ,\tC-1",
    )
    result = await import_file(client, content)
    assert result["status"] == "completed", result
    assert result["warnings"] == ["Unknown columns ignored: Color"]
    assert products() == {
        "l-1": ("L-1", "Lamp", "first", True),
        "c-1": ("C-1", "Chair", None, True),
    }


async def test_a_file_wider_than_a_table_imports_its_known_columns(client, worker):
    """PostgreSQL's tables hold at most 1,600 columns: a wider file is still read, its
    unknown columns ignored, its rows checked and reported as any file's are."""
    extra = [f"x{i}" for i in range(1_700)]

    def line(sku: str, name: str, description: str) -> str:
        return ",".join([sku, *[""] * 900, name, *[""] * 800, description])

    content = csv_bytes(
        ",".join(["sku", *extra[:900], "name", *extra[900:], "description"]),
        line("W-1", "Wide one", "first"),
        line("W-2", "", "no name"),
        "W-3,too few fields",
        line("w-1", "Wide again", "last wins"),
    )
    result = await import_file(client, content)
    assert result["status"] == "completed", result
    counts = ("created", "skipped", "duplicates_in_file")
    assert tuple(result[k] for k in counts) == (1, 2, 1), result
    assert products() == {"w-1": ("w-1", "Wide again", "last wins", True)}
    assert result["warnings"] == [
        f"Unknown columns ignored: {', '.join(extra[:20])} and {len(extra) - 20:,} more"
    ]
    report = (await client.get(f"/api/v1/imports/{result['id']}/errors.csv")).text.splitlines()
    assert [line.split(",")[:2] for line in report[1:]] == [["3", "name"], ["4", ""]]


async def test_rows_larger_than_a_table_row_import_their_known_columns(client, worker):
    """1,000 short values make a row over PostgreSQL's 8 KB, too short to be moved out
    of it: such a file stages only the columns the import reads."""
    extra = ",".join("abcdefghij" for _ in range(1_000))
    content = csv_bytes(
        "sku,name," + ",".join(f"x{i}" for i in range(1_000)),
        f"B-1,Big row,{extra}",
        f"B-2,,{extra}",
    )
    result = await import_file(client, content)
    assert result["status"] == "completed", result
    assert (result["created"], result["skipped"]) == (1, 1), result
    assert products() == {"b-1": ("B-1", "Big row", None, True)}


async def test_unicode_whitespace_is_trimmed_as_the_products_api_trims_it(client, worker):
    """No-break and ideographic spaces (from spreadsheets and web pages) are surrounding
    whitespace too: the API and the import store the same SKU, so they meet."""
    created = await client.post("/api/v1/products", json={"sku": "\xa0NB-1\xa0", "name": "x"})
    assert created.json()["sku"] == "NB-1"
    content = csv_bytes(
        "sku,name",
        "\xa0nb-1\u3000,\u2003From the file\xa0",
        "\u00a0\u2009,only spaces in the sku",
    )
    result = await import_file(client, content)
    assert (result["created"], result["updated"], result["skipped"]) == (0, 1, 1), result
    assert products() == {"nb-1": ("nb-1", "From the file", None, True)}
    report = (await client.get(f"/api/v1/imports/{result['id']}/errors.csv")).text.splitlines()
    assert report[1].startswith("3,sku,sku is empty")


async def test_invisible_marks_around_a_value_are_trimmed_as_the_products_api_trims_them(
    client, worker
):
    """A byte order mark inside a file (files joined end to end) or a zero-width space
    (pasted from a web page) around a SKU would make an unseen second SKU."""
    created = await client.post("/api/v1/products", json={"sku": "\ufeffZW-1", "name": "x"})
    assert created.json()["sku"] == "ZW-1"
    content = csv_bytes("sku,name", "\ufeffzw-1\u200b,Joined\ufeff", "ZW-2\u200b,Pasted")
    result = await import_file(client, content)
    assert (result["created"], result["updated"]) == (1, 1), result
    assert products() == {
        "zw-1": ("zw-1", "Joined", None, True),
        "zw-2": ("ZW-2", "Pasted", None, True),
    }


async def test_word_joiners_and_soft_hyphens_around_a_sku_are_trimmed_too(client, worker):
    created = await client.post("/api/v1/products", json={"sku": "INV-1\u2060", "name": "x"})
    assert created.json()["sku"] == "INV-1"
    marks = ["INV-1\u2060", "\xadINV-1", "INV-1\xad", "\u200cINV-1", "\u180eINV-1"]
    result = await import_file(client, csv_bytes("sku,name", *[f"{sku},Same" for sku in marks]))
    assert (result["created"], result["updated"], result["duplicates_in_file"]) == (0, 1, 4)
    assert list(products()) == ["inv-1"]
    # Not the zero-width joiner: a word of older Malayalam text ends with one.
    kept = await client.post("/api/v1/products", json={"sku": "ML-1", "name": "കാൽ\u200d"})
    assert kept.json()["name"] == "കാൽ\u200d"


async def test_invalid_rows_are_skipped_and_reported_by_line(client, worker):
    content = csv_bytes(
        "sku,name,description",
        "OK-1,Fine,",
        ",No sku,",
        "NO-NAME,   ,",
        f"{'S' * 65},Long sku,",
        f"LONG-NAME,{'n' * 256},",
        f"LONG-DESC,Name,{'d' * 10001}",
        f"{'S' * 64},Sku of 64 is fine,",
        f"MAX-NAME,{'n' * 255},{'d' * 10000}",
    )
    result = await import_file(client, content)
    assert result["status"] == "completed", result
    assert (result["created"], result["skipped"], result["total_rows"]) == (3, 5, 8)
    assert set(products()) == {"ok-1", "s" * 64, "max-name"}
    report = (await client.get(f"/api/v1/imports/{result['id']}/errors.csv")).text.splitlines()
    assert report[0] == "\ufeffline,column,reason,sku,name,description"
    assert report[1] == "3,sku,sku is empty,,No sku,"
    assert report[2] == "4,name,name is empty,NO-NAME,   ,"
    assert report[3].startswith(f"5,sku,sku is longer than 64 characters (65),{'S' * 65},")
    assert report[4].startswith("6,name,name is longer than 255 characters (256),LONG-NAME,")
    assert report[5].startswith("7,description,description is longer than 10000 characters (10001)")
    assert len(report) == 6


async def test_limits_count_characters_after_trimming(client, worker):
    """Rows whose bytes exceed a limit, or that start with whitespace, are checked in full:
    only the trimmed characters count."""
    content = csv_bytes(
        "sku,name,description",
        f"{'é' * 64},Multibyte sku of 64,",
        f"{'é' * 65},Multibyte sku of 65,",
        f"WIDE-NAME,{'ü' * 255},{'中' * 10000}",
        f"WIDER-NAME,{'ü' * 256},",
        f"PADDED,  {'n' * 255}  ,",
        "  \t  ,Blank sku,",
        "\tTAB-1,Tab before the sku,",
        f"WIDE-DESC,Name,{'中' * 10001}",
    )
    result = await import_file(client, content)
    assert result["status"] == "completed", result
    assert (result["created"], result["skipped"]) == (4, 4)
    assert set(products()) == {"é" * 64, "wide-name", "padded", "tab-1"}
    report = (await client.get(f"/api/v1/imports/{result['id']}/errors.csv")).text.splitlines()
    assert [line.split(",")[:3] for line in report[1:]] == [
        ["3", "sku", "sku is longer than 64 characters (65)"],
        ["5", "name", "name is longer than 255 characters (256)"],
        ["7", "sku", "sku is empty"],
        ["9", "description", "description is longer than 10000 characters (10001)"],
    ]


async def test_line_numbers_count_lines_inside_quoted_records(client, worker):
    content = csv_bytes(
        "sku,name,description",
        'M-1,"a\nb\nc",',
        ",missing sku,",
        'M-2,"x\ny",',
        'M-3,"",',
    )
    result = await import_file(client, content)
    report = (await client.get(f"/api/v1/imports/{result['id']}/errors.csv")).text.splitlines()
    assert [line.split(",")[0] for line in report[1:]] == ["5", "8"]


async def test_rows_with_the_wrong_number_of_fields_are_skipped_with_their_line(client, worker):
    content = csv_bytes(
        "sku,name,description",
        "R-1,Good,",
        "R-2,Too,many,fields",
        "R-3",
        "",
        "R-4,Also good,desc",
        'R-5,Wide,desc,"a, b",c',
        "R-6,Wider,desc," + "x" * 5_000,
    )
    result = await import_file(client, content)
    assert result["status"] == "completed", result
    assert (result["created"], result["skipped"]) == (2, 4)
    assert set(products()) == {"r-1", "r-4"}
    body = (await client.get(f"/api/v1/imports/{result['id']}/errors.csv")).text
    report = list(csv.reader(io.StringIO(body)))
    # The fields beyond the header's are kept in the reason: the report has no column for them.
    assert report[1] == [
        "3", "", "expected 3 fields as in the header, found 4; beyond the header: fields",
        "R-2", "Too", "many",
    ]  # fmt: skip
    assert report[2][:4] == ["4", "", "expected 3 fields as in the header, found 1", "R-3"]
    assert (
        report[3][2] == 'expected 3 fields as in the header, found 5; beyond the header: "a, b",c'
    )
    beyond = "x" * EXTRA_FIELDS_SHOWN + "…"  # at most this much of them
    assert (
        report[4][2] == f"expected 3 fields as in the header, found 4; beyond the header: {beyond}"
    )


async def test_last_occurrence_wins_case_insensitively(client, worker):
    content = csv_bytes(
        "sku,name,description",
        "abc-1,First,one",
        "X-9,Other,",
        "ABC-1,Second,two",
        "Abc-1,Third,three",
    )
    result = await import_file(client, content)
    assert (result["created"], result["duplicates_in_file"], result["total_rows"]) == (2, 2, 4)
    assert products()["abc-1"] == ("Abc-1", "Third", "three", True)


async def test_header_only_file_completes_with_zero_rows(client, worker):
    result = await import_file(client, csv_bytes("sku,name"))
    assert result["status"] == "completed", result
    assert result["total_rows"] == 0 and result["progress"] == 100
    assert products() == {}


async def test_a_late_invalid_utf8_byte_fails_the_import_and_applies_nothing(client, worker):
    seed_products(1_000, "U")
    before = catalog()
    good = "".join(f"U-{i:05d},Name {i},{'x' * 40}\n" for i in range(3000))
    content = b"sku,name,description\n" + good.encode() + b"U-BAD,Caf\xe9,latin-1\n"
    result = await import_file(client, content)
    assert result["status"] == "failed"
    assert "not valid UTF-8" in result["error"] and "Line 3002" in result["error"]
    assert catalog() == before
    assert completed_events(result["id"]) == 0


async def test_a_late_nul_byte_fails_the_import_as_binary_data(client, worker):
    good = "".join(f"N-{i},Name {i},{'x' * 40}\n" for i in range(3000))
    content = b"sku,name,description\n" + good.encode() + b"N-BAD,nul\x00here,x\n"
    result = await import_file(client, content)
    assert result["status"] == "failed", result
    assert result["error"] == (
        "Line 3002: the file is not a text CSV: it contains binary data (a NUL byte)."
    )
    assert products() == {}


async def test_a_late_lone_carriage_return_fails_the_import_as_in_the_header(client, worker):
    """A CR alone ends no line: taken as one, it would split a row in two."""
    good = "".join(f"R-{i},Name {i},{'x' * 40}\n" for i in range(3000))
    content = b"sku,name,description\n" + good.encode() + b"R-A,a,one\rR-B,b,two\n"
    result = await import_file(client, content)
    assert result["status"] == "failed", result
    assert result["error"].startswith("Line 3002: a line ends with a carriage return alone")
    assert products() == {}


async def test_line_ends_that_change_from_lf_to_crlf_are_read(client, worker):
    content = b"sku,name\nM-1,Unix line\r\nM-2,Windows line\r\nM-3,Unix again\n"
    result = await import_file(client, content)
    assert (result["status"], result["created"], result["skipped"]) == ("completed", 3, 0), result
    assert products()["m-2"] == ("M-2", "Windows line", None, True)


async def test_a_lone_carriage_return_in_a_file_read_row_by_row_fails_the_import(client, worker):
    """The careful path (here: an inch mark) finds it too, and a NUL byte."""
    head = 'sku,name\nI-1,Monitor 27" wide\n' + "".join(
        f"I-{i},Name {i:020}\n" for i in range(3000)
    )
    for tail, error in (  # past the first 64 KiB, which the upload checks
        (b"I-A,a\rI-B,b\n", "Line 3003: a line ends with a carriage return alone"),
        (b"I-A,nul\x00,b\n", "Line 3003: the file is not a text CSV: it contains binary data"),
    ):
        result = await import_file(client, head.encode() + tail)
        assert result["status"] == "failed", result
        assert result["error"].startswith(error), result["error"]
    assert products() == {}


async def test_a_carriage_return_inside_quotes_is_kept(client, worker):
    result = await import_file(client, b'sku,name,description\nQ-1,Quoted,"one\rtwo"\n')
    assert result["status"] == "completed", result
    assert products() == {"q-1": ("Q-1", "Quoted", "one\rtwo", True)}


async def test_a_carriage_return_inside_quotes_is_kept_when_read_row_by_row(client, worker):
    """The careful path (here: for a row with an extra field, and for an inch mark)
    stages what it read as CSV again: a quoted CR must stay quoted there."""
    for other_row in ("CR-1,ok,fine,EXTRA", 'CR-1,"27" monitor,y'):
        content = f'sku,name,description\n{other_row}\nCR-2,"line1\rline2",w\n'.encode()
        result = await import_file(client, content)
        assert result["status"] == "completed", result
        assert products()["cr-2"] == ("CR-2", "line1\rline2", "w", True)


async def test_the_import_completed_event_is_recorded_with_the_change(client, worker):
    result = await import_file(client, csv_bytes("sku,name", "E-1,Event"))
    with sync_engine().connect() as conn:
        events = conn.execute(text("SELECT type, payload FROM webhook_events")).all()
    assert [e.type for e in events] == ["import.completed"]
    assert events[0].payload["data"]["id"] == result["id"]
    assert events[0].payload["data"]["created"] == 1


async def test_quotes_inside_unquoted_fields_are_kept_as_characters(client, worker):
    """An inch mark neither opens nor closes a field: it is part of the value (COPY
    alone would read from one such quote to the next and join the rows)."""
    content = csv_bytes(
        "sku,name,description",
        'IN-1,TV 55" screen,d',
        'IN-2,Monitor 27",black',
        "IN-3,Other,d",
        'IN-4,"Quoted, with ""inch"" marks",ok',
    )
    result = await import_file(client, content)
    assert result["status"] == "completed", result
    assert (result["total_rows"], result["created"], result["skipped"]) == (4, 4, 0)
    assert products() == {
        "in-1": ("IN-1", 'TV 55" screen', "d", True),
        "in-2": ("IN-2", 'Monitor 27"', "black", True),
        "in-3": ("IN-3", "Other", "d", True),
        "in-4": ("IN-4", 'Quoted, with "inch" marks', "ok", True),
    }


async def test_a_quoted_field_that_never_closes_fails_the_import_with_its_line(client, worker):
    content = csv_bytes(
        "sku,name,description",
        "UQ-1,Fine,d",
        'UQ-2,"Bad quote,d',
        *[f"UQ-{i},Name {i},d" for i in range(3, 200)],
    )
    result = await import_file(client, content)
    assert result["status"] == "failed", result
    assert result["error"].startswith("Line 3: the row starting on this line has a quoted field")
    assert products() == {}
    short = await import_file(client, csv_bytes("sku,name", 'uq-1,"abc', "uq-2,x"))
    assert short["status"] == "failed" and "Line 2:" in short["error"]
    lone = await import_file(client, b'sku,name\nuq-1,x\n"')  # a last line of one quote
    assert lone["status"] == "failed" and "Line 3:" in lone["error"]
    assert products() == {}


async def test_a_field_too_long_to_read_fails_the_import_saying_both_possible_causes(
    client, worker
):
    """A closed field longer than the careful path reads (here 17 MiB, past what the quote
    check holds, so the careful path reads the file): the message must not only blame
    a quote that never closes."""
    huge = "x" * (17 << 20)
    content = csv_bytes("sku,name,description", f'HF-1,Huge,"{huge}"', "HF-2,Two,ok")
    result = await import_file(client, content)
    assert result["status"] == "failed", result
    assert result["error"].startswith("Line 2: a field is longer than 10,485,760 characters")
    assert "a description may have 10,000" in result["error"]
    assert "the file holds a field this long" in result["error"]
    assert products() == {}
