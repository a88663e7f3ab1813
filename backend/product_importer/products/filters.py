"""What a product list asks for: filters and sort order, independent of HTTP and SQL."""

from dataclasses import dataclass
from enum import StrEnum


class ProductSort(StrEnum):
    ID = "id"
    ID_DESC = "-id"
    SKU = "sku"
    SKU_DESC = "-sku"
    NAME = "name"
    NAME_DESC = "-name"
    UPDATED_AT = "updated_at"
    UPDATED_AT_DESC = "-updated_at"

    @property
    def field(self) -> str:
        return self.value.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")

    def reversed(self) -> "ProductSort":
        return ProductSort(self.field if self.descending else f"-{self.field}")


@dataclass(frozen=True)
class ProductFilters:
    """Case-insensitive substring filters (`q` matches SKU or name) and `is_active`.
    An empty string means no filter."""

    q: str | None = None
    sku: str | None = None
    name: str | None = None
    description: str | None = None
    is_active: bool | None = None

    @property
    def substrings(self) -> dict[str, str]:
        terms = {"q": self.q, "sku": self.sku, "name": self.name, "description": self.description}
        return {field: term for field, term in terms.items() if term}

    @property
    def any(self) -> bool:
        return bool(self.substrings) or self.is_active is not None
