"""Exact product totals without `count(*)`, and an index for inactive products.

`count(*)` over a million products takes ~50 ms, so the total is kept by
statement-level triggers instead: every INSERT, DELETE or TRUNCATE on `products`
adds one signed delta row to `product_counts` in the same transaction, so the
total is exactly as transactional as the rows themselves (a rolled-back import
leaves it untouched). Deltas are folded into one row as they arrive (skipping
rows another transaction holds, so writers never wait on each other), and
`product_count()` sums a handful of rows.

Rows are keyed by the table's oid. When `products` is replaced by a rebuilt table
(the import's bulk path), no row matches the new oid, and `product_count()` counts
the new table once and keeps that as its base.

The partial index on inactive products serves `is_active=false` lists and the
inactive count (`is_active=true` totals are `product_count()` minus it); imports
only create active products, so they never write to it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTIONS = """
CREATE FUNCTION product_counts_add(relid oid, delta bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF delta <> 0 THEN
    INSERT INTO product_counts (rel, total) VALUES (relid, delta);
  END IF;
  -- Fold the deltas no other transaction is holding into one row.
  WITH folded AS (
    DELETE FROM product_counts
    WHERE id IN (SELECT id FROM product_counts WHERE rel = relid AND NOT is_base
                 FOR UPDATE SKIP LOCKED)
    RETURNING total)
  INSERT INTO product_counts (rel, total)
  SELECT relid, sum(total) FROM folded HAVING count(*) > 0 AND sum(total) <> 0;
END $$;

CREATE FUNCTION products_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM product_counts_add(TG_RELID, (SELECT count(*) FROM inserted_rows));
  RETURN NULL;
END $$;

CREATE FUNCTION products_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM product_counts_add(TG_RELID, -(SELECT count(*) FROM deleted_rows));
  RETURN NULL;
END $$;

CREATE FUNCTION products_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM product_counts WHERE rel = TG_RELID;
  INSERT INTO product_counts (rel, total, is_base) VALUES (TG_RELID, 0, true);
  RETURN NULL;
END $$;

CREATE FUNCTION product_count() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  relid oid := 'products'::regclass;
  n bigint;
  based boolean;
BEGIN
  SELECT coalesce(sum(total), 0), coalesce(bool_or(is_base), false) INTO n, based
  FROM product_counts WHERE rel = relid;
  IF based THEN
    RETURN n;
  END IF;
  -- First use, or `products` was replaced: count once, in one snapshot with the
  -- deltas already recorded for this table, and keep the difference as the base.
  DELETE FROM product_counts
  WHERE id IN (SELECT id FROM product_counts WHERE rel <> relid FOR UPDATE SKIP LOCKED);
  INSERT INTO product_counts (rel, total, is_base)
  SELECT relid,
         (SELECT count(*) FROM products)
         - (SELECT coalesce(sum(total), 0) FROM product_counts WHERE rel = relid),
         true
  ON CONFLICT (rel) WHERE is_base DO NOTHING;
  SELECT coalesce(sum(total), 0) INTO n FROM product_counts WHERE rel = relid;
  RETURN n;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER products_count_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS inserted_rows
  FOR EACH STATEMENT EXECUTE FUNCTION products_count_inserted();
CREATE TRIGGER products_count_delete AFTER DELETE ON products
  REFERENCING OLD TABLE AS deleted_rows
  FOR EACH STATEMENT EXECUTE FUNCTION products_count_deleted();
CREATE TRIGGER products_count_truncate AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION products_count_truncated();
"""


def upgrade() -> None:
    op.create_table(
        "product_counts",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("rel", postgresql.OID(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("is_base", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_product_counts"),
    )
    op.create_index(
        "uq_product_counts_base",
        "product_counts",
        ["rel"],
        unique=True,
        postgresql_where=sa.text("is_base"),
    )
    op.execute(FUNCTIONS)
    op.execute("LOCK TABLE products IN SHARE MODE")
    op.execute(TRIGGERS)
    op.execute("SELECT product_count()")
    op.execute("CREATE INDEX ix_products_inactive ON products (id) WHERE NOT is_active")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_products_inactive")
    for trigger in ("products_count_truncate", "products_count_delete", "products_count_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON products")
    for function in (
        "product_count()",
        "products_count_truncated()",
        "products_count_deleted()",
        "products_count_inserted()",
        "product_counts_add(oid, bigint)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_table("product_counts")
