"""Page-number pagination shared by every list endpoint."""

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.core.query_values import BLANK_IS_DEFAULT

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

MAX_PAGE_SIZE = 200
BIGINT_MAX = 2**63 - 1
# The last page whose rows start within a table's reach (a bigint offset) at any size.
MAX_PAGE = BIGINT_MAX // MAX_PAGE_SIZE


class PageParams:
    def __init__(
        self,
        page: Annotated[
            int,
            Query(ge=1, le=MAX_PAGE, description="1-based page number"),
            BLANK_IS_DEFAULT,
        ] = 1,
        page_size: Annotated[
            int,
            Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page (1-200)"),
            BLANK_IS_DEFAULT,
        ] = 50,
    ) -> None:
        self.page = page
        self.page_size = page_size

    @property
    def offset(self) -> int:
        """Rows before the page (a page past the end is empty)."""
        return (self.page - 1) * self.page_size


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


async def read_page(
    session: AsyncSession,
    rows: Select[Any],
    count: Select[Any],
    page: PageParams,
    schema: type[M],
) -> Page[M]:
    """One page of `rows` (already limited to it) as `schema`, with the `count` of all."""
    items = [schema.model_validate(row) for row in (await session.execute(rows)).scalars()]
    total = int((await session.execute(count)).scalar_one())
    return Page(items=items, total=total, page=page.page, page_size=page.page_size)
