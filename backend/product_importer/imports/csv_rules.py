"""The CSV contract for a whole file: its header, its text, and precise messages for
a file that cannot be imported.

Used by the API (to reject an unusable file while it uploads) and by the worker (to
read the header and fail a file on its first bad line), so both speak the same rules.
The rules for each row are SQL, run on the staged rows (`staging_sql.RULES`).
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

from product_importer.products.field_rules import (
    DESCRIPTION_MAX,
    trimmed,
)

REQUIRED_COLUMNS = ("sku", "name")
OPTIONAL_COLUMNS = ("description",)
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
BOM = codecs.BOM_UTF8
# Longest first: UTF-32's little-endian mark starts with UTF-16's.
WIDE_TEXT_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
# A file's first bytes are checked (binary, UTF-8) before anything is queued: at least
# this many, and the whole header line, which may be as long as MAX_HEADER_BYTES.
HEADER_PROBE_BYTES = 64 * 1024
MAX_HEADER_BYTES = 1024 * 1024
MAX_FIELD_CHARS = 10 << 20  # the careful path's limit on one field (csv's own is 128 Ki)


class FileRejected(ValueError):
    """The file cannot be imported at all; the message says why and where."""


LISTED_UNKNOWN_COLUMNS = 20
SHOWN_NAME_CHARS = 100


@dataclass(frozen=True)
class Header:
    """Where each known column sits in the file's header."""

    names: list[str]
    positions: dict[str, int]
    unknown: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        if not self.unknown:
            return []
        return [f"Unknown columns ignored: {_listed(self.unknown)}"]


def _listed(names: list[str]) -> str:
    """The first `LISTED_UNKNOWN_COLUMNS` names, each shortened, and how many more."""
    listed = ", ".join(map(_shortened, names[:LISTED_UNKNOWN_COLUMNS]))
    more = len(names) - LISTED_UNKNOWN_COLUMNS
    return listed + (f" and {more:,} more" if more > 0 else "")


def _shortened(name: str) -> str:
    if len(name) <= SHOWN_NAME_CHARS:
        return name
    return f"{name[:SHOWN_NAME_CHARS]}… ({len(name):,} characters)"


def _position_of_bad_utf8(data: bytes) -> tuple[int, int]:
    """(byte offset, line number) of the first byte that is not valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start, data.count(b"\n", 0, exc.start) + 1
    return -1, -1


def check_text(data: bytes, *, complete: bool) -> None:
    """Reject binary or non-UTF-8 content in `data` (a prefix of the file unless `complete`)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise FileRejected(
            f"The file is not a text CSV: it contains binary data (a NUL byte at byte {nul + 1})."
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data, final=complete)
    except UnicodeDecodeError:
        offset, line = _position_of_bad_utf8(data)
        raise FileRejected(
            f"The file is not UTF-8 text: invalid byte 0x{data[offset]:02X} at byte "
            f"{offset + 1} (line {line}). Save it as UTF-8 and upload it again."
        ) from None


class HeaderReader:
    """Reads a file's header from its first chunks, as they come: `feed` each chunk
    until it gives the header (or raises FileRejected), then `end` at the end of a file
    too short to decide on before. It decides on HEADER_PROBE_BYTES, or on the whole
    header line if longer (up to MAX_HEADER_BYTES)."""

    def __init__(self) -> None:
        self._probe = bytearray()

    def feed(self, data: bytes) -> Header | None:
        self._probe += data
        end = self._probe.find(b"\n", 0, MAX_HEADER_BYTES)
        needed = max(HEADER_PROBE_BYTES, end + 1) if end >= 0 else MAX_HEADER_BYTES
        if len(self._probe) < needed:
            return None
        return parse_header(bytes(self._probe[:needed]), complete=False)

    def end(self) -> Header:
        return parse_header(bytes(self._probe), complete=True)


def parse_header(first_bytes: bytes, *, complete: bool) -> Header:
    """Validate the start of a file and map its header.

    `first_bytes` is the beginning of the file (BOM allowed); `complete` says whether it
    is the whole file. Raises FileRejected with a message naming the problem.
    """
    for mark, encoding in WIDE_TEXT_MARKS:
        if first_bytes.startswith(mark):
            raise FileRejected(
                f'The file is {encoding} text (a spreadsheet\'s "Unicode text"), not UTF-8: '
                'save it as "CSV UTF-8".'
            )
    data = first_bytes.removeprefix(BOM)
    if not trimmed(data.decode("utf-8", errors="replace")):
        blank = " (blank lines and spaces only)" if data else ""
        raise FileRejected(f"The file is empty{blank}: a header row with sku and name is required.")
    check_text(data, complete=complete)
    end = data.find(b"\n")
    if b"\r" in _header_line_without_its_end(data, end, complete):
        raise FileRejected(f"Line 1 (header): {LONE_CR}")
    if end < 0 and not complete:
        raise FileRejected(
            f"The header row is longer than {MAX_HEADER_BYTES >> 20} MiB or has no line end."
        )
    header_line = data if end < 0 else data[:end]
    if not trimmed(header_line.decode("utf-8", errors="replace")):
        raise FileRejected(
            "Line 1 (header) is blank: the header row must be the file's first line "
            "(remove the blank lines above it)."
        )
    text = header_line.decode("utf-8", errors="replace")
    # The csv module's limit on a field (128 Ki characters unless raised) is global.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_HEADER_BYTES))
    try:
        names = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as exc:
        raise FileRejected(f"Line 1 (header): {csv_error_reason(exc)}") from None
    return map_header(names)


def _header_line_without_its_end(data: bytes, end: int, complete: bool) -> bytes:
    """Line 1 without the CR of a CRLF: any other CR in it ends a line alone."""
    if end >= 0:
        return data[:end].removesuffix(b"\r")
    # No LF: the whole file (a CR at its end ends the line alone), or a probe whose last
    # byte may be the CR of a CRLF cut in two.
    return data if complete else data.removesuffix(b"\r")


LONE_CR = (
    "a line ends with a carriage return alone (CR, as in old Mac files). "
    "Save the file with LF or CRLF line ends."
)


def csv_error_reason(exc: csv.Error) -> str:
    """What Python's csv module found wrong, in the user's terms."""
    if "new-line character seen in unquoted field" in str(exc):
        return LONE_CR
    if "field larger than field limit" in str(exc):
        return (
            f"a field is longer than {MAX_FIELD_CHARS:,} characters, far more than any "
            f"column holds (a description may have {DESCRIPTION_MAX:,}). Either a quoted "
            'field is never closed (check the quote marks (") from this line on), or the '
            "file holds a field this long, which cannot be read: shorten it."
        )
    return f"cannot be read as CSV ({exc})."


def _visible(name: str) -> str:
    """A header name with its invisible characters (a word joiner, say) shown."""
    return "".join(char if char.isprintable() else f"<U+{ord(char):04X}>" for char in name)


def map_header(names: list[str]) -> Header:
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(names):
        key = trimmed(raw).lower()
        if key in KNOWN_COLUMNS:
            if key in positions:
                raise FileRejected(
                    f"Line 1 (header): column '{key}' appears twice "
                    f"(columns {positions[key] + 1} and {index + 1})."
                )
            positions[key] = index
        else:
            unknown.append(trimmed(raw) or f"(unnamed column {index + 1})")
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        found = _listed([_visible(trimmed(n)) for n in names]) or "nothing"
        plural = "s" if len(missing) > 1 else ""
        raise FileRejected(
            f"Line 1 (header): missing required column{plural} {', '.join(missing)}. "
            f"Found: {found}. Required: sku, name; optional: description."
            + _other_separator_hint(names)
        )
    return Header(names=names, positions=positions, unknown=unknown)


OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _other_separator_hint(names: list[str]) -> str:
    """Why the required columns were not found, when the header holds them separated by
    another character than the comma (a spreadsheet's export in some locales)."""
    for separator, called in OTHER_SEPARATORS.items():
        split = {
            trimmed(part).strip('"').lower() for name in names for part in name.split(separator)
        }
        if len(names) < len(split) and set(REQUIRED_COLUMNS) <= split:
            return (
                f" The header looks separated by {called}: the file must be separated by "
                "commas (save or export it as CSV with commas)."
            )
    return ""
