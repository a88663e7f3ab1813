"""The last row of a SKU decides what the import does with it: when that row is skipped,
the SKU is skipped as a whole. An earlier row of it, which the file meant to replace,
is never applied instead (it would write values the file had moved on from)."""

from tests.imports.helpers import csv_bytes, import_file, products

NAME_MAX = 255
LINES = (
    "sku,name",
    "L-1,Old value",
    "l-1,",  # the last L-1: no name
    "L-2,Fine",
    "L-3,",  # skipped, then fixed by a later row
    "L-3,Fixed later",
    "L-4,Old too",
    "l-4," + "n" * (NAME_MAX + 1),  # the last L-4: a name too long
)


def _counts(result: dict) -> tuple[int, ...]:
    keys = ("created", "updated", "unchanged", "skipped", "duplicates_in_file")
    return tuple(result[key] for key in keys)


async def test_a_sku_whose_last_row_is_skipped_is_not_created_from_an_earlier_row(client, worker):
    result = await import_file(client, csv_bytes(*LINES))

    assert result["status"] == "completed", result
    assert {sku: row[1] for sku, row in products().items()} == {"l-2": "Fine", "l-3": "Fixed later"}
    # 7 rows: 3 skipped, 2 applied, 2 replaced by a later row of their SKU.
    assert _counts(result) == (2, 0, 0, 3, 2)
    errors = (await client.get(f"/api/v1/imports/{result['id']}/errors.csv")).text.splitlines()
    assert [line.split(",")[:2] for line in errors[1:]] == [
        ["3", "name"],
        ["5", "name"],
        ["8", "name"],
    ]


async def test_a_sku_whose_last_row_is_skipped_keeps_its_product_as_it_was(client, worker):
    await import_file(client, csv_bytes("sku,name", "L-1,Current", "L-4,Current too"))
    before = products()

    result = await import_file(client, csv_bytes(*LINES))

    assert result["status"] == "completed", result
    assert products()["l-1"] == before["l-1"] and products()["l-4"] == before["l-4"]
    assert products()["l-3"][1] == "Fixed later"
    assert _counts(result) == (2, 0, 0, 3, 2)
