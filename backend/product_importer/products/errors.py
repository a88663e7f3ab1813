"""What can go wrong with products, in domain terms (the router maps them to HTTP)."""


class ProductNotFound(LookupError):
    def __init__(self, product_id: int) -> None:
        super().__init__(f"product {product_id} not found")


class SkuTaken(Exception):
    def __init__(self, sku: str) -> None:
        super().__init__(
            f"a product with SKU {sku!r} already exists (SKUs are compared ignoring letter case)"
        )


class CatalogBusy(Exception):
    """Delete-all refused: an import is queued or running, or the table stayed locked."""


class InvalidCursor(ValueError):
    """A `cursor` that this API did not issue, or issued for another sort."""
