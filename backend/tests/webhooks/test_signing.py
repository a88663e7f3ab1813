"""Signatures are Standard Webhooks: the published vector, and real deliveries
verified by the `standardwebhooks` library."""

import base64
import json
import re

from standardwebhooks.webhooks import Webhook as StandardWebhook

from product_importer.webhooks.signing import new_secret, signature_headers
from tests.webhooks.helpers import create_webhook, emit
from tests.webhooks.receiver import Receiver


def test_signature_matches_the_standard_webhooks_test_vector() -> None:
    headers = signature_headers(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        b'{"test": 2432232314}',
        timestamp=1614265330,
    )
    assert headers == {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }


def test_secrets_carry_at_least_24_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert new_secret() != secret


async def test_delivered_event_verifies_with_the_library(client, worker, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    event_id = emit("product.created", {"id": 7, "sku": "ABC-1", "name": "Kettle"})

    (request,) = receiver.wait_for(1)

    payload = StandardWebhook(webhook["secret"]).verify(request.body, request.headers)
    assert payload["id"] == event_id == request.headers["webhook-id"]
    assert payload["type"] == "product.created"
    assert payload["data"] == {"id": 7, "sku": "ABC-1", "name": "Kettle"}
    # RFC 3339 in UTC as every timestamp the API writes in JSON (`Z`, not `+00:00`).
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", payload["created_at"])
    assert list(json.loads(request.body)) == ["id", "type", "created_at", "data"]
    assert request.headers["content-type"] == "application/json"


async def test_test_send_is_signed_with_the_endpoint_secret(client, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url())

    result = (await client.post(f"/api/v1/webhooks/{webhook['id']}/test")).json()

    assert result["ok"] is True and result["status_code"] == 200
    (request,) = receiver.requests()
    payload = StandardWebhook(webhook["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "webhook.test"
