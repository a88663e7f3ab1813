"""Shared FastAPI dependencies as `Annotated` aliases."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from product_importer.config import Settings, get_settings
from product_importer.core.pagination import PageParams
from product_importer.db import get_session

SessionDep = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PageDep = Annotated[PageParams, Depends()]
