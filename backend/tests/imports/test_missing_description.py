"""A file without a description column has no incoming description: the products it
matches keep theirs, on the row-by-row merge and on the rebuild, whichever path staged
the file. A file with the column still sets it (an empty cell clears it)."""

import pytest
from sqlalchemy import text

from product_importer.db import sync_engine
from tests.imports.helpers import csv_bytes, import_file, products

# A name with a quote that neither opens nor closes a field: the careful path reads it.
STRAY_QUOTE = 'Q-1,Monitor 27"'
STAGING = pytest.mark.parametrize("careful", [False, True], ids=["copy", "careful"])


def _updated_at() -> dict[str, object]:
    with sync_engine().connect() as conn:
        rows = conn.execute(text("SELECT lower(sku) k, updated_at FROM products"))
        return {r.k: r.updated_at for r in rows}


def _table_oid() -> int:
    """Changes when a rebuild swaps in a new table; the merge keeps it."""
    with sync_engine().connect() as conn:
        return int(conn.execute(text("SELECT 'products'::regclass::oid")).scalar_one())


def _counts(result: dict) -> tuple[int, int, int]:
    assert result["status"] == "completed", result
    return result["created"], result["updated"], result["unchanged"]


async def _catalog(client, count: int) -> None:
    """`count` products M-0… with descriptions."""
    rows = [f"M-{i},Name {i},Description {i}" for i in range(count)]
    assert _counts(await import_file(client, csv_bytes("sku,name,description", *rows)))[0] == count


@STAGING
async def test_a_reimport_without_descriptions_merges_nothing_and_keeps_them(
    client, worker, careful
):
    await _catalog(client, 40)
    before, oid = _updated_at(), _table_oid()
    rows = [f"M-{i},Name {i}" for i in range(40)]
    result = await import_file(client, csv_bytes("sku,name", *rows, *[STRAY_QUOTE] * careful))
    assert _counts(result) == (int(careful), 0, 40)
    catalog = products()
    assert [catalog[f"m-{i}"][2] for i in range(40)] == [f"Description {i}" for i in range(40)]
    assert {k: v for k, v in _updated_at().items() if k != "q-1"} == before
    assert _table_oid() == oid, "merged row by row"
    if careful:
        assert catalog["q-1"][1:3] == ('Monitor 27"', None)


@STAGING
async def test_a_name_change_without_descriptions_merges_the_name_only(client, worker, careful):
    await _catalog(client, 40)
    before, oid = _updated_at(), _table_oid()
    rows = [f"M-{i},Name {i}" for i in range(39)]
    lines = ["sku,name", *rows, "m-39,Renamed", "N-1,New", *[STRAY_QUOTE] * careful]
    result = await import_file(client, csv_bytes(*lines))
    assert _counts(result) == (1 + careful, 1, 39)
    catalog = products()
    assert catalog["m-39"][:3] == ("m-39", "Renamed", "Description 39")
    assert catalog["m-0"][2] == "Description 0"
    assert catalog["n-1"][2] is None, "a new product has no description"
    after = _updated_at()
    assert after["m-39"] > before["m-39"]
    assert {k: after[k] for k in before if k != "m-39"} == {
        k: v for k, v in before.items() if k != "m-39"
    }
    assert _table_oid() == oid, "merged row by row"


@STAGING
async def test_a_large_import_without_descriptions_rebuilds_and_keeps_them(client, worker, careful):
    await _catalog(client, 5)
    before, oid = _updated_at(), _table_oid()
    rows = [f"M-{i},Name {i}" for i in range(4)]
    new = [f"N-{i},New {i}" for i in range(50)]
    lines = ["sku,name", *rows, "M-4,Renamed", *new, *[STRAY_QUOTE] * careful]
    result = await import_file(client, csv_bytes(*lines))
    assert _counts(result) == (50 + careful, 1, 4)
    assert _table_oid() != oid, "rebuilt"
    catalog = products()
    assert [catalog[f"m-{i}"][2] for i in range(5)] == [f"Description {i}" for i in range(5)]
    assert catalog["m-4"][1] == "Renamed"
    assert {catalog[f"n-{i}"][2] for i in range(50)} == {None}
    after = _updated_at()
    assert {k: after[k] for k in before if k != "m-4"} == {
        k: v for k, v in before.items() if k != "m-4"
    }
    assert after["m-4"] > before["m-4"]


async def test_an_empty_description_cell_still_clears_it_on_both_paths(client, worker):
    await _catalog(client, 40)
    oid = _table_oid()
    merged = await import_file(client, csv_bytes("sku,name,description", "M-0,Name 0,"))
    assert _counts(merged) == (0, 1, 0)
    assert _table_oid() == oid, "merged row by row"
    assert products()["m-0"][2] is None

    new = [f"N-{i},New {i},x" for i in range(200)]
    rebuilt = await import_file(client, csv_bytes("sku,name,description", "M-1,Name 1,", *new))
    assert _counts(rebuilt) == (200, 1, 0)
    assert _table_oid() != oid, "rebuilt"
    catalog = products()
    assert catalog["m-1"][2] is None
    assert catalog["m-2"][2] == "Description 2"
