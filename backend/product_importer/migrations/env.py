"""Alembic environment: migrations run over psycopg2 on `DATABASE_URL`."""

from alembic import context
from sqlalchemy import create_engine, pool

from product_importer.config import get_settings
from product_importer.db import sync_url
from product_importer.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url") or get_settings().database_url
    assert url, "DATABASE_URL is required to migrate"
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            # Two processes starting at once must not both migrate.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7242001)")
            context.run_migrations()


run_migrations_online()
