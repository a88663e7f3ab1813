"""Whatever a receiver answers, the attempt is logged and its job moves on, and reading
the answer costs at most the excerpt's size: NUL bytes, odd Retry-After values,
compressed and bomb answers."""

import gzip
import logging
import tracemalloc

import pytest

from product_importer.config import get_settings
from product_importer.db import sync_session
from product_importer.webhooks import transport
from product_importer.webhooks.delivery import deliver_job, record
from product_importer.webhooks.transport import EXCERPT_BYTES, AttemptResult, parse_retry_after
from tests.settings_helpers import settings_env
from tests.webhooks.helpers import (
    attempts,
    claimed_job,
    create_webhook,
    emit,
    job_of,
    make_job,
    wait_until,
)
from tests.webhooks.receiver import Receiver, Reply

API = "/api/v1/webhooks"
NUL_ANSWER = Reply(body=b"bad\x00answer")


async def test_an_answer_with_a_nul_byte_is_logged_and_its_job_delivered(
    client, worker, receiver: Receiver
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", *[NUL_ANSWER] * 20)

    emit("product.created", {"id": 1})
    wait_until(
        lambda: [job.status for job in job_of(webhook["id"])] == ["delivered"],
        what="the delivery to be recorded",
    )
    tested = await client.post(f"{API}/{webhook['id']}/test")

    assert tested.status_code == 200, tested.text
    assert tested.json()["ok"] is True
    assert tested.json()["response_excerpt"] == "bad\ufffdanswer"
    delivered, test = attempts(webhook["id"])
    assert delivered.event_type == "product.created" and delivered.status_code == 200
    assert delivered.response_excerpt == test.response_excerpt == "bad\ufffdanswer"
    assert len(receiver.requests()) == 2  # sent once, not again and again


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("120", 120.0), (" 7 ", 7.0), ("\u00b2", None), ("\u0663", None), ("1.5", None), ("", None)],
)
def test_retry_after_in_seconds_is_ascii_digits_only(value, seconds):
    assert parse_retry_after(value) == seconds


async def _send_a_job_and_test(client, receiver: Receiver, reply: Reply) -> tuple[dict, dict]:
    """One event sent (retries an hour away) and one test send, both answered with
    `reply`; returns the endpoint and the test send's answer."""
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    receiver.script("/hook", reply, reply)
    job_id, token, _ = make_job(webhook["id"])
    with settings_env(WEBHOOK_RETRY_SCHEDULE="3600"):
        deliver_job(job_id, token)
    tested = await client.post(f"{API}/{webhook['id']}/test")
    assert tested.status_code == 200, tested.text
    return webhook, tested.json()


async def test_a_failed_attempt_is_logged_without_the_urls_path(client, receiver, caplog):
    """An operator sees deliveries fail in the worker's log (they said only "succeeded"),
    by endpoint and event, never with the URL, whose path may hold the receiver's token."""
    with caplog.at_level(logging.INFO, logger="product_importer.webhooks.delivery"):
        webhook, _ = await _send_a_job_and_test(client, receiver, Reply(status=503))
    [line] = [r.getMessage() for r in caplog.records if "attempt 1 failed" in r.getMessage()]
    assert line.startswith(f"webhook {webhook['id']}: product.created ")
    assert "failed (HTTP 503); retry at " in line
    assert "/hook" not in line


async def test_a_retry_after_that_is_no_number_is_ignored(client, receiver: Receiver):
    superscript_two = Reply(status=503, headers={"retry-after": "\u00b2"})

    webhook, tested = await _send_a_job_and_test(client, receiver, superscript_two)

    assert tested["ok"] is False and tested["status_code"] == 503
    delivery, _test = attempts(webhook["id"])
    assert delivery.attempt == 1 and delivery.status_code == 503
    assert delivery.next_retry_at is not None
    (job,) = job_of(webhook["id"])
    assert job.status == "pending" and job.attempts == 1


async def test_an_answer_that_cannot_be_classified_is_a_failed_attempt(
    client, receiver: Receiver, monkeypatch
):
    def broken_parser(value: str | None) -> float | None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(transport, "parse_retry_after", broken_parser)

    webhook, tested = await _send_a_job_and_test(client, receiver, Reply(status=503))

    assert tested["ok"] is False and tested["error"] == "request failed: RuntimeError: parser bug"
    delivery, _test = attempts(webhook["id"])
    assert delivery.error == tested["error"] and delivery.next_retry_at is not None
    assert [job.status for job in job_of(webhook["id"])] == ["pending"]


@pytest.mark.parametrize(
    "unstorable",
    [
        # Past the column's range: the database refuses the row.
        AttemptResult(ok=False, status_code=2**31, latency_ms=5.0, error="HTTP 2147483648"),
        # Not UTF-8 encodable: the driver refuses it before the database sees it.
        AttemptResult(ok=False, latency_ms=5.0, error="connection failed: \udc80"),
    ],
)
async def test_an_attempt_whose_log_row_cannot_be_written_still_moves_its_job_on(
    client, receiver: Receiver, unstorable: AttemptResult
):
    webhook = await create_webhook(client, receiver.url(), ["product.created"])
    job = claimed_job(webhook["id"])

    with sync_session() as session:
        record(session, job, unstorable, get_settings())

    (attempt,) = attempts(webhook["id"])
    assert attempt.status_code is None and attempt.latency_ms == 5.0
    assert "could not be logged" in (attempt.error or "")
    assert attempt.next_retry_at is not None
    (retried,) = job_of(webhook["id"])
    assert retried.status == "pending" and retried.attempts == retried.failures == 1


async def test_a_compression_bomb_is_not_inflated(client, receiver: Receiver):
    bomb = gzip.compress(gzip.compress(bytes(100 * 2**20)))  # 100 MiB of zeros, ~0.5 KB sent
    receiver.script("/hook", Reply(headers={"content-encoding": "gzip, gzip"}, body=bomb))

    tracemalloc.start()
    try:
        answer = await client.post(f"{API}/test", json={"url": receiver.url()})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert answer.json()["ok"] is True
    assert answer.json()["response_excerpt"] == "\ufffd" * EXCERPT_BYTES  # NULs, shown
    assert peak < 10 * 2**20, f"reading the answer took {peak / 2**20:.0f} MiB"


async def test_a_compressed_answer_is_read_and_a_plain_one_is_asked_for(client, receiver: Receiver):
    compressed = gzip.compress(b"database on fire")
    receiver.script(
        "/hook", Reply(status=500, headers={"content-encoding": "gzip"}, body=compressed)
    )

    result = (await client.post(f"{API}/test", json={"url": receiver.url()})).json()

    assert result["status_code"] == 500 and result["response_excerpt"] == "database on fire"
    (request,) = receiver.requests()
    assert request.headers["accept-encoding"] == "identity"


def test_a_url_with_credentials_is_not_written_to_the_log(receiver: Receiver, caplog, monkeypatch):
    """A worker logs at INFO, where httpx names every request's URL whole: a webhook URL's
    password or token (in its query, or its path as chat services put it) must not reach
    the log, even when the attempt fails unexpectedly with the URL in its message."""
    caplog.set_level(logging.INFO)
    url = receiver.url("/SECRET-PATH/hook?token=TOPSECRET").replace("//", "//user:PASSWORD@", 1)
    result = transport.post_event(
        url, "whsec_" + "A" * 44, "msg_1", b"{}", timeout=5, allow_private=True
    )
    assert result.ok, result

    def unforeseen(response, latency, excerpt):
        raise RuntimeError(f"unforeseen at {url}")

    monkeypatch.setattr(transport, "_classify", unforeseen)
    failed = transport.post_event(
        url, "whsec_" + "A" * 44, "msg_2", b"{}", timeout=5, allow_private=True
    )
    assert not failed.ok and "unforeseen" in failed.error
    assert "failed unexpectedly: RuntimeError" in caplog.text
    for secret in ("PASSWORD", "TOPSECRET", "SECRET-PATH"):
        assert secret not in caplog.text, caplog.text
