"""What can go wrong with products, in domain terms (the router maps them to HTTP)."""


class SkuTaken(Exception):
    """`sku` and `product_id`: the product that has the SKU, as stored (not as asked
    for, which may differ in letter case); without an id, the SKU asked for."""

    def __init__(self, sku: str, product_id: int | None = None) -> None:
        which = f"product {product_id}; " if product_id is not None else ""
        super().__init__(
            f"a product with SKU {sku!r} already exists "
            f"({which}SKUs are compared ignoring letter case)"
        )


class CatalogBusy(Exception):
    """A change refused because an import (or another long operation) holds what it
    needs: delete-all during an import, or any change kept waiting too long.
    `retry_after`: the seconds after which trying again may succeed."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidCursor(ValueError):
    """A `cursor` that this API did not issue, or issued for another sort."""
