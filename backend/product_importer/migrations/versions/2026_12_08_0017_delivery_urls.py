"""Webhooks: each delivery attempt keeps the URL it was sent to, so that an endpoint
given a new URL neither shows nor is judged by the old one's answers. Null for attempts
logged before (and by processes of the previous version still running during an
upgrade): they count as sent to the endpoint's URL. No rewrite of the delivery log.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("webhook_deliveries", sa.Column("url", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("webhook_deliveries", "url")
