"""Request and response bodies of the products API.

The field rules (`field_rules`) are the CSV's: `sku` trimmed, 1-64 characters; `name` trimmed,
1-255; `description` up to 10,000 characters, and an empty one is stored as null
(as the import stores it). Lengths count characters.
"""

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
)

from product_importer.core.pagination import Page
from product_importer.core.request_bodies import RequestBody
from product_importer.products.field_rules import DESCRIPTION_MAX, NAME_MAX, SKU_MAX, trimmed


def storable_text(value: str) -> str:
    """PostgreSQL text holds no NUL character and only valid UTF-8."""
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    return value


def _trimmed(value: object) -> object:
    return trimmed(value) if isinstance(value, str) else value


def _empty_is_null(value: str | None) -> str | None:
    return value or None


Sku = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=SKU_MAX)],
    BeforeValidator(_trimmed),
    AfterValidator(storable_text),
    Field(
        description="Unique, case-insensitively; surrounding whitespace is removed",
        examples=["ABC-12345-XY"],
    ),
]
Name = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)],
    BeforeValidator(_trimmed),
    AfterValidator(storable_text),
    Field(description="Surrounding whitespace is removed", examples=["Stainless Kettle"]),
]
Description = Annotated[
    Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX), AfterValidator(storable_text)]
    | None,
    AfterValidator(_empty_is_null),
    Field(description="Up to 10,000 characters; empty is stored as null"),
]


class ProductRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sku: str
    name: str
    description: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class ProductCreate(RequestBody):
    """Body of `POST /products`."""

    sku: Sku
    name: Name
    description: Description = None
    is_active: StrictBool = True


class ProductReplace(RequestBody):
    """Body of `PUT /products/{id}`: every field, so that none is reset by omission
    (`description` may be null). A product as read may be sent: its `id` and timestamps
    are ignored."""

    answered_as = ProductRead

    sku: Sku
    name: Name
    description: Description
    is_active: StrictBool


NOT_NULL_IN_PATCH = ("sku", "name", "is_active")


def _documented_not_null(schema: dict[str, Any]) -> None:
    """Fields that may be left out but not sent as null: documented without the null."""
    for field in NOT_NULL_IN_PATCH:
        prop = schema["properties"][field]
        prop.pop("default", None)
        (kept,) = [option for option in prop.pop("anyOf") if option.get("type") != "null"]
        prop.update(kept)


class ProductUpdate(RequestBody):
    """Body of `PATCH /products/{id}`: only the fields sent change. A product as read may
    be sent: its `id` and timestamps are ignored."""

    answered_as = ProductRead

    model_config = ConfigDict(json_schema_extra=_documented_not_null)

    sku: Sku | None = None
    name: Name | None = None
    description: Description = None
    is_active: StrictBool | None = None

    @field_validator(*NOT_NULL_IN_PATCH, mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null (leave the field out to keep its value)")
        return value


class ProductPage(Page[ProductRead]):
    """A page of products. `total` is exact unless `total_is_estimate` is true (a
    large filtered result, see the list endpoint); `next_cursor` continues after
    this page (keyset paging, fast at any depth)."""

    total: int = Field(
        description="How many products match the filters: exact unless `total_is_estimate`. "
        "To read every match, follow `next_cursor` until it is null: pages counted from "
        "an estimated total may stop short of the last match or run past it."
    )
    total_is_estimate: bool = False
    total_is_lower_bound: bool = Field(
        default=False,
        description="True when `total` is a lower bound, not an estimate: counting the "
        "matches stopped at its cap, so there are at least `total` of them (show "
        '"at least 10,001", not "about 10,001"). Only with `total_is_estimate`.',
    )
    next_cursor: str | None = None
    exact_match: ProductRead | None = Field(
        default=None,
        description="With `q` (else `sku`): the product whose SKU is that term exactly "
        "(ignoring letter case), if it matches every filter, on every page. Sorted among "
        "`items` it may sit on any page: show it first.",
    )


class ProductsDeleted(BaseModel):
    deleted: int
