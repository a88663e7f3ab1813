"""Prometheus metrics: HTTP traffic from a middleware, catalog and job gauges at scrape."""

import time

from fastapi.routing import iter_route_contexts
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import text
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Message, Receive, Scope, Send

from product_importer.core.http_middleware import HttpMiddleware
from product_importer.db import async_engine
from product_importer.imports.schemas import ACTIVE_STATUSES, FINAL_STATUSES

ESTIMATE_PRODUCTS = text(
    "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'products'::regclass"
)

registry = CollectorRegistry()
http_requests = Counter(
    "http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
)
http_latency = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    registry=registry,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
products_estimate = Gauge(
    "products_rows_estimate", "Products (planner estimate)", registry=registry
)
IMPORTS_BY_STATUS = text("SELECT status, count(*) FROM imports GROUP BY status")
imports_by_status = Gauge("imports", "Imports by status", ["status"], registry=registry)
outbox_pending = Gauge(
    "webhook_events_pending", "Outbox events not yet dispatched", registry=registry
)
deliveries_pending = Gauge(
    "webhook_deliveries_pending",
    "Webhook deliveries waiting to be sent or retried",
    registry=registry,
)


def _template_of_unrouted(scope: Scope) -> str:
    """The template of the route the request would have reached: the access guard and the
    body limit answer (401, 429, 413) before routing. Full matches first, as the router."""
    partial = None
    for route in iter_route_contexts(scope["app"].routes):
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(route.path_format)
        if match is Match.PARTIAL and partial is None:
            partial = str(route.path_format)
    return partial or "unmatched"


def _route_template(scope: Scope) -> str:
    """The matched route's template (`/api/v1/products/{product_id}`), never the path
    itself: one label value per id would grow the metrics without bound. A route of an
    included router knows its template without the outer prefixes, which are what the
    request's path has before the route's own part."""
    route = scope.get("route")
    template = getattr(route, "path_format", None)
    if not template:
        return _template_of_unrouted(scope)
    params = {name: str(value) for name, value in scope.get("path_params", {}).items()}
    try:
        own_part = template.format_map(params)
    except (KeyError, ValueError):  # a mount keeps its `{path}` out of path_params
        return str(template)
    path = scope["path"]
    return path.removesuffix(own_part) + template if path.endswith(own_part) else template


# The methods labelled as themselves; any other (a client may send any word) is "other".
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class HttpMetrics(HttpMiddleware):
    """Counts each answer by method, route and status, and its latency until the answer
    starts. (As Starlette's `BaseHTTPMiddleware`, it ended a failed export as a complete
    short CSV: see `HttpMiddleware`.)"""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                method = scope["method"] if scope["method"] in KNOWN_METHODS else "other"
                route = _route_template(scope)
                http_requests.labels(method, route, str(message["status"])).inc()
                http_latency.labels(method, route).observe(time.perf_counter() - started)
            await send(message)

        await self.app(scope, receive, counting_send)


async def _refresh_gauges() -> None:
    async with async_engine().connect() as conn:
        estimate = await conn.scalar(ESTIMATE_PRODUCTS)
        products_estimate.set(estimate or 0)
        counts = {status: count for status, count in await conn.execute(IMPORTS_BY_STATUS)}
        for status in (*ACTIVE_STATUSES, *FINAL_STATUSES):  # a status nobody has is 0
            imports_by_status.labels(status).set(counts.get(status, 0))
        outbox_pending.set(
            await conn.scalar(
                text("SELECT count(*) FROM webhook_events WHERE dispatched_at IS NULL")
            )
            or 0
        )
        deliveries_pending.set(
            await conn.scalar(text("SELECT count(*) FROM webhook_jobs WHERE status = 'pending'"))
            or 0
        )


async def render_metrics() -> Response:
    await _refresh_gauges()
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
