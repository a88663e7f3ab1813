"""Webhooks: `receives_since`, from when recorded events are an endpoint's (its
creation, and each time it is enabled again), so that events recorded before, or
while it was disabled, are not sent to it when they are dispatched late.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE webhooks ADD COLUMN receives_since timestamptz")
    op.execute("UPDATE webhooks SET receives_since = created_at")
    op.execute(
        "ALTER TABLE webhooks ALTER COLUMN receives_since SET DEFAULT now(), "
        "ALTER COLUMN receives_since SET NOT NULL"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE webhooks DROP COLUMN receives_since")
