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


def matches(if_match: str, product: ProductRead) -> bool:
    """Whether `If-Match` names the product's current version (`*`: any version)."""
    for candidate in (part.strip() for part in if_match.split(",")):
        if candidate == "*":
            return True
        if len(candidate) < 2 or not (candidate.startswith('"') and candidate.endswith('"')):
            continue  # weak (W/"…") or malformed: never a strong match
        try:
            if _TIMESTAMP.validate_python(candidate[1:-1]) == product.updated_at:
                return True
        except ValidationError:
            continue
    return False
