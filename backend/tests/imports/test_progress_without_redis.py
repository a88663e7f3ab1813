"""Redis gone while an import runs: the import completes (progress stays on its row,
which viewers poll), and the worker's log says so once, not at every update."""

import logging

from product_importer.embedded import free_port
from product_importer.imports import runner
from tests.imports.helpers import csv_bytes, products, stored_import
from tests.settings_helpers import settings_env


def test_an_import_completes_without_redis_and_logs_it_once(caplog):
    rows = [f"N-{i},Name {i}" for i in range(50)]
    import_id = stored_import(csv_bytes("sku,name", *rows))
    nothing_there = f"redis://127.0.0.1:{free_port()}/0"
    with settings_env(REDIS_URL=nothing_there), caplog.at_level(logging.INFO):
        assert runner.run_import(import_id) == "completed"
    assert len(products()) == 50
    unpublished = [r for r in caplog.records if "could not publish" in r.getMessage()]
    assert len(unpublished) == 1, [r.getMessage() for r in unpublished]
