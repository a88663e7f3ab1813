"""Webhooks: a rotated secret's predecessor, still signed with until it expires, so
receivers can switch to the new secret without missing an event.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("webhooks", sa.Column("previous_secret", sa.Text()))
    op.add_column("webhooks", sa.Column("previous_secret_expires_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("webhooks", "previous_secret_expires_at")
    op.drop_column("webhooks", "previous_secret")
