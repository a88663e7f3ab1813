"""End-to-end imports through the API and a real worker: counts and resulting products."""

from tests.imports.helpers import csv_bytes, import_file, products


async def test_a_simple_file_imports_every_row(client, worker):
    result = await import_file(
        client, csv_bytes("sku,name,description", "A-1,Kettle,Steel", "B-2,Mug,")
    )
    assert result["status"] == "completed", result
    assert (result["created"], result["updated"], result["unchanged"]) == (2, 0, 0)
    assert result["total_rows"] == 2 and result["processed_rows"] == 2
    assert result["progress"] == 100
    assert products() == {
        "a-1": ("A-1", "Kettle", "Steel", True),
        "b-2": ("B-2", "Mug", None, True),
    }
