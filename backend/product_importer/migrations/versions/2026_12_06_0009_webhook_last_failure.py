"""Webhooks: when the endpoint last failed, so a failure after a quiet spell starts a
new failing streak instead of extending one from days before.

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
    op.add_column("webhooks", sa.Column("last_failure_at", sa.DateTime(timezone=True)))
    # While an endpoint is failing nothing has succeeded since, so its latest attempt
    # at a real event (test sends aside) is its last failure.
    op.execute(
        "UPDATE webhooks SET last_failure_at = (SELECT max(created_at) FROM webhook_deliveries"
        " WHERE webhook_id = webhooks.id AND event_type <> 'webhook.test')"
        " WHERE failing_since IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_column("webhooks", "last_failure_at")
