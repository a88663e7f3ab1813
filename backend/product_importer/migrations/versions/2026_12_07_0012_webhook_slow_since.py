"""Webhooks: since when an endpoint has been answering slowly (its latest delivery took
`SLOW_ANSWER_SECONDS` or more), so that it gets one delivery at a time, as a failing
one does, and endpoints that answer slowly but well cannot take every worker thread.
An endpoint starts so (those already saved too) until its first quick answer: eight
new endpoints answering in 9 s took every thread with their first deliveries.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    slow_since = sa.Column(
        "slow_since", sa.DateTime(timezone=True), nullable=True, server_default=sa.func.now()
    )
    op.add_column("webhooks", slow_since)


def downgrade() -> None:
    op.drop_column("webhooks", "slow_since")
