"""A product's version for optimistic concurrency: its `updated_at`, as the API writes
it in JSON, in double quotes, is its `ETag`; a change sent with `If-Match` applies only
to that version, so an edit made from a stale copy cannot undo a newer one."""

from datetime import datetime

from pydantic import TypeAdapter, ValidationError

from product_importer.products.schemas import ProductRead

_TIMESTAMP = TypeAdapter(datetime)
CHANGED_SINCE = (
    "The product has changed since this version was read (another edit or an import): "
    "nothing was changed. Read it again and make the change on the current values."
)


def etag(product: ProductRead) -> str:
    return f'"{_TIMESTAMP.dump_python(product.updated_at, mode="json")}"'


NOT_A_VERSION = (
    "If-Match names no version of a product: send the product's ETag (from GET, quoted, "
    'e.g. "2026-12-06T08:00:00.123456Z") or *. Nothing was changed.'
)


def _versions(if_match: str) -> list[datetime] | None:
    """The versions `If-Match` names; None for `*` (any version). A weak (W/"…") or
    malformed entity tag names none: it never matches strongly."""
    named = []
    for candidate in (part.strip() for part in if_match.split(",")):
        if candidate == "*":
            return None
        if len(candidate) < 2 or not (candidate.startswith('"') and candidate.endswith('"')):
            continue
        try:
            named.append(_TIMESTAMP.validate_python(candidate[1:-1]))
        except ValidationError:
            continue
    return named


def refusal(if_match: str, product: ProductRead) -> str | None:
    """Why a change sent with `If-Match` is refused (412), or None when `If-Match` names
    the product's current version (or is `*`)."""
    named = _versions(if_match)
    if named is None or product.updated_at in named:
        return None
    return CHANGED_SINCE if named else NOT_A_VERSION
