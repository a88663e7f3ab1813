"""Shared FastAPI dependencies as `Annotated` aliases."""

from typing import Annotated, Any

from fastapi import Depends, Path
from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.config import Settings, get_settings
from product_importer.core.pagination import BIGINT_MAX, PageParams
from product_importer.db import get_session

# scope="function": the transaction commits before the response is sent, so a client
# that reads right after a write sees it, and a failed commit is an error response.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PageDep = Annotated[PageParams, Depends()]


def row_id(what: str) -> Any:
    """A path's id of a row (every id is a bigint): one out of range is a 422 like any
    invalid parameter, not a query that fails."""
    return Path(ge=1, le=BIGINT_MAX, description=f"{what} id")
