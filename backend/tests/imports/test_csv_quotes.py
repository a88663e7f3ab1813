"""The quote check that decides whether COPY may read a file (unit level: it is pure)."""

import pytest

from product_importer.imports import csv_quotes
from product_importer.imports.csv_quotes import QuoteChecker

REGULAR = [
    b"sku,name\nA-1,plain\n",
    b'sku,name\nA-1,"Kettle, steel"\n',
    b'sku,name\nA-1,"He said ""hi"""\n',
    b'sku,name\r\nA-1,"two\r\nlines"\r\nA-2,""\r\n',
    b'sku,name\n"A-1","x"',  # no line end at the end of the file
    b'sku,name\nA-1,"""quoted"" start"\n',
    b'sku,name\nA-1,"never closed\nA-2,x\n',  # left to COPY, which reports it
    'sku,name\nA-1,"Crème ""brûlée"" 中文"\n'.encode(),
]
IRREGULAR = [
    b'sku,name\nA-1,TV 55" screen\n',  # an inch mark inside a field
    b'sku,name\nA-1,Size 12"\nA-2,Size 13"\n',  # at the end of fields: COPY joins the rows
    b'sku,name\nA-1,"closed"then more\n',  # text after a closing quote
    b'sku,name\nA-1,ab""c\n',
    b'sku,name\nA-1,x\nA-2,27"',  # on the last line, without a line end
]


def quoting_is_regular(data: bytes) -> bool:
    checker = QuoteChecker()
    checker.feed(data)
    checker.finish()
    return not checker.irregular


@pytest.mark.parametrize("content", REGULAR)
def test_regular_quoting_passes(content):
    assert quoting_is_regular(content)


@pytest.mark.parametrize("content", IRREGULAR)
def test_a_quote_that_neither_opens_nor_closes_a_field_is_irregular(content):
    assert not quoting_is_regular(content)


@pytest.mark.parametrize("content", REGULAR + IRREGULAR)
def test_the_verdict_does_not_depend_on_where_the_pieces_split(content):
    whole = quoting_is_regular(content)
    for one in range(len(content) + 1):
        for two in range(one, len(content) + 1, 3):
            checker = QuoteChecker()
            for piece in (content[:one], content[one:two], content[two:]):
                checker.feed(piece)
            checker.finish()
            assert checker.irregular is not whole, (one, two)


def test_a_line_too_long_to_hold_sends_the_file_to_the_careful_path(monkeypatch):
    """Past the held line, stray quotes would reach COPY unchecked: the file is called
    irregular instead."""
    monkeypatch.setattr(csv_quotes, "MAX_HELD_BYTES", 64)
    checker = QuoteChecker()
    for piece in (b"sku,name\nA,", b"y" * 50, b"y" * 50, b"\nB,fine\n"):
        checker.feed(piece)
    checker.finish()
    assert checker.irregular
