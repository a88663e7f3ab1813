"""Webhook endpoints: create, read, replace, patch, delete, and what is refused."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from product_importer.db import async_engine, sync_engine
from product_importer.webhooks.delivery import deliver_job
from tests.settings_helpers import settings_env
from tests.webhooks.helpers import create_webhook, make_job
from tests.webhooks.receiver import Receiver, Reply

API = "/api/v1/webhooks"


async def test_create_returns_the_webhook_with_its_secret(client):
    response = await client.post(
        API,
        json={
            "url": "https://hooks.example.com/in",
            "events": ["import.completed", "product.created", "import.completed"],
            "description": "catalog sync",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"{API}/{body['id']}"
    assert body["url"] == "https://hooks.example.com/in"
    assert body["events"] == ["import.completed", "product.created"]
    assert body["enabled"] is True
    assert body["description"] == "catalog sync"
    assert body["secret"].startswith("whsec_")
    assert body["disabled_reason"] is None
    assert body["last_delivery_at"] is None and body["last_delivery_ok"] is None


async def test_secret_stays_readable_and_list_shows_every_webhook(client):
    first = await create_webhook(client, "https://a.example.com/")
    second = await create_webhook(client, "https://b.example.com/", ["product.deleted"])

    listed = (await client.get(API)).json()
    fetched = (await client.get(f"{API}/{first['id']}")).json()

    assert [item["id"] for item in listed] == [first["id"], second["id"]]
    assert fetched["secret"] == first["secret"]


async def test_put_replaces_and_patch_changes_only_what_is_given(client):
    webhook = await create_webhook(client, "https://a.example.com/", description="old")
    url = f"{API}/{webhook['id']}"

    put = await client.put(url, json={"url": "https://b.example.com/", "events": ["import.failed"]})
    assert put.status_code == 200
    assert put.json()["url"] == "https://b.example.com/"
    assert put.json()["events"] == ["import.failed"]
    assert put.json()["description"] is None
    assert put.json()["secret"] == webhook["secret"]

    patch = await client.patch(url, json={"enabled": False})
    assert patch.status_code == 200
    assert patch.json()["enabled"] is False
    assert patch.json()["url"] == "https://b.example.com/"
    assert patch.json()["events"] == ["import.failed"]


async def test_delete_then_everything_is_404(client):
    webhook = await create_webhook(client, "https://a.example.com/")
    url = f"{API}/{webhook['id']}"

    assert (await client.delete(url)).status_code == 204

    assert (await client.get(url)).status_code == 404
    assert (await client.delete(url)).status_code == 404
    body = {"url": "https://a.example.com/", "events": ["import.failed"]}
    assert (await client.put(url, json=body)).status_code == 404
    assert (await client.patch(url, json={"enabled": True})).status_code == 404
    assert (await client.post(f"{url}/test")).status_code == 404
    missing = await client.get(f"{url}/deliveries")
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"webhook {webhook['id']} not found"
    assert (await client.post(f"{API}/deliveries/999999/redeliver")).status_code == 404


PAST_BIGINT = 2**63


async def test_ids_past_the_bigint_range_are_invalid_not_errors(client):
    webhook = f"{API}/{PAST_BIGINT}"
    body = {"url": "https://a.example.com/", "events": ["import.failed"]}
    answers = [
        await client.get(webhook),
        await client.put(webhook, json=body),
        await client.patch(webhook, json={"enabled": True}),
        await client.delete(webhook),
        await client.post(f"{webhook}/test"),
        await client.get(f"{webhook}/deliveries"),
        await client.post(f"{API}/deliveries/{PAST_BIGINT}/redeliver"),
    ]
    assert [answer.status_code for answer in answers] == [422] * len(answers)
    assert answers[0].json()["detail"][0]["loc"] == ["path", "webhook_id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/", "events": ["import.failed"]}, "url"),
        ({"url": "file:///etc/passwd", "events": ["import.failed"]}, "url"),
        ({"url": "example.com/hook", "events": ["import.failed"]}, "url"),
        ({"url": "", "events": ["import.failed"]}, "url"),
        ({"events": ["import.failed"]}, "url"),
        ({"url": "https://example.com/", "events": []}, "events"),
        ({"url": "https://example.com/", "events": ["product.exploded"]}, "events"),
        ({"url": "https://example.com/", "events": ["webhook.test"]}, "events"),
        ({"url": "https://example.com/"}, "events"),
        ({"url": "https://example.com/", "events": "import.failed"}, "events"),
        # Booleans are JSON booleans, as for products: "off" is not false.
        ({"url": "https://example.com/", "events": ["import.failed"], "enabled": "off"}, "enabled"),
        ({"url": "https://example.com/", "events": ["import.failed"], "enabled": 0}, "enabled"),
    ],
)
async def test_invalid_bodies_are_422_naming_the_field(client, body, field):
    response = await client.post(API, json=body)

    assert response.status_code == 422
    locations = [error["loc"] for error in response.json()["detail"]]
    assert any(field in location for location in locations), locations


async def test_a_new_endpoint_or_url_counts_as_slow_until_its_first_quick_answer(client):
    """One delivery at a time until then: a new target may answer slowly."""
    webhook = await create_webhook(client, "https://a.example.com/")
    assert webhook["slow_since"] is not None
    with sync_engine().begin() as conn:
        conn.execute(text("UPDATE webhooks SET slow_since = NULL"))  # it answered quickly
    moved = await client.patch(f"{API}/{webhook['id']}", json={"url": "https://b.example.com/"})
    assert moved.json()["slow_since"] is not None
    renamed = await client.patch(f"{API}/{moved.json()['id']}", json={"description": "x"})
    assert renamed.json()["slow_since"] == moved.json()["slow_since"]


async def test_a_url_with_a_fragment_is_refused_as_never_sent(client):
    response = await client.post(
        API, json={"url": "https://example.com/hook#part", "events": ["import.failed"]}
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "url"]
    assert "a #fragment is never sent in an HTTP request" in error["msg"]


@pytest.mark.parametrize("secret", ["abc", "whsec_short", "whsec_" + "é" * 40])
async def test_a_test_send_s_secret_that_cannot_be_one_says_what_one_is(client, secret):
    body = {"url": "https://example.com/hook", "secret": secret}
    response = await client.post(f"{API}/test", json=body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "secret"]
    assert "a signing secret is whsec_ and at least 32 base64 characters" in error["msg"]


@pytest.mark.parametrize(
    "body",
    [
        {"url": None},
        {"events": None},
        {"events": []},
        {"enabled": None},
        {"enabled": "yes"},
        {"enabled": 1},
        {"url": "gopher://x/"},
    ],
)
async def test_invalid_patches_are_422(client, body):
    webhook = await create_webhook(client, "https://a.example.com/")

    response = await client.patch(f"{API}/{webhook['id']}", json=body)

    assert response.status_code == 422


@pytest.mark.parametrize("field", ["url", "events", "enabled"])
async def test_a_required_field_patched_to_null_is_422_naming_the_field(client, field):
    webhook = await create_webhook(client, "https://a.example.com/")

    response = await client.patch(f"{API}/{webhook['id']}", json={field: None})

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", field]
    assert error["msg"] == f"Value error, {field} may be left out but not set to null"


async def test_unknown_event_error_lists_the_known_ones(client):
    response = await client.post(API, json={"url": "https://a.example.com/", "events": ["nope"]})

    message = response.json()["detail"][0]["msg"]
    assert "import.completed" in message and "products.deleted_all" in message


async def test_list_shows_the_last_delivery_of_a_real_event(client, receiver: Receiver):
    webhook = await create_webhook(client, receiver.url())
    receiver.script("/hook", 503)

    await asyncio.to_thread(_deliver_an_event, webhook["id"])
    failed = (await client.get(API)).json()[0]
    # A test send that passes says nothing of how real events fare.
    assert (await client.post(f"{API}/{webhook['id']}/test")).json()["ok"] is True
    after_test = (await client.get(f"{API}/{webhook['id']}")).json()
    await asyncio.to_thread(_deliver_an_event, webhook["id"])
    succeeded = (await client.get(f"{API}/{webhook['id']}")).json()

    assert failed["last_delivery_status_code"] == 503
    assert failed["last_delivery_ok"] is False
    assert failed["last_delivery_error"] == "HTTP 503 Service Unavailable"
    assert after_test["last_delivery_ok"] is False
    assert after_test["last_delivery_at"] == failed["last_delivery_at"]
    assert succeeded["last_delivery_status_code"] == 200
    assert succeeded["last_delivery_ok"] is True
    assert succeeded["last_delivery_at"] is not None


async def test_a_new_url_shows_no_last_delivery_until_one_is_sent_there(client, receiver: Receiver):
    """The last delivery is the endpoint's URL's: an old URL's failure shown under a new
    URL read as the new one failing."""
    webhook = await create_webhook(client, receiver.url("/old"))
    receiver.script("/old", 503)
    await asyncio.to_thread(_deliver_an_event, webhook["id"])

    moved = await client.patch(f"{API}/{webhook['id']}", json={"url": receiver.url("/hook")})
    listed = (await client.get(API)).json()[0]
    await asyncio.to_thread(_deliver_an_event, webhook["id"])
    delivered = (await client.get(f"{API}/{webhook['id']}")).json()
    log = (await client.get(f"{API}/{webhook['id']}/deliveries")).json()["items"]

    assert moved.status_code == 200
    for shown in (moved.json(), listed):
        assert shown["last_delivery_at"] is None and shown["last_delivery_ok"] is None
        assert shown["last_delivery_status_code"] is None
    assert delivered["last_delivery_ok"] is True
    assert [a["url"] for a in log] == [receiver.url("/hook"), receiver.url("/old")]


def _deliver_an_event(webhook_id: int) -> None:
    job_id, token, _ = make_job(webhook_id)
    deliver_job(job_id, token)


@contextmanager
def _answer_held(receiver: Receiver) -> Iterator[threading.Event]:
    """The next request to /hook is answered once the block sets the event it is given
    (or after a minute), and a test send waits that long for its answer."""
    release = threading.Event()
    receiver.script("/hook", Reply(hang=60.0, until=release))
    try:
        with settings_env(WEBHOOK_TIMEOUT_SECONDS="90"):
            yield release
    finally:
        release.set()


async def test_a_test_send_holds_no_database_connection_while_it_waits(client, receiver):
    webhook = await create_webhook(client, receiver.url())
    with _answer_held(receiver) as release:
        sending = asyncio.create_task(client.post(f"{API}/{webhook['id']}/test"))
        await asyncio.to_thread(receiver.wait_for, 1, "/hook")
        assert async_engine().pool.checkedout() == 0
        release.set()
        answer = await sending
    assert answer.json()["ok"] is True
    assert (await client.get(f"{API}/{webhook['id']}/deliveries")).json()["total"] == 1


async def test_a_test_send_to_a_webhook_deleted_meanwhile_is_404(client, receiver):
    webhook = await create_webhook(client, receiver.url())
    with _answer_held(receiver) as release:
        sending = asyncio.create_task(client.post(f"{API}/{webhook['id']}/test"))
        await asyncio.to_thread(receiver.wait_for, 1, "/hook")

        assert (await client.delete(f"{API}/{webhook['id']}")).status_code == 204
        release.set()
        answer = await sending

    assert answer.status_code == 404, answer.text
    assert answer.json()["detail"] == f"webhook {webhook['id']} not found"


async def test_reenabling_clears_the_automatic_reason(client):
    webhook = await create_webhook(client, "https://a.example.com/")
    from sqlalchemy import update

    from product_importer.db import sync_session
    from product_importer.webhooks.models import Webhook

    with sync_session() as session:
        session.execute(
            update(Webhook)
            .where(Webhook.id == webhook["id"])
            .values(enabled=False, disabled_reason="the endpoint answered 410 Gone")
        )

    response = await client.patch(f"{API}/{webhook['id']}", json={"enabled": True})

    assert response.json()["enabled"] is True
    assert response.json()["disabled_reason"] is None


async def test_a_url_pasted_with_invisible_marks_around_it_is_trimmed(client):
    """As a product's SKU and name are: spaces, a zero-width space or a BOM around it."""
    webhook = await create_webhook(client, "\u200b https://a.example.com/hook \ufeff")
    assert webhook["url"] == "https://a.example.com/hook"
