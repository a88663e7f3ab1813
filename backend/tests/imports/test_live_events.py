"""GET /imports/{id}/events: every change a viewer would see is sent, and the stream
reaches the final event even when Redis (which only speeds it up) is gone."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func

from product_importer.embedded import EmbeddedRedis
from product_importer.imports.live import import_events
from tests.imports.helpers import api_process, set_import, stored_import

EVENT_WAIT_SECONDS = 30  # a bound for a hung stream, far above the poll's second


def _running(phase: str) -> uuid.UUID:
    import_id = stored_import(b"sku,name\nA-1,One\n")
    _set(import_id, status="running", phase=phase, progress=45, processed_rows=10)
    return import_id


def _set(import_id: uuid.UUID, **values: object) -> None:
    set_import(import_id, **values, started_at=func.now())


def _parse(event: str) -> tuple[str, dict]:
    fields = dict(line.split(": ", 1) for line in event.strip().splitlines())
    return fields["event"], json.loads(fields["data"])


async def _next_event(events) -> tuple[str, dict]:
    """The next event, past keepalive comments."""
    while (chunk := await events.__anext__()).startswith(":"):
        pass
    return _parse(chunk)


async def test_a_change_of_phase_alone_is_sent():
    """Waiting for another import's merge, then merging (or rebuilding) starts at the
    same progress and rows: the viewer must still learn that the wait is over."""
    import_id = _running("waiting for other imports")
    events = import_events(import_id, None)
    try:
        _, first = await _next_event(events)
        assert first["phase"] == "waiting for other imports"
        _set(import_id, phase="merging")
        _, second = await asyncio.wait_for(_next_event(events), EVENT_WAIT_SECONDS)
        assert second["phase"] == "merging"
    finally:
        await events.aclose()


@pytest.mark.parametrize("next_run", [{"attempts": 2}, {}], ids=["restarted", "gave way"])
async def test_a_later_run_at_the_same_state_is_sent_to_a_resuming_viewer(next_run):
    """A restarted import, or one that gave way and runs again (the same attempt, not
    counted twice), can come back to the very rows and phase of its earlier run: a
    viewer resuming with that run's id still learns of the new run."""
    import_id = _running("merging")
    first_run = import_events(import_id, None)
    try:
        event = await first_run.__anext__()
    finally:
        await first_run.aclose()
    seen, earlier = event.split("\n", 1)[0].removeprefix("id: "), _parse(event)[1]
    _set(import_id, **next_run)  # started again, now
    resumed = import_events(import_id, seen)
    try:
        _, state = await asyncio.wait_for(_next_event(resumed), EVENT_WAIT_SECONDS)
    finally:
        await resumed.aclose()
    assert state["started_at"] > earlier["started_at"]
    assert state["attempts"] == next_run.get("attempts", earlier["attempts"])


def _events(url: str, import_id: uuid.UUID) -> Iterator[str]:
    timeout = httpx.Timeout(EVENT_WAIT_SECONDS)
    with httpx.stream("GET", f"{url}/api/v1/imports/{import_id}/events", timeout=timeout) as r:
        assert r.status_code == 200
        event: list[str] = []
        for line in r.iter_lines():
            if line:
                event.append(line)
            elif event and not event[0].startswith(":"):
                yield "\n".join(event)
                event = []
            else:
                event = []


def test_the_stream_ends_with_the_final_event_when_redis_goes_away(tmp_path, monkeypatch):
    redis = EmbeddedRedis(tmp_path)
    monkeypatch.setenv("REDIS_URL", redis.start())
    try:
        import_id = _running("merging")
        with api_process() as (url, _):
            stream = _events(url, import_id)
            name, first = _parse(next(stream))
            assert (name, first["phase"]) == ("progress", "merging")
            redis.stop()  # mid-stream: the stream goes on from the database
            _set(import_id, status="completed", phase="completed", progress=100)
            rest = [_parse(event) for event in stream]
            assert [name for name, _ in rest][-1:] == ["completed"], rest

            # Subscribing while Redis is down: still the final event, and the end.
            late = [_parse(event)[0] for event in _events(url, import_id)]
            assert late == ["completed"]
    finally:
        redis.stop()


def test_progress_still_streams_without_redis(tmp_path, monkeypatch):
    redis = EmbeddedRedis(tmp_path)
    monkeypatch.setenv("REDIS_URL", redis.url)  # never started: nothing answers there
    import_id = _running("reading")
    with api_process() as (url, _):
        stream = _events(url, import_id)
        assert _parse(next(stream))[1]["phase"] == "reading"
        _set(import_id, phase="merging", progress=60)
        assert _parse(next(stream))[1]["phase"] == "merging"
        _set(import_id, status="cancelled", phase="cancelled")
        assert [name for name, _ in map(_parse, stream)] == ["cancelled"]
