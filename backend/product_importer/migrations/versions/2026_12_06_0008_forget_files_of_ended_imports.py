"""Imports: forget the stored files of imports that have ended.

A failed import, and one cancelled while queued, used to keep its upload (up to
MAX_UPLOAD_BYTES) for good; they are now deleted when the import ends. This removes
those left by earlier versions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM import_file_chunks WHERE import_id IN"
        " (SELECT id FROM imports WHERE status IN ('completed', 'failed', 'cancelled'))"
    )


def downgrade() -> None:
    """Nothing to restore: the files of ended imports are never read again."""
