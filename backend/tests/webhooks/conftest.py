"""Fixtures for webhook tests: a local receiver and the SSRF guard switched on."""

from collections.abc import Iterator

import pytest

from tests.settings_helpers import settings_env
from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def guard_on() -> Iterator[None]:
    """WEBHOOK_ALLOW_PRIVATE_TARGETS=false in this process (the API and in-process sends)."""
    with settings_env(WEBHOOK_ALLOW_PRIVATE_TARGETS="false"):
        yield
