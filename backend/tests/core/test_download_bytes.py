"""PostgreSQL writes the downloads (`COPY … TO STDOUT`, cells made in SQL): their bytes
are exactly what Python's csv module writes for the same values, with the spreadsheet
guard, `isoformat()` timestamps and CRLF line ends, whatever the values hold."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

import pytest
from sqlalchemy import text

from product_importer.core.spooled_download import CrlfRowEnds
from product_importer.core.spreadsheet import safe_cell_sql, unguarded_sql
from product_importer.db import async_engine, sync_engine
from product_importer.products import export
from product_importer.products import list_queries as sql
from product_importer.products.filters import ProductFilters, ProductSort
from tests.imports.helpers import import_with_errors
from tests.products.helpers import API, copy_products

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TRICKY = [
    "plain",
    "comma, inside",
    'quote " inside',
    '"',
    '""',
    "line\nbreak",
    "cr\ronly",
    "crlf\r\nend",
    "\n",
    "\r\n",
    "ends with a break\n",
    '"quoted, and\nbroken"',
    "=formula",
    "+plus",
    "-minus",
    "@at",
    "\ttab first",
    "\rcr first",
    "'=guarded",
    "''-twice",
    "'plain quote",
    "'",
    "back\\slash",
    "\\.",
    "\\N",
    " spaced ",
    "NULL",
    "é 日本 🙂",
    "\u00a0no-break",
    "a\tb",
    "x" * 300,
]


def python_guard(value: str) -> str:
    """The spreadsheet guard, as its rule says (`core.spreadsheet`)."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_STARTS) else value


def python_unguard(value: str) -> str:
    guarded = value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS)
    return value[1:] if guarded else value


def python_csv(rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def sql_value(expression: str, value: str | None) -> str:
    with sync_engine().connect() as conn:
        return conn.execute(text(f"SELECT {expression}"), {"v": value}).scalar_one()


@pytest.mark.parametrize("value", TRICKY)
def test_the_sql_guard_rules_are_the_python_rules(value):
    guarded = sql_value(safe_cell_sql("CAST(:v AS text)"), value)
    assert guarded == python_guard(value)
    assert sql_value(unguarded_sql("CAST(:v AS text)"), value) == python_unguard(value)
    assert sql_value(unguarded_sql("CAST(:v AS text)"), guarded) == value


def test_the_guard_goes_on_a_leading_formula_character_only():
    guard = safe_cell_sql("CAST(:v AS text)")
    assert [sql_value(guard, value) for value in ("a=b", "", "-5", "'=x", "'quoted")] == [
        "a=b",
        "",
        "'-5",
        "''=x",
        "'quoted",
    ]
    assert sql_value(unguarded_sql("CAST(:v AS text)"), None) == ""


def _tricky_products(times: int = 3) -> None:
    copy_products(
        [
            (f"{value[:50]}#{i}", f"{value} {i}", value if i % 3 else None, i % 2 == 0)
            for i, value in enumerate(TRICKY * times)
        ]
    )
    with sync_engine().begin() as conn:
        # Timestamps with no microseconds, and with trailing zeros in them.
        conn.execute(
            text(
                "UPDATE products SET created_at = date_trunc('second', created_at) WHERE id % 3 = 0"
            )
        )
        conn.execute(
            text(
                "UPDATE products SET updated_at = date_trunc('second', updated_at) "
                "+ interval '0.1 second' WHERE id % 3 = 1"
            )
        )


def _python_row(row: Any) -> tuple[Any, ...]:
    return (
        row.id,
        python_guard(row.sku),
        python_guard(row.name),
        python_guard(row.description or ""),
        "true" if row.is_active else "false",
        row.created_at.isoformat(),
        row.updated_at.isoformat(),
    )


@pytest.mark.parametrize("sort", ["id", "-name", "updated_at"])
async def test_the_export_is_what_pythons_csv_writes(client, sort):
    _tricky_products()
    response = await client.get(f"{API}/export.csv?sort={sort}")
    assert response.status_code == 200
    async with async_engine().connect() as conn:
        statement = sql.export(ProductFilters(), ProductSort(sort), sql.COLUMNS)
        rows = (await conn.execute(statement)).all()
    assert len(rows) == len(TRICKY) * 3
    expected = "\ufeff".encode() + python_csv([export.HEADER, *map(_python_row, rows)])
    assert response.content == expected


async def test_a_large_export_split_in_many_pieces_is_what_pythons_csv_writes(client):
    """~0.8 MB: COPY's output reaches the API in many pieces, which split rows and quoted
    values with line breaks anywhere."""
    _tricky_products(times=200)
    response = await client.get(f"{API}/export.csv")
    assert response.status_code == 200
    async with async_engine().connect() as conn:
        statement = sql.export(ProductFilters(), ProductSort.ID, sql.COLUMNS)
        rows = (await conn.execute(statement)).all()
    assert len(response.content) > 500_000
    expected = "\ufeff".encode() + python_csv([export.HEADER, *map(_python_row, rows)])
    assert response.content == expected


async def test_the_error_report_is_what_pythons_csv_writes(client):
    import_id = import_with_errors(0)
    with sync_engine().begin() as conn:
        for i, value in enumerate(TRICKY):
            conn.execute(
                text(
                    'INSERT INTO import_errors (import_id, line, "column", reason, sku, name, '
                    "description) VALUES (:id, :line, :column, :reason, :v, :v, :description)"
                ),
                {
                    "id": import_id,
                    "line": i + 2,
                    "column": None if i % 2 else "name",
                    "reason": f"reason {value}",
                    "v": value,
                    "description": None if i % 3 else value,
                },
            )
        rows = conn.execute(
            text(
                'SELECT line, "column", reason, sku, name, description FROM import_errors '
                "WHERE import_id = :id ORDER BY line"
            ),
            {"id": import_id},
        ).all()
    response = await client.get(f"/api/v1/imports/{import_id}/errors.csv")
    assert response.status_code == 200
    cells = [[python_guard(python_unguard("" if v is None else str(v))) for v in r] for r in rows]
    header = ["line", "column", "reason", "sku", "name", "description"]
    expected = "\ufeff".encode() + python_csv([header, *cells])
    assert response.content == expected


def test_row_ends_become_crlf_wherever_copys_output_is_split():
    rows = [[value, f"{value} again", "x"] for value in TRICKY]
    # As COPY writes them: LF row ends, line breaks within values as they are.
    copied = b"".join(python_csv([row]).removesuffix(b"\r\n") + b"\n" for row in rows)
    for size in (1, 2, 3, 7, 64, len(copied)):
        row_ends = CrlfRowEnds()
        pieces = [copied[i : i + size] for i in range(0, len(copied), size)]
        assert b"".join(map(row_ends, pieces)) == python_csv(rows)
