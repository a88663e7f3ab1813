"""Imports: whether a failed import failed because of its file (`file`) or not
(`system`), so that a client knows whether sending the same file again can work.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("imports", sa.Column("error_kind", sa.Text(), nullable=True))
    op.create_check_constraint(
        "imports_error_kind_known", "imports", "error_kind IN ('file', 'system')"
    )
    # Imports failed before: their messages about the file open so.
    op.execute(
        """
        UPDATE imports SET error_kind = CASE
            WHEN error ~ '^(Line [0-9]+|The file|The header row)' THEN 'file' ELSE 'system' END
        WHERE status = 'failed'
        """
    )


def downgrade() -> None:
    op.drop_column("imports", "error_kind")  # its check goes with it
