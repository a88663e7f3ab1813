"""With the guard on, private targets are refused when saved and when sent, and the
address checked is the address connected to."""

import pytest

from product_importer.config import get_settings
from product_importer.webhooks import targets
from product_importer.webhooks.delivery import deliver_job
from product_importer.webhooks.transport import post_event
from tests.settings_helpers import settings_env
from tests.webhooks.helpers import attempts, create_webhook, job_of, make_job
from tests.webhooks.receiver import Receiver

API = "/api/v1/webhooks"
HTTP_TARGETS = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "0.0.0.0",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "[fd00::1]",
    "2130706433",
    "0x7f000001",
]
OTHER_SCHEMES = ["file:///etc/passwd", "gopher://127.0.0.1:70/_stats", "javascript:alert(1)"]


def _url(host: str, port: int) -> str:
    return f"http://{host}:{port}/hook"


@pytest.mark.parametrize("host", HTTP_TARGETS)
async def test_refused_when_saved(client, guard_on, receiver: Receiver, host: str):
    url = _url(host, receiver.port)
    created = await client.post(API, json={"url": url, "events": ["product.created"]})
    existing = await create_webhook_unguarded(client, "https://hooks.example.com/in")
    put = await client.put(f"{API}/{existing}", json={"url": url, "events": ["product.created"]})
    patch = await client.patch(f"{API}/{existing}", json={"url": url})

    for response in (created, put, patch):
        assert response.status_code == 422, response.text
        (error,) = response.json()["detail"]
        assert error["loc"] == ["body", "url"]
        assert error["msg"].startswith("URL refused")


@pytest.mark.parametrize("url", OTHER_SCHEMES)
async def test_other_schemes_refused_when_saved(client, guard_on, url: str):
    response = await client.post(API, json={"url": url, "events": ["product.created"]})

    assert response.status_code == 422
    message = response.json()["detail"][0]["msg"]
    assert "only http:// and https://" in message
    assert message.endswith(f"not {url.split(':')[0].lower()}:")


async def create_webhook_unguarded(client, url: str) -> int:
    response = await client.post(API, json={"url": url, "events": ["product.created"]})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.mark.parametrize("host", HTTP_TARGETS)
async def test_refused_when_sent(client, receiver: Receiver, host: str):
    url = _url(host, receiver.port)
    webhook = await create_webhook(client, url, ["product.created"])  # saved with the guard off
    job_id, token, _ = make_job(webhook["id"])

    with settings_env(WEBHOOK_ALLOW_PRIVATE_TARGETS="false"):
        tested = (await client.post(f"{API}/test", json={"url": url})).json()
        saved_test = (await client.post(f"{API}/{webhook['id']}/test")).json()
        deliver_job(job_id, token)

    for result in (tested, saved_test):
        assert result["ok"] is False and result["status_code"] is None
        assert result["error"].startswith("blocked target"), result["error"]
    delivery = next(a for a in attempts(webhook["id"]) if a.event_type == "product.created")
    assert (delivery.error or "").startswith("blocked target")
    assert delivery.next_retry_at is None  # retrying cannot make it allowed
    assert job_of(webhook["id"])[0].status == "failed"
    assert receiver.requests() == []


@pytest.mark.parametrize("url", OTHER_SCHEMES)
async def test_other_schemes_refused_when_sent(client, guard_on, url: str):
    result = post_event(url, "whsec_" + "A" * 44, "msg_1", b"{}", timeout=2, allow_private=False)
    tested = await client.post(f"{API}/test", json={"url": url})

    assert result.ok is False and result.refused
    assert (result.error or "").startswith("blocked target: only http:// and https://")
    assert tested.status_code == 422


async def test_dns_rebinding_is_refused_at_connect_time(
    client, guard_on, receiver: Receiver, monkeypatch
):
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    looked_up: list[str] = []

    def rebinding_resolver(host: str, port: int) -> list[str]:
        looked_up.append(host)
        return next(answers)

    monkeypatch.setattr(targets, "resolve", rebinding_resolver)
    url = _url("rebind.example.test", receiver.port)

    saved = await client.post(API, json={"url": url, "events": ["product.created"]})
    assert saved.status_code == 201, saved.text  # public when saved
    result = (await client.post(f"{API}/{saved.json()['id']}/test")).json()

    assert looked_up == ["rebind.example.test", "rebind.example.test"]
    assert result["ok"] is False and result["status_code"] is None
    assert result["error"] == (
        "blocked target: rebind.example.test resolves to a refused address: "
        "127.0.0.1 is a loopback address"
    )
    assert receiver.requests() == []


async def test_connection_goes_to_the_checked_address_with_the_original_host(
    client, receiver: Receiver, monkeypatch
):
    # The name exists only in our resolver: reaching the receiver proves the connection
    # used the address we resolved and checked, not a second lookup by the OS.
    monkeypatch.setattr(targets, "resolve", lambda host, port: ["127.0.0.1"])
    assert get_settings().webhook_allow_private_targets

    result = (
        await client.post(f"{API}/test", json={"url": _url("pinned.example.test", receiver.port)})
    ).json()

    assert result["ok"] is True, result
    (request,) = receiver.requests()
    assert request.headers["host"] == f"pinned.example.test:{receiver.port}"
