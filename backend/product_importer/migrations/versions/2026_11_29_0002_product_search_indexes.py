"""Indexes behind the products API's filters and sorts at a million rows.

- trigram GIN on `sku` and on `name`: case-insensitive substring filters and `q`;
- `(lower(name), id)` and `(updated_at, id)`: the `name` and `updated_at` sorts;
- the `sku` sort uses the unique `lower(sku)` index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_products_sku_trgm ON products USING gin (sku gin_trgm_ops)")
    op.execute("CREATE INDEX ix_products_name_trgm ON products USING gin (name gin_trgm_ops)")
    op.execute("CREATE INDEX ix_products_name_lower_id ON products (lower(name), id)")
    op.execute("CREATE INDEX ix_products_updated_at_id ON products (updated_at, id)")


def downgrade() -> None:
    for name in (
        "ix_products_updated_at_id",
        "ix_products_name_lower_id",
        "ix_products_name_trgm",
        "ix_products_sku_trgm",
    ):
        op.execute(f"DROP INDEX IF EXISTS {name}")
