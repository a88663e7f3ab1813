"""Products' FastAPI dependencies: the list's query parameters and the product of
the path, loaded or 404."""

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, status
from pydantic import AfterValidator, BeforeValidator

from product_importer.core.deps import SessionDep, row_id
from product_importer.core.error_responses import conflict_for_now
from product_importer.core.query_values import BLANK_IS_DEFAULT
from product_importer.core.versions import PRODUCT
from product_importer.products import service
from product_importer.products.errors import CatalogBusy
from product_importer.products.field_rules import trimmed
from product_importer.products.filters import ProductFilters, ProductSort
from product_importer.products.schemas import ProductRead, storable_text

MAX_TERM = 255
MAX_DESCRIPTION_TERM = 1_000


def _strip(value: str | None) -> str | None:
    """Surrounding whitespace is ignored (stored SKUs and names have none); empty
    means no filter."""
    return storable_text(trimmed(value)) or None if value is not None else None


AnyTerm = Annotated[
    str | None,
    Query(max_length=MAX_TERM, description="Substring of the SKU or of the name"),
    AfterValidator(_strip),
]
SkuTerm = Annotated[
    str | None,
    Query(max_length=MAX_TERM, description="Substring of the SKU"),
    AfterValidator(_strip),
]
NameTerm = Annotated[
    str | None,
    Query(max_length=MAX_TERM, description="Substring of the name"),
    AfterValidator(_strip),
]
DescriptionTerm = Annotated[
    str | None,
    Query(max_length=MAX_DESCRIPTION_TERM, description="Substring of the description"),
    AfterValidator(_strip),
]


def _true_or_false(value: object) -> object:
    """`true` or `false` (any case) only: `yes`, `1` or `on` would pass as booleans."""
    if isinstance(value, str) and value.lower() not in ("true", "false"):
        raise ValueError("must be true or false")
    return value


ActiveFilter = Annotated[
    bool | None,
    Query(description="Only active (true) or inactive (false) products"),
    BeforeValidator(_true_or_false),
    BLANK_IS_DEFAULT,
]
SortOrder = Annotated[ProductSort, Query(description="Order; `-` for descending"), BLANK_IS_DEFAULT]


class ProductQueryParams:
    """What the list and the export share: the filters and the order."""

    def __init__(
        self,
        q: AnyTerm = None,
        sku: SkuTerm = None,
        name: NameTerm = None,
        description: DescriptionTerm = None,
        is_active: ActiveFilter = None,
        sort: SortOrder = ProductSort.ID,
    ) -> None:
        self.filters = ProductFilters(
            q=q, sku=sku, name=name, description=description, is_active=is_active
        )
        self.sort = sort


ProductQueryDep = Annotated[ProductQueryParams, Depends()]


def _cursor(
    cursor: Annotated[
        str | None,
        Query(
            max_length=4_096,
            description=(
                "`next_cursor` of the previous page: continue after it (fast at any "
                "depth; `page` is then ignored)"
            ),
        ),
    ] = None,
) -> str | None:
    return cursor


class ProductListParams:
    """The list's: the filters, the order, and where a page starts."""

    def __init__(
        self, query: ProductQueryDep, cursor: Annotated[str | None, Depends(_cursor)]
    ) -> None:
        self.filters = query.filters
        self.sort = query.sort
        self.cursor = cursor


ProductListDep = Annotated[ProductListParams, Depends()]
ProductId = Annotated[int, row_id("Product")]


async def _product(product_id: ProductId, session: SessionDep) -> ProductRead:
    product = await service.get_product(session, product_id)
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"product {product_id} not found")
    return product


async def _product_for_update(product_id: ProductId, session: SessionDep) -> ProductRead:
    """Locked until the request's transaction ends, so a change is decided on the
    values it replaces."""
    try:
        product = await service.lock_product_for_change(session, product_id)
    except CatalogBusy as exc:
        raise conflict_for_now(str(exc), exc.retry_after) from None
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"product {product_id} not found")
    return product


ProductForUpdateDep = Annotated[ProductRead, Depends(_product_for_update)]


async def _product_at_version(
    product: ProductForUpdateDep,
    if_match: Annotated[str | None, Header(description=PRODUCT.if_match_doc)] = None,
) -> ProductRead:
    """The locked product, if the change's `If-Match` (when sent) names its version."""
    refused = None if if_match is None else PRODUCT.refusal(if_match, product.updated_at)
    if refused:
        raise HTTPException(status.HTTP_412_PRECONDITION_FAILED, refused)
    return product


ProductDep = Annotated[ProductRead, Depends(_product)]
ProductAtVersionDep = Annotated[ProductRead, Depends(_product_at_version)]
