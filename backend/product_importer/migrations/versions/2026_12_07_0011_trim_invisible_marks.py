"""Products: SKUs and names stored with a zero-width space or byte order mark around
them (trimmed on the way in since), trimmed, so that the same SKU from a file or the
API meets them again. A SKU that would then be another product's (in any letter case)
is left as it is.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from product_importer.migration_steps import trim_products

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# `field_rules.TRIM_CHARS` as of this revision (White_Space, U+200B and U+FEFF).
TRIM_CHARS = (
    "\t\n\v\f\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
    "\u200b\ufeff"
)


def upgrade() -> None:
    trim_products(op.get_bind(), TRIM_CHARS)


def downgrade() -> None:
    pass  # the marks trimmed are not worth keeping
