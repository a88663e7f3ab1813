"""The FastAPI application factory: API routers, operations, docs and the SPA."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline

from product_importer import __version__
from product_importer.config import get_settings
from product_importer.core import operations
from product_importer.core.metrics import metrics_middleware
from product_importer.core.spa import mount_spa
from product_importer.db import dispose_engines
from product_importer.imports.router import compat_router as upload_compat_router
from product_importer.imports.router import router as imports_router
from product_importer.products.router import router as products_router
from product_importer.webhooks.router import router as webhooks_router

API_PREFIX = "/api/v1"


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield
    await dispose_engines()


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(products_router)
    router.include_router(imports_router)
    router.include_router(upload_compat_router)
    router.include_router(webhooks_router)
    return router


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPIOffline(
        title="Product Importer",
        version=__version__,
        description="Import, browse and manage huge product catalogs; webhooks for changes.",
        lifespan=lifespan,
    )
    app.middleware("http")(metrics_middleware)
    app.include_router(api_router())
    app.include_router(operations.router)
    mount_spa(app, settings.frontend_dist)
    return app
