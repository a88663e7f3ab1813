"""The import tests' own fixtures."""

from collections.abc import Iterator

import pytest

from tests.imports.helpers import api_process


@pytest.fixture
def live_api() -> Iterator[str]:
    """The API's URL, served by its own process."""
    with api_process() as (url, _):
        yield url
