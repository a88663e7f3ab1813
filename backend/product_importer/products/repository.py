"""SQL for single products and for delete-all, as Core statements that the API's
async session and a worker's sync session both execute. Listing, counting and
export queries are in `list_queries`."""

from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Insert,
    Select,
    Table,
    TextClause,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql.dml import ReturningDelete, ReturningInsert, ReturningUpdate

from product_importer.products.models import Product, ProductDeletion

products = cast(Table, Product.__table__)
COLUMNS = tuple(products.c)
SKU_INDEX = "uq_products_sku_lower"


def limit_lock_waits(seconds: float) -> TextClause:
    """Any lock this transaction waits for longer than `seconds` fails it (55P03)."""
    return text("SELECT set_config('lock_timeout', :timeout, true)").bindparams(
        timeout=f"{round(seconds * 1000)}ms"
    )


def lock_for_row_changes() -> TextClause:
    """The lock every UPDATE or DELETE of `products` takes, taken before any row lock.

    A rebuilding import holds SHARE ROW EXCLUSIVE and later needs ACCESS EXCLUSIVE
    to swap tables: a request that held a row lock while it waited would deadlock
    with that swap; one that waits for this lock first holds nothing meanwhile."""
    return text("LOCK TABLE products IN ROW EXCLUSIVE MODE")


def select_product(product_id: int, *, for_update: bool = False) -> Select[Any]:
    statement = select(*COLUMNS).where(products.c.id == product_id)
    return statement.with_for_update() if for_update else statement


def sku_holder(sku: str, other_than: int | None = None) -> Select[Any]:
    """`id` and `sku` of the product that has `sku` in any letter case, if not
    `other_than`."""
    statement = select(products.c.id, products.c.sku).where(
        func.lower(products.c.sku) == func.lower(sku)
    )
    if other_than is not None:
        statement = statement.where(products.c.id != other_than)
    return statement


def insert_product(values: dict[str, Any]) -> ReturningInsert[Any]:
    """Inserts, or returns no row when the SKU exists in any letter case (also when
    a concurrent insert of the same SKU commits first: this one waits for it)."""
    return (
        pg_insert(products)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[func.lower(products.c.sku)])
        .returning(*COLUMNS)
    )


def update_product(product_id: int, values: dict[str, Any]) -> ReturningUpdate[Any]:
    """Applies `values` and bumps `updated_at`, or returns no row when nothing would
    change (no rewrite, no event). Stamped when this statement starts, after the locks the
    request waited for (an import's, say), not when its transaction began: never older
    than the change it follows."""
    changed = or_(*(products.c[field].is_distinct_from(value) for field, value in values.items()))
    return (
        update(products)
        .where(products.c.id == product_id, changed)
        .values(**values, updated_at=func.statement_timestamp())
        .returning(*COLUMNS)
    )


def delete_product(product_id: int) -> ReturningDelete[Any]:
    return delete(products).where(products.c.id == product_id).returning(*COLUMNS)


def record_deletion(sku: str, when: ColumnElement[bool]) -> Insert:
    """Noted only `when` (in the same statement), stamped as an edit is (`update_product`),
    to be compared with an import's merge."""
    noted = select(func.lower(sku), func.statement_timestamp()).where(when)
    return insert(ProductDeletion).from_select(["sku_lower", "deleted_at"], noted)


def product_total() -> Select[Any]:
    """The exact number of products, kept by triggers (migration 0005)."""
    return select(func.product_count())


def truncate_products() -> TextClause:
    """Ids are not restarted: a new product never reuses the id of a deleted one."""
    return text("TRUNCATE products")
