"""What can go wrong with products, in domain terms (the router maps them to HTTP)."""


class SkuTaken(Exception):
    def __init__(self, sku: str) -> None:
        super().__init__(
            f"a product with SKU {sku!r} already exists (SKUs are compared ignoring letter case)"
        )


class CatalogBusy(Exception):
    """A change refused because an import (or another long operation) holds what it
    needs: delete-all during an import, or any change kept waiting too long."""


class InvalidCursor(ValueError):
    """A `cursor` that this API did not issue, or issued for another sort."""
