"""Steps that more than one migration takes. Each migration passes its own frozen
values: a step may be reused, never changed in what it does."""

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# A SKU that would become another product's (in any letter case) is left as it is.
_TRIM_SKUS = sa.text("""
    WITH trimmed AS (
        SELECT id, btrim(sku, :chars) AS sku FROM products WHERE sku <> btrim(sku, :chars)
    ), clear AS (
        SELECT t.id, t.sku FROM trimmed t
        WHERE t.sku <> ''
          AND NOT EXISTS (
              SELECT FROM products o WHERE lower(o.sku) = lower(t.sku) AND o.id <> t.id)
          AND NOT EXISTS (
              SELECT FROM trimmed u WHERE lower(u.sku) = lower(t.sku) AND u.id <> t.id)
    )
    UPDATE products p SET sku = clear.sku FROM clear WHERE p.id = clear.id
""")
_TRIM_NAMES = sa.text("""
    UPDATE products SET name = btrim(name, :chars)
    WHERE name <> btrim(name, :chars) AND btrim(name, :chars) <> ''
""")


def trim_products(connection: Connection, chars: str) -> None:
    """Stored SKUs and names trimmed of `chars`, as the import and the API trim them
    since, so that the same SKU from a file or the API meets them again."""
    connection.execute(_TRIM_SKUS, {"chars": chars})
    connection.execute(_TRIM_NAMES, {"chars": chars})
