"""Say plainly at startup whether the API is open or closed, and which limits apply."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from product_importer.config import get_settings
from product_importer.security.guard import security_state
from product_importer.security.ratelimit import limits_on
from product_importer.security.tokens import TokensUnavailable

# uvicorn's own logger, so the line shows in the server log with its level.
log = logging.getLogger("uvicorn.error")


async def report_access(app: FastAPI) -> None:
    settings = get_settings()
    try:
        names = await security_state(app).tokens.names(settings)
    except TokensUnavailable as exc:
        log.warning("Could not read the API tokens table (%s); it is read again per request", exc)
        return
    if not names:
        log.warning(
            "No API token is configured: the API is OPEN to anyone who can reach it "
            "(set API_TOKENS or run `product-importer tokens create NAME`; see the README)."
        )
    else:
        log.info(
            "API tokens required on /api/v1 (%d configured: %s); metrics %s, docs %s.",
            len(names),
            ", ".join(names),
            "need a token" if settings.metrics_require_token else "open",
            "need a token" if settings.docs_require_token else "open",
        )
    if limits_on(settings, bool(names)):
        log.info(
            "Rate limits per %d s: %d requests, %d uploads, %d webhook tests, %d delete-all.",
            settings.rate_limit_window_seconds,
            settings.rate_limit_general,
            settings.rate_limit_uploads,
            settings.rate_limit_webhook_tests,
            settings.rate_limit_delete_all,
        )


async def close(app: FastAPI) -> None:
    state = security_state(app)
    await state.limiter.aclose()
    await state.tickets.aclose()
