"""`generate_csv.py`: a deterministic, realistic file for trying and benchmarking
imports, and a clear refusal of arguments it cannot honour."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[3] / "generate_csv.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120
    )


def test_a_seed_gives_the_same_file_and_another_seed_another():
    first, again, other = (
        _run("--rows", "2000"),
        _run("--rows", "2000"),
        _run("--rows", "2000", "--seed", "7"),
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout != other.stdout


def test_the_file_has_the_rows_asked_for_with_case_variant_duplicates():
    result = _run("--rows", "5000", "--duplicates", "0.2")
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0] == ["sku", "name", "description"] and len(rows) == 5001
    skus = [row[0] for row in rows[1:]]
    distinct = {sku.lower() for sku in skus}
    assert 0.15 < 1 - len(distinct) / len(skus) < 0.25
    firsts: dict[str, str] = {}
    for sku in skus:
        if sku.lower() in firsts:  # a repeat differs from the SKU's first row in case
            assert sku != firsts[sku.lower()], sku
        else:
            firsts[sku.lower()] = sku
    assert f"5000 rows, {len(distinct)} distinct SKUs" in result.stderr
    text = result.stdout
    assert '"' in text and any(not char.isascii() for char in text)
    assert any("," in row[1] for row in rows[1:]) and any("," in row[2] for row in rows[1:])


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--rows", "-5"], "--rows must be 0 or more"),
        (["--duplicates", "2"], "--duplicates must be a ratio from 0 to 1"),
        (["--duplicates", "-0.1"], "--duplicates must be a ratio from 0 to 1"),
    ],
)
def test_arguments_it_cannot_honour_are_refused(args, said):
    result = _run(*args)
    assert result.returncode == 2 and said in result.stderr, result.stderr
    assert result.stdout == ""


def test_an_output_file_it_cannot_write_is_said_in_one_line(tmp_path):
    result = _run("--rows", "10", "--out", str(tmp_path / "missing" / "products.csv"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: cannot write ") and "missing" in result.stderr
