"""Products' FastAPI dependencies: the list's query parameters and the product of
the path, loaded or 404."""

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, status
from pydantic import AfterValidator

from product_importer.core.deps import SessionDep
from product_importer.products import service
from product_importer.products.filters import ProductFilters, ProductSort
from product_importer.products.schemas import ProductRead, storable_text

MAX_ID = 2**63 - 1
MAX_TERM = 255
MAX_DESCRIPTION_TERM = 1_000


def _term(value: str | None) -> str | None:
    """Surrounding whitespace is ignored (stored SKUs and names have none); empty
    means no filter."""
    return storable_text(value.strip()) or None if value is not None else None


Term = Annotated[str | None, AfterValidator(_term)]


class ProductListParams:
    def __init__(
        self,
        q: Term = Query(None, max_length=MAX_TERM, description="Substring of the SKU or the name"),
        sku: Term = Query(None, max_length=MAX_TERM, description="Substring of the SKU"),
        name: Term = Query(None, max_length=MAX_TERM, description="Substring of the name"),
        description: Term = Query(
            None, max_length=MAX_DESCRIPTION_TERM, description="Substring of the description"
        ),
        is_active: bool | None = Query(None, description="Only active (true) or inactive"),
        sort: ProductSort = Query(ProductSort.ID, description="Order; `-` for descending"),
        cursor: str | None = Query(
            None,
            max_length=4_096,
            description=(
                "`next_cursor` of the previous page: continue after it (fast at any depth; "
                "`page` is then ignored)"
            ),
        ),
    ) -> None:
        self.filters = ProductFilters(
            q=q, sku=sku, name=name, description=description, is_active=is_active
        )
        self.sort = sort
        self.cursor = cursor


ProductListDep = Annotated[ProductListParams, Depends()]
ProductId = Annotated[int, Path(ge=1, le=MAX_ID, description="Product id")]


async def _product(product_id: ProductId, session: SessionDep) -> ProductRead:
    product = await service.get_product(session, product_id)
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"product {product_id} not found")
    return product


async def _product_for_update(product_id: ProductId, session: SessionDep) -> ProductRead:
    """Locked until the request's transaction ends, so a change is decided on the
    values it replaces."""
    product = await service.get_product(session, product_id, for_update=True)
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"product {product_id} not found")
    return product


ProductDep = Annotated[ProductRead, Depends(_product)]
ProductForUpdateDep = Annotated[ProductRead, Depends(_product_for_update)]
