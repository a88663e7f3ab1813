"""URLs that `urlsplit` reads but httpx (which sends the request) refuses, or that no
request can reach: 422 when saved or tested; a refused, recorded attempt when such a
URL was stored earlier."""

import pytest
from sqlalchemy import update

from product_importer.db import sync_session
from product_importer.webhooks.delivery import deliver_job
from product_importer.webhooks.models import Webhook
from product_importer.webhooks.targets import TargetRefused, split_url
from tests.webhooks.helpers import attempts, create_webhook, job_of, make_job

API = "/api/v1/webhooks"
UNSENDABLE_URLS = [
    "http://☃.com/hook",  # not a valid IDNA 2008 name
    "http://xn--n3h.com/",  # the same name, already encoded
    "http://example.com/a\x7fb",
    "http://exa\tmple.com/",  # urlsplit drops the tab
    "http://[::1]x/",
    "http://127.0.0.1:0/zero",  # connection refused at every attempt
    "http://[fe80::1%25eth0]:80/x",  # a zone id: httpx looks it up as a name
]


@pytest.mark.parametrize("url", UNSENDABLE_URLS)
def test_split_url_refuses_what_httpx_cannot_send(url: str) -> None:
    with pytest.raises(TargetRefused, match="not a valid URL"):
        split_url(url)


@pytest.mark.parametrize("url", UNSENDABLE_URLS)
async def test_unsendable_urls_are_422_naming_the_url(client, url: str):
    existing = await create_webhook(client, "https://a.example.com/")

    answers = [
        await client.post(API, json={"url": url, "events": ["product.created"]}),
        await client.patch(f"{API}/{existing['id']}", json={"url": url}),
        await client.post(f"{API}/test", json={"url": url}),
    ]

    for answer in answers:
        assert answer.status_code == 422, answer.text
        (error,) = answer.json()["detail"]
        assert error["loc"] == ["body", "url"]
        assert "not a valid URL" in error["msg"]


@pytest.mark.parametrize("url", UNSENDABLE_URLS)
async def test_an_unsendable_url_stored_earlier_gives_refused_recorded_attempts(client, url: str):
    webhook = await create_webhook(client, "https://a.example.com/", ["product.created"])
    with sync_session() as session:  # as an earlier version let it be saved
        session.execute(update(Webhook).where(Webhook.id == webhook["id"]).values(url=url))
    job_id, token, _ = make_job(webhook["id"])

    deliver_job(job_id, token)
    tested = await client.post(f"{API}/{webhook['id']}/test")

    assert tested.status_code == 200, tested.text
    result = tested.json()
    assert result["ok"] is False and result["status_code"] is None
    assert result["error"].startswith("blocked target: not a valid URL")
    delivery, _test = attempts(webhook["id"])
    assert delivery.error == result["error"] and delivery.next_retry_at is None
    assert [job.status for job in job_of(webhook["id"])] == ["failed"]
