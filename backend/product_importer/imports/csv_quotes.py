"""Whether a CSV file quotes its fields as RFC 4180 says, checked as it streams.

PostgreSQL's COPY and Python's csv module read regularly quoted files alike. They
part ways on a quote that does not open a field or close one: an inch mark inside an
unquoted field (`Monitor 27",black`), or text right after a closing quote. csv keeps
such a quote as a character. COPY takes it as the start of a quoted section that runs
on through commas and line ends to the next quote, and silently joins rows. So the
import lets COPY read a file only while its quoting is regular.
"""

from __future__ import annotations

import re

_FIELD = rb'(?:"[^"]*+(?:""[^"]*+)*+"|[^",\r\n]*+)'
# Fields and their separators (a line end counts as one), as far as they are regular.
_REGULAR = re.compile(_FIELD + rb"(?:[,\r\n]" + _FIELD + rb")*+")
_SEPARATORS = b",\r\n"
# The last line (or the quoted field still open) of the data seen so far is held back
# and checked with the next piece. One longer than this is not worth holding: the file
# is called irregular, so that the careful path reads it.
MAX_HELD_BYTES = 16 << 20


class QuoteChecker:
    """Feed the file's bytes in order; `irregular` turns True at the first quote that
    neither opens nor closes a field."""

    def __init__(self) -> None:
        self.irregular = False
        self._pending = b""

    def feed(self, data: bytes) -> None:
        if self.irregular:
            return
        buffer = self._pending + data
        self._check(buffer, buffer.rfind(b"\n") + 1)

    def finish(self) -> None:
        """The end of the file: check what was held back."""
        if not self.irregular:
            self._check(self._pending, len(self._pending))
            self._pending = b""

    def _check(self, buffer: bytes, upto: int) -> None:
        match = _REGULAR.match(buffer, 0, upto)
        end = match.end() if match else 0
        if end == upto:
            self._pending = buffer[upto:]
        elif _opens_a_field(buffer, end):
            # A quoted field that closes further on (or never: COPY reports that).
            self._pending = buffer[end:]
        else:
            self.irregular = True
        if len(self._pending) > MAX_HELD_BYTES:
            self.irregular = True


def _opens_a_field(buffer: bytes, at: int) -> bool:
    return buffer[at : at + 1] == b'"' and (at == 0 or buffer[at - 1] in _SEPARATORS)
