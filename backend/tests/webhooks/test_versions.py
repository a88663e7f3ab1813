"""Optimistic concurrency for endpoints, as for products: a webhook's `ETag` is its
version; a change or delete sent with an older version in `If-Match` is refused (412)
and changes nothing. Two people editing the `events` list each send the whole list:
without it, the later undid the earlier's change unseen."""

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from product_importer.webhooks import repository as repo

API = "/api/v1/webhooks"
EVENTS = ["import.completed", "product.created", "product.deleted"]


async def _created(client) -> tuple[str, str]:
    """The endpoint's URL and its version, as read."""
    body = {"url": "https://hooks.example.com/in", "events": EVENTS}
    created = await client.post(API, json=body)
    assert created.status_code == 201
    url = f"{API}/{created.json()['id']}"
    read = await client.get(url)
    assert read.headers["etag"] == f'"{read.json()["updated_at"]}"' == created.headers["etag"]
    return url, read.headers["etag"]


async def test_an_events_list_from_an_older_version_is_refused(client):
    url, version = await _created(client)
    first = await client.patch(
        url, json={"events": EVENTS[1:]}, headers={"If-Match": version}
    )  # one tab turns import.completed off
    assert first.status_code == 200
    assert first.headers["etag"] == f'"{first.json()["updated_at"]}"' != version
    second = await client.patch(
        url, json={"events": EVENTS[:2]}, headers={"If-Match": version}
    )  # the other, from the same version, turns product.deleted off
    assert second.status_code == 412
    assert second.json()["detail"].startswith(
        "The webhook has changed since this version was read (another edit, a secret "
        "rotation or an automatic disable): nothing was changed."
    )
    assert (await client.get(url)).json()["events"] == EVENTS[1:]


async def test_a_replace_and_a_delete_check_the_version_too(client):
    url, version = await _created(client)
    body = {"url": "https://hooks.example.com/other", "events": EVENTS, "enabled": False}
    replaced = await client.put(url, json=body, headers={"If-Match": version})
    assert replaced.status_code == 200
    assert (await client.put(url, json=body, headers={"If-Match": version})).status_code == 412
    assert (await client.delete(url, headers={"If-Match": version})).status_code == 412
    assert (await client.get(url)).status_code == 200
    current = replaced.headers["etag"]
    assert (await client.delete(url, headers={"If-Match": current})).status_code == 204


async def test_a_rotation_is_a_new_version(client):
    url, version = await _created(client)
    rotated = await client.post(f"{url}/rotate-secret")
    assert rotated.headers["etag"] not in ("", version)
    stale = await client.patch(url, json={"description": "x"}, headers={"If-Match": version})
    assert stale.status_code == 412


@pytest.mark.parametrize(
    ("if_match", "status"), [("*", 200), ('W/"x"', 412), ("not a tag", 412), (None, 200)]
)
async def test_any_version_or_none(client, if_match, status):
    url, _ = await _created(client)
    headers = {} if if_match is None else {"If-Match": if_match}
    answer = await client.patch(url, json={"description": "x"}, headers=headers)
    assert answer.status_code == status
    if status == 412:
        assert answer.json()["detail"].startswith("If-Match names no version of a webhook")


async def test_an_automatic_disable_is_a_new_version(client):
    """An edit made from before the endpoint was disabled (410 Gone, failing too long)
    would otherwise switch it on again unseen."""
    url, version = await _created(client)
    with sync_engine().begin() as conn:
        conn.execute(repo.disable_webhook(int(url.rsplit("/", 1)[1]), "410 Gone"))
    stale = await client.patch(url, json={"enabled": True}, headers={"If-Match": version})
    assert stale.status_code == 412
    assert (await client.get(url)).json()["enabled"] is False


async def test_the_same_values_sent_again_are_no_new_version(client):
    """An editor who saves without changing anything must not make a second editor's
    version stale, nor fill the audit log."""
    url, version = await _created(client)
    read = (await client.get(url)).json()
    replaced = await client.put(url, json=read, headers={"If-Match": version})
    patched = await client.patch(url, json={"events": EVENTS}, headers={"If-Match": version})
    reordered = await client.patch(  # a form that unticked and ticked one sends it last
        url, json={"events": [*EVENTS[1:], EVENTS[0]]}, headers={"If-Match": version}
    )
    assert reordered.headers["etag"] == version
    assert replaced.status_code == patched.status_code == 200
    assert replaced.headers["etag"] == patched.headers["etag"] == version
    assert _audited_updates() == 0
    changed = await client.patch(url, json={"description": "now"}, headers={"If-Match": version})
    assert changed.headers["etag"] != version
    assert _audited_updates() == 1


def _audited_updates() -> int:
    with sync_engine().connect() as conn:
        statement = text("SELECT count(*) FROM audit_log WHERE action = 'webhook.updated'")
        return int(conn.execute(statement).scalar_one())
