"""Stage an import's file into its staging table, in the caller's transaction, in
constant memory, and record the rows that break the rules.

Fast path: PostgreSQL's COPY parses the CSV straight from the stored chunks into the
import's staging table. If the file breaks CSV structure (a row with the wrong number of
fields, a quote that neither opens nor closes a field, which COPY would misread), the
careful path re-reads it with Python's csv module, which reports such rows by line and
skips them, keeps stray quotes as characters, and rejects a quoted field that never
closes.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import psycopg2
import psycopg2.errors
from sqlalchemy import Connection

from product_importer.imports import staging_sql as q
from product_importer.imports.csv_quotes import QuoteChecker
from product_importer.imports.csv_rules import (
    LONE_CR,
    MAX_FIELD_CHARS,
    FileRejected,
    Header,
    HeaderReader,
    csv_error_reason,
)
from product_importer.imports.outcomes import ImportCancelled
from product_importer.imports.progress import Bar, ProgressReporter
from product_importer.imports.staging_sql import StagingSql, staging_table
from product_importer.imports.storage import ChunkReader, iter_chunks

COPY_READ_BYTES = 1 << 20
PARSED_FLUSH_BYTES = 8 << 20
# The fields beyond the header's that a skipped row's problem quotes, at most (characters).
EXTRA_FIELDS_SHOWN = 1_000
STRUCTURE_ERRORS = (psycopg2.errors.BadCopyFileFormat,)
# Read after the file's last line by the careful path: a row of two marks, or the end
# of a quoted field that never closed. Unicode noncharacters: never in a real file.
END_MARK = "\ufdd0end of file\ufdd0"
END_OF_FILE = f"{END_MARK},{END_MARK}"
LAST_LINE_END = re.compile(rb"\r?\n|\r")
HELD_LINE_ENDS_MAX = 64 << 10
BINARY_DATA = "the file is not a text CSV: it contains binary data (a NUL byte)."
# What the careful path's decoder makes of bytes that are not UTF-8 ("surrogateescape").
NOT_UTF8 = re.compile("[\udc80-\udcff]{1,4}")
ENCODING_ERRORS = (
    psycopg2.errors.CharacterNotInRepertoire,
    psycopg2.errors.UntranslatableCharacter,
)


class _ProgressReader(ChunkReader):
    """Reports reading progress (bytes, approximate rows) as COPY or csv pulls data."""

    phase = "reading"

    def __init__(self, aux: Connection, import_id: uuid.UUID, file_size: int,
                 reporter: ProgressReporter, bar: Bar) -> None:  # fmt: skip
        super().__init__(iter_chunks(aux, import_id))
        self.file_size = max(file_size, 1)
        self.reporter = reporter
        self.bar = bar
        self.lines = 0
        self.cancelled = False

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.lines += data.count(b"\n")
        share = self.bar.reading(self.bytes_read / self.file_size)
        try:
            self.reporter.update(self.phase, share, max(self.lines - 1, 0))
        except ImportCancelled:
            self.cancelled = True
            raise
        return data


class _CarefulReader(_ProgressReader):
    """Feeds the careful path: Python's csv module, row by row."""

    phase = "reading (checking each row)"


class _RegularQuotesReader(_ProgressReader):
    """Hands COPY the file only while its quoting is regular (see `csv_quotes`), without
    the blank lines at its end: COPY reads a blank line as a row of one empty field and
    refuses it, which would send the whole file to the careful path."""

    def __init__(self, aux: Connection, import_id: uuid.UUID, file_size: int,
                 reporter: ProgressReporter, bar: Bar) -> None:  # fmt: skip
        super().__init__(aux, import_id, file_size, reporter, bar)
        self.quotes = QuoteChecker()
        self._line_ends = b""  # the line ends read last: blank lines if the file ends there

    def read(self, size: int | None = -1) -> bytes:
        while data := self._read_regular(size):
            data = self._line_ends + data
            text = data.rstrip(b"\r\n")
            self._line_ends = data[len(text) :]
            if len(self._line_ends) > HELD_LINE_ENDS_MAX:
                # Blank lines by the thousand, which COPY refuses wherever they are: the
                # careful path reads the file (memory stays bounded).
                text, self._line_ends = data, b""
            if text:
                return text
        last_line_end = LAST_LINE_END.match(self._line_ends)
        self._line_ends = b""
        return last_line_end.group() if last_line_end else b""

    def _read_regular(self, size: int | None) -> bytes:
        data = super().read(size)
        if data:
            self.quotes.feed(data)
        else:
            self.quotes.finish()
        if self.quotes.irregular:
            raise ValueError("irregular quoting: the careful path reads this file")
        return data


def read_header(aux: Connection, import_id: uuid.UUID) -> Header:
    """The header, from the file's first bytes (as many chunks as they span)."""
    reader = HeaderReader()
    for data in iter_chunks(aux, import_id):
        header = reader.feed(data)
        if header is not None:
            return header
    return reader.end()


class RowsTooWide(Exception):
    """A row of every column is larger than a table row may be (many short values)."""


def _stage_with_copy(cur: Any, sql: StagingSql, reader: _RegularQuotesReader) -> bool:
    """True when PostgreSQL parsed the whole file; False when the careful path is needed."""
    cur.execute("SAVEPOINT staging")
    try:
        cur.copy_expert(sql.copy_file, reader, size=COPY_READ_BYTES)
    except (*STRUCTURE_ERRORS, *ENCODING_ERRORS):
        # Structure: also a file whose line ends change (LF, then CRLF): COPY wants the
        # header's. Encoding (a byte that is not UTF-8, or a NUL): the careful path finds
        # it again to report its line as it numbers lines, by LF; COPY counts CR in a
        # CRLF file's quoted fields as line ends, and LF not. Only a failing file pays.
        cur.execute("ROLLBACK TO SAVEPOINT staging")
        return False
    except psycopg2.errors.ProgramLimitExceeded:
        cur.execute("ROLLBACK TO SAVEPOINT staging")
        raise RowsTooWide() from None
    except psycopg2.Error:
        # COPY reports an exception raised in read() as its own error.
        if reader.cancelled:
            raise ImportCancelled() from None
        if reader.quotes.irregular:
            cur.execute("ROLLBACK TO SAVEPOINT staging")
            return False
        raise
    cur.execute("RELEASE SAVEPOINT staging")
    return True


class _FileLines:
    """The file's lines (line ends kept) as csv reads them, remembering the last one: a
    record that ends on a carriage return alone (not CRLF) would be a row split in two,
    and text holds no NUL byte and no byte that is not UTF-8 (decoded as an escape, so
    that the line holding it is known: the decoder reads ahead by thousands of bytes)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.last = "\n"
        self.number = 0  # of the line `last` is on

    def __iter__(self) -> _FileLines:
        return self

    def __next__(self) -> str:
        # Numbered as COPY numbers them (and the error report with it): only LF ends a
        # line. csv reads a CR alone as a line end too, but it is a field's character.
        self.number += self.last.endswith("\n")
        self.last = next(self._lines)
        if "\x00" in self.last:
            raise FileRejected(f"Line {self.number}: {BINARY_DATA}")
        if not self.last.isascii() and (undecodable := NOT_UTF8.search(self.last)):
            shown = " ".join(f"0x{ord(char) - 0xDC00:02X}" for char in undecodable.group())
            raise FileRejected(
                f"Line {self.number}: the file is not valid UTF-8 text (bytes {shown}). "
                "Save it as UTF-8 and upload it again."
            )
        return self.last

    @property
    def ends_on_lone_cr(self) -> bool:
        return self.last.endswith("\r")


def _stage_with_python(cur: Any, sql: StagingSql, reader: _ProgressReader) -> None:
    csv.field_size_limit(MAX_FIELD_CHARS)
    text = io.TextIOWrapper(
        io.BufferedReader(reader), encoding="utf-8", errors="surrogateescape", newline=""
    )
    lines = _FileLines(itertools.chain(text, [END_OF_FILE]))
    rows = csv.reader(lines)
    width = len(sql.header.names)
    staged = None if sql.stages_every_column else sql.staged_positions
    out = io.StringIO()
    # Quoted: a field holding any character of the line end. With "\n" alone a CR in a
    # field would be written bare, which COPY refuses ("unquoted carriage return").
    writer = csv.writer(out, lineterminator="\r\n")
    line_done = 0
    try:
        next(rows, None)  # the header, already mapped
        line_done = lines.number
        for row in rows:
            first_line, line_done = line_done + 1, lines.number
            if not row or row == [END_MARK, END_MARK]:
                continue
            if row[-1].endswith(END_OF_FILE):
                raise FileRejected(_never_closed(first_line))
            if lines.ends_on_lone_cr:
                raise FileRejected(f"Line {line_done}: {LONE_CR}")
            problem = ""
            if len(row) != width:
                problem = _wrong_width(row, width)
                row = (row + [""] * width)[:width]
            values = row if staged is None else [row[i] for i in staged]
            writer.writerow([first_line, problem, *values])
            if out.tell() > PARSED_FLUSH_BYTES:
                _flush_parsed(cur, sql, out)
    except csv.Error as exc:
        raise FileRejected(f"Line {line_done + 1}: {csv_error_reason(exc)}") from None
    _flush_parsed(cur, sql, out)


def _wrong_width(row: list[str], width: int) -> str:
    """The problem of a row with more or fewer fields than the header; the fields beyond
    the header's are quoted in it, as the error report has no column for them."""
    problem = f"expected {width} fields as in the header, found {len(row)}"
    if len(row) <= width:
        return problem
    extra = io.StringIO()
    csv.writer(extra, lineterminator="").writerow(row[width:])
    shown = extra.getvalue()
    if len(shown) > EXTRA_FIELDS_SHOWN:
        shown = shown[:EXTRA_FIELDS_SHOWN] + "…"
    return f"{problem}; beyond the header: {shown}"


def _never_closed(line: int) -> str:
    return (
        f"Line {line}: the row starting on this line has a quoted field that is never "
        "closed, so the rest of the file cannot be read. Check its quote marks: a field "
        'with a " inside is written in quotes, with the " doubled ("27"" screen").'
    )


def _flush_parsed(cur: Any, sql: StagingSql, out: io.StringIO) -> None:
    out.seek(0)
    cur.copy_expert(sql.copy_parsed, out, size=COPY_READ_BYTES)
    out.seek(0)
    out.truncate()


def record_errors(cur: Any, sql: StagingSql, import_id: uuid.UUID, parsed_by_copy: bool) -> int:
    params = {"import_id": str(import_id)}
    cur.execute(sql.insert_errors, params)
    skipped = int(cur.rowcount)
    if skipped and parsed_by_copy:
        # Some records may span lines: shift the skipped rows' line numbers.
        cur.execute(sql.record_newlines)
        cur.execute(q.SHIFT_ERROR_LINES, params)
    return skipped


def stage(cur: Any, aux: Connection, import_id: uuid.UUID, file_size: int,
           reporter: ProgressReporter, bar: Bar) -> tuple[StagingSql, bool]:  # fmt: skip
    """Stage the file into the import's table: through COPY while it can read the file,
    else row by row. The SQL for the staged rows, and whether COPY parsed them."""
    sql = StagingSql(read_header(aux, import_id), staging_table(import_id))
    cur.execute(sql.create_table)
    try:
        parsed_by_copy = sql.stages_every_column and _stage_with_copy(
            cur, sql, _RegularQuotesReader(aux, import_id, file_size, reporter, bar)
        )
    except RowsTooWide:
        cur.execute(sql.drop_table)
        sql = replace(sql, known_columns_only=True)
        cur.execute(sql.create_table)
        parsed_by_copy = False
    if not parsed_by_copy:
        bar.read_again(reporter.progress)
        reporter.update(_CarefulReader.phase, bar.reading(0), 0, force=True)
        _stage_with_python(cur, sql, _CarefulReader(aux, import_id, file_size, reporter, bar))
    return sql, parsed_by_copy
