"""Host names the API does not answer to are refused: on loopback, a page whose own
name was made to resolve to 127.0.0.1 (DNS rebinding) would otherwise be the API's
origin to the browser, free to read and change everything."""

from __future__ import annotations

import pytest

from product_importer import startup
from product_importer.config import Settings, reload_settings
from product_importer.security.allowed_hosts import LOOPBACK_NAMES, host_name


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:8000", "localhost"),
        ("LocalHost", "localhost"),
        ("127.0.0.1:8000", "127.0.0.1"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("rebound.example:8000", "rebound.example"),
    ],
)
def test_the_name_of_a_host_header_is_read_without_its_port(header, name):
    assert host_name(header) == name


async def test_a_host_name_not_listed_is_refused(make_client):
    http = await make_client(allowed_hosts=",".join(LOOPBACK_NAMES))
    refused = await http.get("/api/v1/products", headers={"Host": "rebound.example:8000"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "This server does not answer to the host name 'rebound.example': ALLOWED_HOSTS "
        "lists the names it does."
    )
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
        response = await http.get("/api/v1/products", headers={"Host": host})
        assert response.status_code == 200, (host, response.text)


async def test_loopback_names_are_answered_beside_those_listed(make_client):
    """A health check on the host asks for 127.0.0.1: a site's name alone in
    ALLOWED_HOSTS would have made the container unhealthy."""
    http = await make_client(allowed_hosts="catalog.example.com")
    for host, status in (("catalog.example.com", 200), ("127.0.0.1:8000", 200), ("x.test", 400)):
        assert (await http.get("/health", headers={"Host": host})).status_code == status, host


async def test_without_allowed_hosts_any_name_is_answered(client):
    response = await client.get("/api/v1/products", headers={"Host": "rebound.example"})
    assert response.status_code == 200


@pytest.fixture
def no_allowed_hosts(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "")  # none given; the test's own taken back after
    yield
    monkeypatch.undo()
    reload_settings()


@pytest.mark.parametrize(
    ("host", "given", "allowed"),
    [
        ("127.0.0.1", [], list(LOOPBACK_NAMES)),
        ("localhost", [], list(LOOPBACK_NAMES)),
        ("::1", [], list(LOOPBACK_NAMES)),
        ("0.0.0.0", [], []),  # other machines reach it by names of their own
        ("127.0.0.1", ["catalog.internal"], ["catalog.internal"]),
    ],
)
def test_serve_on_loopback_answers_to_loopback_names_unless_told(
    no_allowed_hosts, host, given, allowed
):
    settings = startup.answer_to_loopback_names_only(Settings(allowed_hosts=given), host)
    assert settings.allowed_hosts == allowed
