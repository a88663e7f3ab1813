"""The FastAPI application factory: API routers, operations, docs and the SPA."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Security
from fastapi.security import HTTPBearer
from fastapi_offline import FastAPIOffline
from starlette.middleware.gzip import GZipMiddleware

from product_importer import __version__
from product_importer.config import get_settings
from product_importer.core import operations
from product_importer.core.allowed_methods import AllowEveryMethod, HeadAsGet
from product_importer.core.error_responses import UnexpectedErrors, add_error_responses
from product_importer.core.metrics import HttpMetrics
from product_importer.core.openapi import TAGS, common_answers, extend_openapi
from product_importer.core.paths import API_PREFIX
from product_importer.core.redaction import redact_access_log
from product_importer.core.redoc import add_redoc
from product_importer.core.request_limits import BodyLimit, add_validation_errors
from product_importer.core.spa import mount_spa
from product_importer.db import dispose_engines
from product_importer.imports.router import compat_router as upload_compat_router
from product_importer.imports.router import router as imports_router
from product_importer.products.router import router as products_router
from product_importer.security import startup as security_startup
from product_importer.security.allowed_hosts import AllowedHosts
from product_importer.security.cross_site import CrossSiteGuard
from product_importer.security.download_tickets import TICKET_PARAM
from product_importer.security.guard import TOKEN_LIKE_PARAMS, AccessGuard
from product_importer.security.headers import SecurityHeaders, add_cors
from product_importer.security.router import downloads_router
from product_importer.security.router import router as audit_router
from product_importer.webhooks.event_docs import document_events
from product_importer.webhooks.router import router as webhooks_router

TITLE = "Product Importer"
# Answers from 1 KB up go gzip-compressed to a client that accepts it (event streams never
# are): level 6 gives nearly level 9's size for much less CPU. Pieces from 16 KB up (an
# export's, a long page) are compressed in a thread, off the event loop.
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 6
GZIP_THREAD_MIN_BYTES = 16 * 1024


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    await security_startup.report_access(app)
    yield
    await security_startup.close(app)
    await dispose_engines()


# Documents the token for Swagger's "Authorize" button; `AccessGuard` does the checking.
bearer = HTTPBearer(auto_error=False, description="An API token (see the README's Security)")


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, dependencies=[Security(bearer)])
    router.include_router(products_router)
    router.include_router(imports_router)
    router.include_router(upload_compat_router)
    router.include_router(webhooks_router)
    router.include_router(audit_router)
    router.include_router(downloads_router)
    return router


def create_app() -> FastAPI:
    """The application, configured by `get_settings()`, the one settings object that its
    routes, middleware and services all read."""
    app = FastAPIOffline(
        title=TITLE,
        redoc_url=None,  # see core/redoc.py
        version=__version__,
        description="Import, browse and manage huge product catalogs; webhooks for changes.",
        openapi_tags=TAGS,
        lifespan=lifespan,
        swagger_ui_parameters={"validatorUrl": None},
    )
    settings = get_settings()
    redact_access_log(TOKEN_LIKE_PARAMS | {TICKET_PARAM})
    # Innermost first: HEAD answered as GET, a 405's `Allow`, the body's size limit (once
    # the token has passed), tokens and rate limits, writes from other sites and host
    # names not served refused, the 500 of an unexpected error, then metrics (which
    # count 401s, 429s and 500s), CORS, the security headers on every response, and
    # compression.
    app.add_middleware(HeadAsGet)
    app.add_middleware(AllowEveryMethod)
    app.add_middleware(BodyLimit)
    app.add_middleware(AccessGuard)
    app.add_middleware(CrossSiteGuard)
    app.add_middleware(AllowedHosts)
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(HttpMetrics)
    add_cors(app, settings.cors_origins)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        GZipMiddleware,
        minimum_size=GZIP_MIN_BYTES,
        compresslevel=GZIP_LEVEL,
        thread_minimum_size=GZIP_THREAD_MIN_BYTES,
    )
    add_error_responses(app)
    add_validation_errors(app)
    app.include_router(api_router())
    app.include_router(operations.router)
    add_redoc(app, TITLE)
    extend_openapi(app, common_answers(API_PREFIX, settings.metrics_require_token), document_events)
    mount_spa(app, settings.frontend_dist)
    return app
