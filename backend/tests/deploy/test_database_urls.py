"""One DATABASE_URL for both drivers, as operators copy it from a managed service."""

import os

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from product_importer.db import async_url, libpq_url, sync_url

MANAGED = "postgresql://app:s3cret@db.internal:5432/catalog?sslmode=require"


def test_libpq_sslmode_becomes_asyncpg_ssl():
    url = async_url(MANAGED)
    assert url == "postgresql+asyncpg://app:s3cret@db.internal:5432/catalog?ssl=require"
    engine = create_async_engine(url)
    _, kwargs = engine.dialect.create_connect_args(engine.url)
    assert kwargs["ssl"] == "require"
    assert "sslmode" not in kwargs


def test_psycopg2_keeps_the_libpq_form():
    assert sync_url(MANAGED).startswith("postgresql+psycopg2://")
    assert sync_url(MANAGED).endswith("?sslmode=require")
    assert libpq_url(MANAGED) == MANAGED


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:5432/product_importer",
        "postgres://u:p%40ss@host/db",
        "postgresql://u@host/db?application_name=importer",
    ],
)
def test_urls_without_sslmode_are_unchanged_but_for_the_driver(url):
    assert async_url(url) == "postgresql+asyncpg://" + url.split("://", 1)[1]


async def test_a_tls_url_reaches_the_server_as_an_ssl_request():
    """The embedded server has no TLS: asyncpg must try TLS (and be refused), not crash on
    an unknown `sslmode` argument."""
    base = os.environ["DATABASE_URL"]
    engine = create_async_engine(async_url(base + "?sslmode=require"))
    _, kwargs = engine.dialect.create_connect_args(engine.url)
    with pytest.raises((ConnectionError, OSError, asyncpg.PostgresError)) as caught:
        await asyncpg.connect(**kwargs, timeout=5)
    assert "unexpected keyword" not in str(caught.value)


def test_other_query_parameters_are_left_as_written():
    url = "postgresql://u@h/db?options=-c%20search_path%3Dcatalog"
    assert async_url(url) == "postgresql+asyncpg://u@h/db?options=-c%20search_path%3Dcatalog"
