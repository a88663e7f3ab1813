"""HTTP endpoints for products: each parses, calls one service function, answers.

Fixed paths (`/all`, `/export.csv`) are declared before `/{product_id}`, whose segment
is never one of theirs (`ProductIdSegment`).
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import StreamingResponse
from starlette.convertors import Convertor, register_url_convertor

from product_importer.core.deps import PageDep, SessionDep
from product_importer.core.error_responses import conflict_for_now, invalid_field, try_again_later
from product_importer.core.openapi import BUSY_DOWNLOAD, LOCATION, RETRY_AFTER
from product_importer.core.paths import resource_path
from product_importer.core.spooled_download import DownloadResponse, DownloadsBusy
from product_importer.core.versions import PRODUCT, versioned
from product_importer.products import field_rules, list_service, service
from product_importer.products.deps import (
    ProductAtVersionDep,
    ProductDep,
    ProductListDep,
    ProductQueryDep,
)
from product_importer.products.errors import CatalogBusy, InvalidCursor, SkuTaken
from product_importer.products.export import export_csv, export_filename
from product_importer.products.schemas import (
    ProductCreate,
    ProductPage,
    ProductRead,
    ProductReplace,
    ProductsDeleted,
    ProductUpdate,
)

router = APIRouter(prefix="/products", tags=["products"])


WIPE_PATH, EXPORT_PATH = "/all", "/export.csv"


class ProductIdSegment(Convertor[str]):
    """A product's path segment: any but a fixed path's. A method that a fixed path does
    not take is then a 405 naming those it does (`GET /products/all` was a 422 for the
    id "all"); a segment that is no id stays a 422 saying so."""

    fixed = "|".join(re.escape(path.lstrip("/")) for path in (WIPE_PATH, EXPORT_PATH))
    regex = rf"(?!(?:{fixed})$)[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("product_id", ProductIdSegment())
PRODUCT_PATH = "/{product_id:product_id}"

CONFLICT: dict[int | str, dict[str, Any]] = {
    status.HTTP_409_CONFLICT: {
        "description": "The SKU exists (in any letter case), or a running import held the "
        f"product or the table for over {service.EDIT_WAIT_SECONDS:g} s (then `Retry-After` "
        "says when to retry); "
        "nothing was changed",
        "headers": RETRY_AFTER
        | {
            "Location": {
                "description": "With a SKU that exists: the path of the product that has it",
                "schema": {"type": "string"},
            }
        },
    }
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    status.HTTP_404_NOT_FOUND: {"description": "No product with this id"}
}
CHANGED_SINCE = PRODUCT.changed_since_answer
VERSIONED = PRODUCT.versioned_answer


@contextmanager
def _http_errors(request: Request | None = None) -> Iterator[None]:
    """Domain errors as HTTP answers; a SKU clash of a `request` points at the product
    that has the SKU (`Location`)."""
    try:
        yield
    except SkuTaken as exc:
        headers = (
            {"Location": resource_path(request.scope, "products", exc.product_id)}
            if request is not None and exc.product_id is not None
            else None
        )
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc), headers=headers) from None
    except CatalogBusy as exc:
        raise conflict_for_now(str(exc), exc.retry_after) from None
    except InvalidCursor as exc:
        raise invalid_field(("query", "cursor"), str(exc)) from None
    except DownloadsBusy as exc:
        raise try_again_later(str(exc)) from None


@router.get("", response_model=ProductPage)
async def list_products(params: ProductListDep, page: PageDep, session: SessionDep) -> ProductPage:
    """Products matching every filter given (case-insensitive substrings; `%`, `_`
    and `\\` match themselves), in `sort` order.

    `total` is exact for unfiltered and `is_active` lists and for small results;
    for a large substring-filtered result it is an estimate (from a fixed sample of
    the table, else PostgreSQL's) and `total_is_estimate` is true, or, when counting
    the matches stopped at its cap and the sample does not say more, a lower bound
    (`total_is_lower_bound` too). `exact_match` names the product whose SKU is the
    search term. `next_cursor` continues after this page.
    """
    with _http_errors():
        return await list_service.list_products(
            session, params.filters, params.sort, page, params.cursor
        )


@router.post(
    "",
    response_model=ProductRead,
    status_code=status.HTTP_201_CREATED,
    responses=CONFLICT | {201: {"headers": VERSIONED["headers"] | LOCATION}},
    description=f"The rules of an import's rows: {field_rules.IN_WORDS}. `is_active` is true "
    "unless sent. 409 if a product has the SKU in any letter case.",
)
async def create_product(
    data: ProductCreate, session: SessionDep, request: Request, response: Response
) -> ProductRead:
    with _http_errors(request):
        product = await service.create_product(session, data)
    response.headers["Location"] = resource_path(request.scope, "products", product.id)
    return versioned(product, response)


@router.delete(
    WIPE_PATH,
    response_model=ProductsDeleted,
    responses={
        status.HTTP_409_CONFLICT: {
            "description": "An import is queued or running, or the table stayed in use; "
            "`Retry-After` says when to retry",
            "headers": RETRY_AFTER,
        }
    },
)
async def delete_all_products(session: SessionDep) -> ProductsDeleted:
    """Remove every product at once (TRUNCATE); returns how many there were."""
    with _http_errors():
        return ProductsDeleted(deleted=await service.delete_all_products(session))


@router.get(
    EXPORT_PATH,
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV"},
        503: BUSY_DOWNLOAD,
    },
)
async def export_products(params: ProductQueryDep) -> DownloadResponse:
    """Every product matching the list's filters, in `sort` order, as CSV. Cells that
    a spreadsheet would run as a formula are prefixed with `'`. The rows pass through
    a temporary file and are sent as they are written: a slow or paused download
    holds no database connection. An export that fails midway breaks the download
    off (no complete answer), so a file that arrived whole is the whole export. The
    file is named after the time it was asked for: `products-20261207-000343.csv`."""
    with _http_errors():
        rows = export_csv(params.filters, params.sort)
    filename = export_filename(datetime.now(UTC))
    return DownloadResponse(
        rows,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(PRODUCT_PATH, response_model=ProductRead, responses=NOT_FOUND | {200: VERSIONED})
async def get_product(product: ProductDep, response: Response) -> ProductRead:
    """The product; its `ETag` is the version a change may name in `If-Match`."""
    return versioned(product, response)


@router.put(
    PRODUCT_PATH,
    response_model=ProductRead,
    responses=NOT_FOUND | CONFLICT | CHANGED_SINCE | {200: VERSIONED},
)
async def replace_product(
    data: ProductReplace,
    product: ProductAtVersionDep,
    session: SessionDep,
    request: Request,
    response: Response,
) -> ProductRead:
    """Set every field; all four are required (`description` may be null). With
    `If-Match`, only if the product is still at that version."""
    with _http_errors(request):
        changed = await service.update_product(session, product, data.model_dump())
    return versioned(changed, response)


@router.patch(
    PRODUCT_PATH,
    response_model=ProductRead,
    responses=NOT_FOUND | CONFLICT | CHANGED_SINCE | {200: VERSIONED},
)
async def update_product(
    data: ProductUpdate,
    product: ProductAtVersionDep,
    session: SessionDep,
    request: Request,
    response: Response,
) -> ProductRead:
    """Change the fields sent. `updated_at` moves only when a value changes. With
    `If-Match`, only if the product is still at that version."""
    with _http_errors(request):
        changed = await service.update_product(
            session, product, data.model_dump(exclude_unset=True)
        )
    return versioned(changed, response)


@router.delete(
    PRODUCT_PATH,
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND
    | CHANGED_SINCE
    | {
        409: {
            "description": "A running import changed it, or held it for over "
            f"{service.EDIT_WAIT_SECONDS:g} s; "
            "`Retry-After` says when to retry",
            "headers": RETRY_AFTER,
        }
    },
)
async def delete_product(product: ProductAtVersionDep, session: SessionDep) -> Response:
    """Delete the product. With `If-Match`, only if it is still at that version."""
    with _http_errors():
        await service.delete_product(session, product)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
