"""Shared FastAPI dependencies as `Annotated` aliases."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.config import Settings, get_settings
from product_importer.core.pagination import PageParams
from product_importer.db import get_session

# scope="function": the transaction commits before the response is sent, so a client
# that reads right after a write sees it, and a failed commit is an error response.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PageDep = Annotated[PageParams, Depends()]
