"""Opaque keyset cursors: the sort key of the last row of a page and where the next
page starts, in the list of the filters it was issued for. A cursor is only a position,
so it carries no secret; it is checked strictly because its values end up as query
parameters."""

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from product_importer.core.pagination import BIGINT_MAX, MAX_PAGE
from product_importer.products.errors import InvalidCursor
from product_importer.products.filters import ProductFilters, ProductSort

MAX_KEY_CHARS = 1024


@dataclass(frozen=True)
class Cursor:
    sort: ProductSort
    keys: tuple[Any, ...]
    offset: int  # rows before the page the cursor opens (for its page number)
    filters: str  # `list_of`: the list it is a position in


def list_of(filters: ProductFilters) -> str:
    """A short digest of the filters: a cursor used with others would open a page of
    another list, after a product it may not hold, with a wrong page number."""
    # Lowercased as the filters match: `q=Desk` and `q=desk` are one list.
    terms = sorted((field, term.lower()) for field, term in filters.substrings.items())
    canonical = json.dumps([terms, filters.is_active], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def encode(cursor: Cursor) -> str:
    payload = {
        "s": cursor.sort.value,
        "k": [_plain(k) for k in cursor.keys],
        "o": cursor.offset,
        "f": cursor.filters,
    }
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _int(value: Any, most: int = BIGINT_MAX) -> int:
    if type(value) is not int or not 0 <= value <= most:
        raise InvalidCursor("the cursor is malformed")
    return value


def _offset(value: Any) -> int:
    """Rows before the page: at most `MAX_PAGE` - 1, so that the page it numbers is one
    the `page` parameter takes, whatever the page size."""
    return _int(value, MAX_PAGE - 1)


def _text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_KEY_CHARS or "\x00" in value:
        raise InvalidCursor("the cursor is malformed")
    try:
        value.encode()
    except UnicodeEncodeError:  # a lone surrogate (JSON's "\ud800"): not text
        raise InvalidCursor("the cursor is malformed") from None
    return value


def _timestamp(value: Any) -> datetime:
    """An aware timestamp that stays within years 1-9999 in UTC, as PostgreSQL takes it."""
    try:
        parsed = datetime.fromisoformat(_text(value))
        if parsed.tzinfo is None:
            raise ValueError("no time zone")
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidCursor("the cursor is malformed") from None
    return parsed


KEY_TYPES: dict[str, tuple[Callable[[Any], Any], ...]] = {
    "id": (_int,),
    "sku": (_text,),
    "name": (_text, _int),
    "updated_at": (_timestamp, _int),
}


def decode(token: str, sort: ProductSort, filters: ProductFilters) -> Cursor:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        issued_for = ProductSort(payload["s"])
        keys, offset, listed = payload["k"], payload["o"], payload.get("f")
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
        raise InvalidCursor("the cursor is malformed; use a next_cursor as given") from None
    if issued_for is not sort:
        raise InvalidCursor(
            f"the cursor was issued for sort={issued_for.value}; request that sort or start "
            "again without a cursor"
        )
    if not isinstance(listed, str | None):
        raise InvalidCursor("the cursor is malformed; use a next_cursor as given")
    # Without "f": issued before cursors named their list, and taken as they were then.
    if listed is not None and listed != list_of(filters):
        raise InvalidCursor(
            "the cursor was issued for other filters (q, sku, name, description, "
            "is_active); request those it came with or start again without a cursor"
        )
    types = KEY_TYPES[sort.field]
    if not isinstance(keys, list) or len(keys) != len(types):
        raise InvalidCursor("the cursor is malformed")
    keys = tuple(check(k) for check, k in zip(types, keys, strict=True))
    return Cursor(sort, keys, _offset(offset), list_of(filters))
