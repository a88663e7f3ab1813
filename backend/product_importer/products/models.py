"""The products table (SKU identity is `lower(sku)`, unique) and its running total.

`product_counts` is written only by the triggers of migration 0005; read the total
with `SELECT product_count()`.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Text, func, text
from sqlalchemy.dialects.postgresql import OID
from sqlalchemy.orm import Mapped, mapped_column

from product_importer.models_base import Base, created_at_column, updated_at_column


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sku: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    __table_args__ = (
        Index("uq_products_sku_lower", func.lower(sku), unique=True),
        Index(
            "ix_products_sku_trgm",
            sku,
            postgresql_using="gin",
            postgresql_ops={"sku": "gin_trgm_ops"},
        ),
        Index(
            "ix_products_name_trgm",
            name,
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        Index("ix_products_name_lower_id", func.lower(name), id),
        Index("ix_products_updated_at_id", updated_at, id),
        Index("ix_products_inactive", id, postgresql_where=text("NOT is_active")),
    )


class ProductDeletion(Base):
    """A product deleted through the API while an import was queued or running: a merge
    that began before the delete must not create the product again (as an edit made then
    stays; `imports.staging_sql.UNDO_DELETED`). Each import forgets them as it ends."""

    __tablename__ = "product_deletions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sku_lower: Mapped[str] = mapped_column(Text, nullable=False)
    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ProductCount(Base):
    """A signed change to the number of rows of the table with oid `rel`; the base row
    (`is_base`) is the count when counting started. Their sum is the total."""

    __tablename__ = "product_counts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    rel: Mapped[int] = mapped_column(OID, nullable=False)
    total: Mapped[int] = mapped_column(BigInteger, nullable=False)
    is_base: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))

    __table_args__ = (
        Index("uq_product_counts_base", rel, unique=True, postgresql_where=text("is_base")),
    )
