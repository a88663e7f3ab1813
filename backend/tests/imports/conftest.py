"""The import tests' own fixtures."""

from collections.abc import Iterator

import pytest

from tests.imports.helpers import api_process


@pytest.fixture(scope="module")
def live_api() -> Iterator[str]:
    """The API's URL, served by its own process (for the module's tests: none stops it;
    it takes its settings from the environment as the module starts)."""
    with api_process() as (url, _):
        yield url
