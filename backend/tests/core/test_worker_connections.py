"""The workers' database sessions notice a peer that is gone without a word."""

from sqlalchemy import text

from product_importer.db import sync_engine

KEEPALIVES = ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count")


def test_a_lost_worker_host_is_noticed_by_postgresql_within_seconds():
    """A worker's host lost outright (power, network) sends no FIN: the backend's TCP
    keepalives, not the system's default of 2 h, end its session and free its locks (the
    values shown are those of the session's socket)."""
    with sync_engine().connect() as conn:
        settings = {name: conn.execute(text(f"SHOW {name}")).scalar() for name in KEEPALIVES}
    assert settings == {
        "tcp_keepalives_idle": "10",
        "tcp_keepalives_interval": "5",
        "tcp_keepalives_count": "3",
    }
