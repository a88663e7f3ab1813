"""One deadline (WEBHOOK_TIMEOUT_SECONDS) for the whole attempt: the name lookup, the
connection, and every byte of the answer, however slowly it comes."""

import threading
import time

from product_importer.config import get_settings
from product_importer.webhooks import targets
from tests.webhooks.receiver import Receiver, Reply

API = "/api/v1/webhooks"
ANSWER = b"a dripped answer"


async def _timed_test_send(client, url: str) -> tuple[dict, float]:
    started = time.monotonic()
    answer = await client.post(f"{API}/test", json={"url": url})
    assert answer.status_code == 200, answer.text
    return answer.json(), time.monotonic() - started


def _at_the_deadline(took: float) -> bool:
    """Not before the deadline, and well before what is waited on would end by itself
    (a dripped answer takes 16 s or more, the silent name server 15 s): the margin
    is for a busy machine, not part of what is tested."""
    timeout = get_settings().webhook_timeout_seconds
    return timeout - 0.1 <= took < timeout + 8.0


async def test_an_answer_dripped_a_byte_a_second_ends_at_the_deadline(client, receiver: Receiver):
    # Every read gets its byte well within the timeout: only the attempt's deadline ends it.
    receiver.script("/hook", Reply(drip=1.0, body=ANSWER))

    result, took = await _timed_test_send(client, receiver.url())

    timeout = get_settings().webhook_timeout_seconds
    assert result["ok"] is False and result["status_code"] is None
    assert result["error"] == f"timeout: no answer within {timeout:g} s"
    assert _at_the_deadline(took), f"the attempt took {took:.1f} s"


async def test_a_body_dripped_a_byte_a_second_is_cut_at_the_deadline(client, receiver: Receiver):
    receiver.script("/hook", Reply(drip=1.0, drip_body_only=True, body=ANSWER))

    result, took = await _timed_test_send(client, receiver.url())

    assert result["ok"] is True and result["status_code"] == 200
    assert 0 < len(result["response_excerpt"]) <= 3
    assert ANSWER.decode().startswith(result["response_excerpt"])
    assert _at_the_deadline(took), f"the attempt took {took:.1f} s"


def _silent_name_server(monkeypatch) -> threading.Event:
    """Lookups hang until the returned event is set (or for 15 s), then resolve to
    127.0.0.1: a name server that does not answer, as far as one attempt can tell."""
    answer = threading.Event()

    def resolve(host: str, port: int) -> list[str]:
        answer.wait(15)
        return ["127.0.0.1"]

    monkeypatch.setattr(targets, "resolve", resolve)
    return answer


async def test_a_name_server_that_never_answers_ends_the_attempt_at_the_deadline(
    client, receiver: Receiver, monkeypatch
):
    answer = _silent_name_server(monkeypatch)
    try:
        result, took = await _timed_test_send(client, receiver.url(host="silent.example.test"))
    finally:
        answer.set()

    assert result["ok"] is False and result["status_code"] is None
    assert result["error"].startswith("DNS failure: could not resolve silent.example.test")
    assert "timeout" in result["error"]
    assert _at_the_deadline(took), f"the attempt took {took:.1f} s"
    assert receiver.requests() == []


async def test_saving_waits_for_a_silent_name_server_no_longer_than_the_webhook_timeout(
    client, guard_on, monkeypatch
):
    answer = _silent_name_server(monkeypatch)
    body = {"url": "https://silent.example.test/hook", "events": ["product.created"]}
    try:
        started = time.monotonic()
        created = await client.post(API, json=body)
        took = time.monotonic() - started
    finally:
        answer.set()

    # Accepted like a name that does not resolve yet: the check at send time still applies.
    assert created.status_code == 201, created.text
    assert _at_the_deadline(took), f"saving took {took:.1f} s"
