"""Operations endpoints at the root: health and metrics."""

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from product_importer.core.health import HealthRead, check_health
from product_importer.core.metrics import render_metrics

router = APIRouter(tags=["operations"])


@router.get(
    "/health",
    response_model=HealthRead,
    responses={503: {"model": HealthRead, "description": "The database or Redis is down"}},
)
async def health() -> JSONResponse:
    """Whether the database and Redis answer, and how many workers take each queue's
    tasks; 200 while the API can serve (`ok`, or `degraded` with a queue unattended)."""
    report = await check_health()
    return JSONResponse(report.model_dump(), status_code=503 if report.status == "down" else 200)


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def metrics() -> Response:
    """Prometheus metrics: HTTP requests and their durations, products, imports by
    status, webhook events and deliveries waiting."""
    return await render_metrics()
