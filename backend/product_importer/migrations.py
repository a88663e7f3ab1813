"""Apply Alembic migrations programmatically (on start and `product-importer migrate`)."""

from alembic import command
from alembic.config import Config

from product_importer.config import PACKAGE_DIR


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PACKAGE_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(PACKAGE_DIR / "migrations"))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str | None = None) -> None:
    command.upgrade(alembic_config(database_url), "head")
