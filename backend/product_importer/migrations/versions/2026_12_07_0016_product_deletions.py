"""Products: `product_deletions`, the products deleted through the API while an import
was queued or running, so that a merge that began before such a delete does not create
the product again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_deletions",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("sku_lower", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_product_deletions"),
    )


def downgrade() -> None:
    op.drop_table("product_deletions")
