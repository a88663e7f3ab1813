"""GET /products/export.csv: the list's filters and order, as CSV safe to open in
a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from product_importer.app import create_app
from product_importer.products.export import export_filename
from tests.imports.helpers import import_file, products
from tests.products.helpers import API, add_products, numbered

URL = f"{API}/export.csv"


def parse(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"), newline="")))


async def test_exports_every_product_with_all_fields(client):
    add_products(
        [
            {"sku": "A-1", "name": 'Mug, "large"', "description": "line one\nline two"},
            {"sku": "B-2", "name": "Café crème", "description": None, "is_active": False},
        ]
    )
    response = await client.get(URL)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="products-\d{8}-\d{6}\.csv"',
        response.headers["content-disposition"],
    )
    rows = parse(response)
    listed = (await client.get(API)).json()["items"]
    assert [row["id"] for row in rows] == [str(item["id"]) for item in listed]
    assert rows[0]["name"] == 'Mug, "large"' and rows[0]["description"] == "line one\nline two"
    assert rows[1]["name"] == "Café crème" and rows[1]["description"] == ""
    assert (rows[0]["is_active"], rows[1]["is_active"]) == ("true", "false")
    assert list(rows[0]) == [
        "id",
        "sku",
        "name",
        "description",
        "is_active",
        "created_at",
        "updated_at",
    ]
    assert rows[0]["created_at"] == listed[0]["created_at"].replace("Z", "+00:00")


async def test_applies_the_lists_filters_and_sort(client):
    add_products([*numbered(30), {"sku": "ZZ-%", "name": "Percent 100%"}])
    rows = parse(await client.get(f"{URL}?q=product 0001&sort=-name"))
    assert [row["sku"] for row in rows] == [f"SKU-000{i}" for i in range(19, 9, -1)]
    assert [row["sku"] for row in parse(await client.get(f"{URL}?name=%"))] == ["ZZ-%"]
    assert parse(await client.get(f"{URL}?q=nothing")) == []


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
async def test_cells_that_would_run_as_formulas_are_escaped(client, start):
    add_products(
        [
            {
                "sku": f"{start}SKU",
                "name": f"{start}cmd|' /C calc'!A0",
                "description": f'{start}HYPERLINK("http://x")',
            }
        ]
    )
    [row] = parse(await client.get(URL))
    assert row["sku"] == f"'{start}SKU"
    assert row["name"] == f"'{start}cmd|' /C calc'!A0"
    assert row["description"] == f'\'{start}HYPERLINK("http://x")'


ROUND_TRIP = ["-RT-1", "+Plus", "=fine print", "@home", "'=looks guarded", "''-x", "'plain", "a"]


async def test_an_exported_file_imports_unchanged(client, worker):
    """Export, then import the file as it is: nothing is created or changed, although
    cells starting like formulas were exported with a leading '."""
    add_products(
        [
            {"sku": sku, "name": name, "description": description}
            for sku, name, description in zip(
                ROUND_TRIP,
                reversed(ROUND_TRIP),
                ["@d", "-d", None, "'=d", "=d", "d", "+d", "\t=d"],
                strict=True,
            )
        ]
    )
    before = products()
    exported = await client.get(URL)
    assert "'-RT-1" in exported.text
    result = await import_file(client, exported.content)
    assert result["status"] == "completed", result
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, len(ROUND_TRIP))
    assert products() == before


async def test_streams_more_rows_than_one_batch(client):
    add_products(numbered(4_500))
    rows = parse(await client.get(URL))
    assert len(rows) == 4_500 and rows[-1]["sku"] == "SKU-04499"


async def test_invalid_parameters_are_422(client):
    response = await client.get(f"{URL}?sort=price")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "sort"]


async def test_rows_fixed_in_errors_csv_import_as_the_exported_values(client, worker):
    """errors.csv repeats a skipped row's guarded values with one guard, not two."""
    exported_row = "'-RT-9,,'=d"  # from an export; the name was then emptied
    result = await import_file(client, f"sku,name,description\n{exported_row}\n".encode())
    assert result["skipped"] == 1
    report = (await client.get(f"/api/v1/imports/{result['id']}/errors.csv")).text
    [row] = list(csv.DictReader(io.StringIO(report.removeprefix("\ufeff"), newline="")))
    assert (row["sku"], row["description"]) == ("'-RT-9", "'=d")
    row["name"] = "Fixed"
    fixed = io.StringIO()
    writer = csv.DictWriter(fixed, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    again = await import_file(client, fixed.getvalue().encode())
    assert again["created"] == 1
    assert products() == {"-rt-9": ("-RT-9", "Fixed", "=d", True)}


def test_an_export_is_named_after_the_utc_time_it_was_asked_for():
    asked_at = datetime(2026, 12, 7, 1, 3, 43, 999_999, tzinfo=timezone(timedelta(hours=1)))
    assert export_filename(asked_at) == "products-20261207-000343.csv"
    new_year = datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert export_filename(new_year) == "products-20270102-030405.csv"


def test_the_export_documents_the_lists_filters_and_sort_only():
    """A page's cursor means nothing to the export, which is every matching product."""
    schema = create_app().openapi()
    export = schema["paths"][f"{API}/export.csv"]["get"]["parameters"]
    listed = schema["paths"][API]["get"]["parameters"]
    page_only = {"cursor", "page", "page_size"}
    assert [p["name"] for p in export] == [p["name"] for p in listed if p["name"] not in page_only]
