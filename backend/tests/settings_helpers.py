"""Run a block with other settings in this (test and API) process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from product_importer.config import reload_settings


@contextmanager
def settings_env(**values: str) -> Iterator[None]:
    """Run with these settings in this (test and API) process; workers keep theirs."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    reload_settings()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reload_settings()
