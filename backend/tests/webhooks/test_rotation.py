"""Rotating an endpoint's signing secret: events are signed with the old secret too
until it expires, so a receiver switches without missing one."""

import pytest
from sqlalchemy import text
from standardwebhooks.webhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from product_importer.db import sync_engine
from tests.webhooks.helpers import create_webhook, emit
from tests.webhooks.receiver import Receiver

API = "/api/v1/webhooks"


def _verifies(secret: str, request) -> bool:
    try:
        StandardWebhook(secret).verify(request.body, request.headers)
    except WebhookVerificationError:
        return False
    return True


async def test_after_a_rotation_events_verify_with_the_new_and_the_old_secret(
    client, worker, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    old = webhook["secret"]
    response = await client.post(f"{API}/{webhook['id']}/rotate-secret")
    assert response.status_code == 200, response.text
    rotated = response.json()
    new = rotated["secret"]
    assert new != old and new.startswith("whsec_")
    assert rotated["previous_secret_expires_at"] is not None
    assert (await client.get(f"{API}/{webhook['id']}")).json()["secret"] == new

    emit("product.created", {"id": 1, "sku": "R-1", "name": "Rotated"})
    (request,) = receiver.wait_for(1)
    assert len(request.headers["webhook-signature"].split()) == 2
    assert _verifies(new, request) and _verifies(old, request)
    tested = await client.post(f"{API}/{webhook['id']}/test")
    assert tested.json()["ok"] is True
    assert _verifies(old, receiver.wait_for(2)[1])


async def test_once_the_old_secret_expires_only_the_new_one_signs(
    client, worker, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    old = webhook["secret"]
    new = (await client.post(f"{API}/{webhook['id']}/rotate-secret")).json()["secret"]
    with sync_engine().begin() as conn:
        conn.execute(
            text("UPDATE webhooks SET previous_secret_expires_at = now() - interval '1 s'")
        )
    emit("product.created", {"id": 1, "sku": "R-1", "name": "Rotated"})
    (request,) = receiver.wait_for(1)
    assert _verifies(new, request) and not _verifies(old, request)


async def test_a_rotation_that_keeps_nothing_stops_the_old_secret_at_once(
    client, worker, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    response = await client.post(
        f"{API}/{webhook['id']}/rotate-secret", json={"keep_previous_seconds": 0}
    )
    assert response.json()["previous_secret_expires_at"] is None
    emit("product.created", {"id": 1, "sku": "R-1", "name": "Rotated"})
    (request,) = receiver.wait_for(1)
    assert not _verifies(webhook["secret"], request)
    assert _verifies(response.json()["secret"], request)


async def test_a_second_rotation_keeping_a_secret_waits_for_the_first_to_end(client):
    """A retried or doubled rotation must not end the secret the receiver still holds."""
    webhook = await create_webhook(client, "http://127.0.0.1:9/hook", ["product.created"])
    url = f"{API}/{webhook['id']}/rotate-secret"
    first = (await client.post(url)).json()["secret"]
    again = await client.post(url, json={"keep_previous_seconds": 60})
    assert again.status_code == 409 and "still signs" in again.json()["detail"]
    assert (await client.get(f"{API}/{webhook['id']}")).json()["secret"] == first
    with sync_engine().begin() as conn:
        conn.execute(
            text("UPDATE webhooks SET previous_secret_expires_at = now() - interval '1 s'")
        )
    assert (await client.post(url)).status_code == 200
    stop_all = await client.post(url, json={"keep_previous_seconds": 0})
    assert stop_all.status_code == 200
    assert stop_all.json()["previous_secret_expires_at"] is None


@pytest.mark.parametrize("keep", [-1, 7 * 24 * 3600 + 1, "a day", "60", True, 60.0])
async def test_a_rotation_keeps_the_old_secret_at_most_a_week(client, keep):
    webhook = await create_webhook(client, "http://127.0.0.1:9/hook", ["product.created"])
    response = await client.post(
        f"{API}/{webhook['id']}/rotate-secret", json={"keep_previous_seconds": keep}
    )
    assert response.status_code == 422
    assert (await client.get(f"{API}/{webhook['id']}")).json()["secret"] == webhook["secret"]


async def test_rotating_a_missing_webhook_is_404_and_the_audit_log_keeps_no_secret(client):
    assert (await client.post(f"{API}/999999/rotate-secret")).status_code == 404
    webhook = await create_webhook(client, "http://127.0.0.1:9/hook", ["product.created"])
    new = (await client.post(f"{API}/{webhook['id']}/rotate-secret")).json()["secret"]
    with sync_engine().connect() as conn:
        logged = conn.execute(
            text("SELECT detail::text FROM audit_log WHERE action = 'webhook.secret_rotated'")
        ).scalar_one()
    assert new not in logged and webhook["secret"] not in logged
