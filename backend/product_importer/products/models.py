"""The products table. SKU identity is `lower(sku)` (unique index)."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Text, func, text
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
    )
