import asyncio
import re
import socket
import threading
import time

from product_importer.core import health, metrics
from product_importer.embedded import free_port
from tests.conftest import start_worker, stop_process
from tests.imports.helpers import csv_bytes, stored_import
from tests.settings_helpers import settings_env


async def test_health_reports_database_redis_and_workers(client, worker):
    body = await _health_until(client, "ok")  # the process's first census may be under way
    assert body["database"] == "ok"
    assert body["redis"] == "ok"
    assert body["workers"] >= 1
    assert body["queues"]["imports"] >= 1 and body["queues"]["webhooks"] >= 1
    assert body["status"] == "ok"


async def test_health_is_degraded_while_a_queue_has_no_worker(client, worker):
    """Workers of one queue alone do not make the API healthy: the other queue's tasks
    would wait for ever."""
    imports_worker = worker[0]
    stop_process(imports_worker)
    try:
        body = await _health_until(client, "degraded")  # the census before may still show it
        assert body["workers"] >= 1
        assert body["queues"] == {"imports": 0, "webhooks": body["workers"]}
    finally:
        worker[0] = start_worker("imports", "prefork", 2)  # the fixture stops this one
        for _ in range(300):  # the next tests need it back
            if (await client.get("/health")).json()["status"] == "ok":
                break
            await asyncio.sleep(0.2)


async def test_health_without_redis_is_down_and_does_not_ask_the_workers(client, worker, caplog):
    """The open endpoint gives a fixed reason; what failed, and where, is in the server log."""
    port = free_port()
    with settings_env(REDIS_URL=f"redis://127.0.0.1:{port}/0"):
        response = await client.get("/health")
    body = response.json()
    assert response.status_code == 503
    assert body["redis"] == "error: unavailable"
    assert str(port) not in response.text
    assert f"127.0.0.1:{port}" in caplog.text
    assert body["database"] == "ok"
    assert body["workers"] == 0 and body["status"] == "down"


async def _health_until(client, status: str, within: float = 120.0) -> dict:
    deadline = time.monotonic() + within
    while True:
        body = (await client.get("/health")).json()
        if body["status"] == status:
            return dict(body)
        assert time.monotonic() < deadline, f"/health never said {status!r}: {body}"
        await asyncio.sleep(0.2)


async def test_health_answers_with_the_last_census_while_the_workers_are_asked(
    client, worker, monkeypatch
):
    """Asking the workers waits out the inspect's whole timeout: a probe must not wait for
    it while an earlier request's census is recent."""
    monkeypatch.setattr(health, "census", health.WorkerCensus())  # none taken or under way
    taken = await _health_until(client, "ok")
    release = threading.Event()
    ask = health._ask_workers
    monkeypatch.setattr(health, "_ask_workers", lambda: release.wait(60) and ask())
    try:
        for _ in range(2):  # the first has the next census taken, the second finds it under way
            assert (await client.get("/health")).json() == taken
    finally:
        release.set()


async def test_health_waits_for_the_workers_when_the_last_census_is_old(
    client, worker, monkeypatch
):
    monkeypatch.setattr(health, "census", health.WorkerCensus())
    await _health_until(client, "ok")
    release = threading.Event()
    ask = health._ask_workers
    monkeypatch.setattr(health, "_ask_workers", lambda: release.wait(60) and ask())
    monkeypatch.setattr(health, "CENSUS_MAX_AGE_SECONDS", 0.0)
    try:
        body = (await client.get("/health")).json()  # no answer within the checks' limit
        assert body["workers"] == 0 and body["status"] == "degraded"
    finally:
        release.set()


async def test_a_census_stuck_on_a_lost_broker_does_not_hold_up_the_next(
    client, worker, monkeypatch
):
    """Asking through a broker that stopped answering can hang for minutes: once the
    census in flight is overdue, a request has a new one taken instead of joining it."""
    monkeypatch.setattr(health, "census", health.WorkerCensus())
    release, stuck = threading.Event(), threading.Event()
    ask = health._ask_workers

    def ask_stuck() -> dict[str, list[str]]:
        stuck.set()
        release.wait(60)
        return ask()

    monkeypatch.setattr(health, "_ask_workers", ask_stuck)
    try:
        assert (await client.get("/health")).json()["workers"] == 0
        assert stuck.wait(60)
        monkeypatch.setattr(health, "_ask_workers", ask)
        overdue = health.CENSUS_OVERDUE_SECONDS
        monkeypatch.setattr(health, "CENSUS_OVERDUE_SECONDS", 0.0)
        await client.get("/health")  # has a new census taken (its answer may come too late)
        # Later requests wait for that one (asking takes a while on a busy machine), not
        # for the stuck one, which never ends.
        monkeypatch.setattr(health, "CENSUS_OVERDUE_SECONDS", overdue)
        await _health_until(client, "ok")
    finally:
        release.set()


async def test_metrics_are_prometheus_text(client):
    await client.get("/health")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    # Samples, not just the HELP lines that name every metric even before it has any.
    assert re.search(
        r'^http_requests_total\{method="GET",route="/health",status="200"\} \d', response.text, re.M
    )
    assert re.search(r"^products_rows_estimate \d", response.text, re.M)


async def test_the_imports_gauge_falls_back_to_zero(client):
    import_id = stored_import(csv_bytes("sku,name", "G-1,Gauge"))
    await client.get("/metrics")
    assert metrics.registry.get_sample_value("imports", {"status": "queued"}) == 1
    await client.post(f"/api/v1/imports/{import_id}/cancel")
    await client.get("/metrics")
    assert metrics.registry.get_sample_value("imports", {"status": "queued"}) == 0
    assert metrics.registry.get_sample_value("imports", {"status": "cancelled"}) == 1


async def test_metrics_label_requests_by_route_template_not_by_path(client):
    labels = {"method": "GET", "route": "/api/v1/products/{product_id}", "status": "404"}
    before = metrics.registry.get_sample_value("http_requests_total", labels) or 0
    for product_id in (900_000_001, 900_000_002):
        assert (await client.get(f"/api/v1/products/{product_id}")).status_code == 404
    assert metrics.registry.get_sample_value("http_requests_total", labels) == before + 2
    text = (await client.get("/metrics")).text
    assert "900000001" not in text
    deliveries = {**labels, "route": "/api/v1/webhooks/{webhook_id}/deliveries"}
    before = metrics.registry.get_sample_value("http_requests_total", deliveries) or 0
    await client.get("/api/v1/webhooks/900000001/deliveries")
    assert metrics.registry.get_sample_value("http_requests_total", deliveries) == before + 1
    assert "900000001" not in (await client.get("/metrics")).text


async def test_metrics_label_a_request_refused_for_its_token_by_its_route(client):
    """The token check answers before routing: its 401s are still counted by route."""
    labels = {"method": "GET", "route": "/api/v1/products/{product_id}", "status": "401"}
    before = metrics.registry.get_sample_value("http_requests_total", labels) or 0
    with settings_env(API_TOKENS="reader:pi_reader-0123456789abcdefghijklmnop"):
        response = await client.get("/api/v1/products/900000001")
    assert response.status_code == 401
    assert metrics.registry.get_sample_value("http_requests_total", labels) == before + 1


async def test_metrics_label_a_made_up_method_as_other(client):
    """The method is the client's to choose: one label value per invented method would
    grow the metrics without bound, even from requests that get a 401."""
    for method in ("BREW1", "BREW2"):
        await client.request(method, "/api/v1/products")
    text = (await client.get("/metrics")).text
    assert "BREW" not in text
    assert 'method="other"' in text


async def test_docs_are_served_without_a_cdn(client):
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "/static-offline-docs/swagger-ui-bundle.js" in page.text
    asset = await client.get("/static-offline-docs/swagger-ui-bundle.js")
    assert asset.status_code == 200
    redoc = await client.get("/redoc")
    assert redoc.status_code == 200 and "cdn" not in redoc.text.lower()
    assert '<script src="/redoc/redoc.standalone.js">' in redoc.text
    assert "https://" not in redoc.text  # no web fonts either
    bundle = await client.get("/redoc/redoc.standalone.js")
    assert bundle.status_code == 200 and bundle.headers["content-type"].startswith(
        "text/javascript"
    )
    assert "cdn.redoc.ly" not in bundle.text and "https://cdn" not in bundle.text


async def test_openapi_schema_lists_the_api(client):
    schema = (await client.get("/openapi.json")).json()
    assert schema["info"]["title"] == "Product Importer"


async def test_spa_fallback_serves_client_routes_but_not_unknown_api_paths(client):
    page = await client.get("/products")
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    for path in ("/api/v1/nope", "/api", "/api/"):
        missing = await client.get(path)
        assert missing.status_code == 404, path
        assert missing.json() == {"detail": "Not Found"}
    # Other methods too: not a 405 that would point at the UI's GET route.
    for method, path in (("POST", "/api/v1/import"), ("DELETE", "/api/v1/product/5")):
        missing = await client.request(method, path)
        assert missing.status_code == 404, path
        assert missing.json() == {"detail": "Not Found"}
    # A method an API path does not take is still a 405.
    assert (await client.delete("/api/v1/imports")).status_code == 405


def test_a_broker_that_accepts_and_never_answers_does_not_hold_the_census(monkeypatch):
    """A stopped Redis behind a proxy, say: asking the workers must end (no workers),
    not leave the asking thread waiting for good."""
    from celery import Celery

    with socket.create_server(("127.0.0.1", 0)) as silent:
        broker = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        monkeypatch.setattr(health, "celery_app", Celery("silent", broker=broker))
        answers: list[dict[str, list[str]]] = []
        asking = threading.Thread(target=lambda: answers.append(health._ask_workers()))
        asking.start()
        asking.join(120)  # a hang, not a speed: it ends within seconds or never
        assert answers == [{}]
