"""Work queued for after a commit (broker sends) runs once the change has committed, and
never on the API's event loop."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from product_importer.db import after_commit, async_session, sync_session


async def test_an_async_sessions_callbacks_run_after_its_commit_off_the_event_loop():
    loop_thread = threading.get_ident()
    ran_on: list[int] = []
    async with async_session() as session:
        await session.execute(text("SELECT 1"))
        after_commit(session, lambda: ran_on.append(threading.get_ident()))
        assert ran_on == []
    assert len(ran_on) == 1 and ran_on[0] != loop_thread


async def test_a_rolled_back_sessions_callbacks_never_run():
    ran: list[str] = []
    with pytest.raises(RuntimeError):
        async with async_session() as session:
            after_commit(session, lambda: ran.append("async"))
            raise RuntimeError("the request failed")
    with pytest.raises(RuntimeError), sync_session() as worker_session:
        after_commit(worker_session, lambda: ran.append("sync"))
        raise RuntimeError("the task failed")
    assert ran == []


async def test_a_failing_callback_neither_fails_the_committed_change_nor_stops_the_others():
    ran: list[str] = []

    def broken() -> None:
        raise ConnectionError("the broker is down")

    async with async_session() as session:
        after_commit(session, broken)
        after_commit(session, lambda: ran.append("next"))
    with sync_session() as worker_session:
        after_commit(worker_session, broken)
        after_commit(worker_session, lambda: ran.append("sync next"))
    assert ran == ["next", "sync next"]


async def test_a_commits_callbacks_run_even_when_the_block_fails_after_it():
    ran: list[str] = []
    with pytest.raises(RuntimeError):
        async with async_session() as session:
            after_commit(session, lambda: ran.append("committed"))
            await session.commit()
            after_commit(session, lambda: ran.append("rolled back"))
            raise RuntimeError("failed after the commit")
    assert ran == ["committed"]
