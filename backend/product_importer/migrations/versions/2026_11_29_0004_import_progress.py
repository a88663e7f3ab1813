"""Import progress: the percentage the worker reports and which worker holds it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "imports", sa.Column("progress", sa.Float(), server_default=sa.text("0"), nullable=False)
    )
    op.add_column("imports", sa.Column("worker", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("imports", "worker")
    op.drop_column("imports", "progress")
