"""Webhooks: a URL's `#fragment` is refused now (it is never sent in a request); an
endpoint saved with one before loses it, so that it can be sent back as it is read.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE webhooks SET url = split_part(url, '#', 1) WHERE strpos(url, '#') > 0")


def downgrade() -> None:
    pass  # what was dropped was never sent
