"""A row's version for optimistic concurrency: its `updated_at`, as the API writes it in
JSON, in double quotes, is its `ETag`; a change sent with `If-Match` applies only to
that version, so a change made from a stale copy cannot undo a newer one."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from fastapi import Response
from pydantic import TypeAdapter, ValidationError

_TIMESTAMP = TypeAdapter(datetime)


class _HasVersion(Protocol):
    @property
    def updated_at(self) -> datetime: ...


Row = TypeVar("Row", bound=_HasVersion)


def etag(updated_at: datetime) -> str:
    return f'"{_TIMESTAMP.dump_python(updated_at, mode="json")}"'


def versioned(row: Row, response: Response) -> Row:
    """`row`, its version sent as the answer's `ETag`."""
    response.headers["ETag"] = etag(row.updated_at)
    return row


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


@dataclass(frozen=True)
class Versioned:
    """The versions of one kind of row (`noun`), which `changed_by` can change besides
    a client's edit."""

    noun: str
    changed_by: str

    @property
    def if_match_doc(self) -> str:
        return (
            "The `ETag` of the version this change is based on, e.g. "
            f'`"2026-12-06T08:00:00.123456Z"` (the {self.noun}\'s `updated_at`, quoted): '
            f"if the {self.noun} has changed since, the answer is 412 and nothing changes"
        )

    @property
    def changed_since_answer(self) -> dict[int | str, dict[str, Any]]:
        """The 412 of the OpenAPI."""
        return {
            412: {
                "description": f"`If-Match` names an older version: the {self.noun} has "
                "changed since; nothing was changed"
            }
        }

    @property
    def versioned_answer(self) -> dict[str, Any]:
        """An answer that carries the version, in the OpenAPI."""
        return {"headers": {"ETag": {"description": f"The {self.noun}'s version, for `If-Match`"}}}

    def refusal(self, if_match: str, updated_at: datetime) -> str | None:
        """Why a change sent with `If-Match` is refused (412), or None when `If-Match`
        names the current version, `updated_at` (or is `*`)."""
        named = _versions(if_match)
        if named is None or updated_at in named:
            return None
        if named:
            return (
                f"The {self.noun} has changed since this version was read ({self.changed_by}): "
                "nothing was changed. Read it again and make the change on the current values."
            )
        return (
            f"If-Match names no version of a {self.noun}: send the {self.noun}'s ETag (from "
            'GET, quoted, e.g. "2026-12-06T08:00:00.123456Z") or *. Nothing was changed.'
        )


PRODUCT = Versioned("product", "another edit or an import")
WEBHOOK = Versioned("webhook", "another edit, a secret rotation or an automatic disable")
