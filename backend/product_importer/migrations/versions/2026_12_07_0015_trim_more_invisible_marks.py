"""Products: SKUs and names stored with a soft hyphen, zero-width non-joiner, word
joiner or Mongolian vowel separator around them (trimmed on the way in since), trimmed,
as 0011 trimmed the zero-width space and byte order mark.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from product_importer.migration_steps import trim_products

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# `field_rules.TRIM_CHARS` as of this revision: 0011's, and the four marks above
# (all of it, as a value may hold a space inside a mark: "SKU-1 \u2060").
TRIM_CHARS = (
    "\t\n\v\f\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
    "\u200b\ufeff"
    "\xad\u180e\u200c\u2060"
)


def upgrade() -> None:
    trim_products(op.get_bind(), TRIM_CHARS)


def downgrade() -> None:
    pass  # the marks trimmed are not worth keeping
