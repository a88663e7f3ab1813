"""What can go wrong with products, in domain terms (the router maps them to HTTP)."""


class SkuTaken(Exception):
    """`sku` and `product_id`: the product that has the SKU, as stored (not as asked
    for, which may differ in letter case); without an id, the SKU asked for. The
    message is for people, who know products by SKU (the UI shows it as it is); the id
    is for the API's answer to point at."""

    def __init__(self, sku: str, product_id: int | None = None) -> None:
        super().__init__(
            f"a product with SKU {sku!r} already exists (SKUs are compared ignoring letter case)"
        )
        self.product_id = product_id


class CatalogBusy(Exception):
    """A change refused because an import (or another long operation) holds what it
    needs: delete-all during an import, or any change kept waiting too long.
    `retry_after`: the seconds after which trying again may succeed."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidCursor(ValueError):
    """A `cursor` that this API did not issue, or issued for another sort."""
