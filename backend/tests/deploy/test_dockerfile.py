"""The Dockerfile and its build context, checked without a Docker engine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.helpers import (
    DOCKERFILE,
    DOCKERIGNORE,
    ROOT,
    Stage,
    dockerfile_instructions,
    dockerfile_stages,
    dockerignore_rules,
    env_keys,
    image_version,
    in_build_context,
)

SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL", re.I)
HEALTHCHECK_SCRIPT = ROOT / "docker" / "healthcheck.py"


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return dockerfile_stages(DOCKERFILE.read_text())[1]


@pytest.fixture(scope="module")
def final(stages) -> Stage:
    return stages[-1]


def test_the_build_is_multi_stage_node_for_the_ui_then_slim_python(stages, final):
    assert len(stages) >= 2
    node = [s for s in stages if s.base.startswith("node:")]
    assert node, "a Node stage builds the UI"
    assert image_version(node[0].base)[0] >= 20
    assert any("npm ci" in run for run in node[0].all("RUN"))
    assert any("npm run build" in run for run in node[0].all("RUN"))
    assert final.base.startswith("python:") and "slim" in final.base
    assert image_version(final.base) >= (3, 11)


def test_the_runtime_gets_the_built_ui_and_points_the_api_at_it(stages, final):
    ui_stage = next(s for s in stages if s.base.startswith("node:"))
    copies = [c for c in final.all("COPY") if f"--from={ui_stage.name}" in c]
    assert copies and copies[0].split()[-2].endswith("/dist")
    destination = copies[0].split()[-1]
    env = " ".join(final.all("ENV"))
    assert f"FRONTEND_DIST={destination}" in env


def test_the_runtime_runs_as_a_non_root_user(final):
    users = final.all("USER")
    assert users, "the final stage sets USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    last_user_index = max(i for i, ins in enumerate(final.instructions) if ins.keyword == "USER")
    after = [ins.keyword for ins in final.instructions[last_user_index + 1 :]]
    assert "USER" not in after


def test_no_secret_is_baked_in():
    for instruction in dockerfile_instructions(DOCKERFILE.read_text()):
        if instruction.keyword in ("ENV", "ARG"):
            for key in env_keys(instruction.arguments):
                assert not SECRET_NAME.search(key), f"{instruction.keyword} {key}"
                assert key not in ("DATABASE_URL", "REDIS_URL"), "URLs come at run time"
        if instruction.keyword in ("COPY", "ADD"):
            assert ".env" not in instruction.arguments.split()[:-1]


def test_the_runtime_has_no_embedded_servers(stages):
    for stage in stages:
        for run in stage.all("RUN"):
            if "pip install" in run:
                assert "embedded" not in run, run
                assert "[dev" not in run, run
    backend = next(s for s in stages if any("pip install" in r for r in s.all("RUN")))
    assert backend.base.startswith("python:")


def test_the_container_defaults_suit_a_deployment(final):
    env = " ".join(final.all("ENV"))
    for setting in ("HOST=0.0.0.0", "SPAWN_WORKER=false", "WEBHOOK_ALLOW_PRIVATE_TARGETS=false"):
        assert setting in env
    cmd = final.all("CMD")[-1]
    assert cmd.startswith("["), "exec form, so signals reach the process"
    assert '"product-importer"' in cmd and '"serve"' in cmd


def test_the_healthcheck_script_is_shipped_and_used(final):
    assert HEALTHCHECK_SCRIPT.is_file()
    assert any("docker/healthcheck.py" in c for c in final.all("COPY"))
    healthcheck = final.all("HEALTHCHECK")
    assert healthcheck and "healthcheck.py" in healthcheck[-1]


def _copy_sources(stages: list[Stage]) -> list[str]:
    sources = []
    for stage in stages:
        for copy in stage.all("COPY"):
            words = [w for w in copy.split() if not w.startswith("--")]
            if "--from=" not in copy:
                sources += words[:-1]
    return sources


def test_the_build_context_holds_what_the_image_needs_and_no_more(stages):
    rules = dockerignore_rules(DOCKERIGNORE.read_text())
    for source in _copy_sources(stages):
        assert (ROOT / source).exists() or source.startswith("frontend"), source
        assert in_build_context(source, rules), source
    for needed in (
        "backend/product_importer/cli.py",
        "backend/product_importer/migrations/env.py",
        "frontend/package.json",
        "frontend/src/main.tsx",
    ):
        assert in_build_context(needed, rules), needed
    for kept_out in (
        ".env",
        "backend/.env",
        "frontend/.env",
        ".git/config",
        ".venv/bin/python",
        ".data/postgres/PG_VERSION",
        "frontend/node_modules/react/index.js",
        "frontend/dist/index.html",
        "backend/tests/conftest.py",
        "backend/product_importer/__pycache__/cli.cpython-311.pyc",
        "bench/results/latest.json",
        "catalog.csv",
    ):
        assert not in_build_context(kept_out, rules), kept_out


def _load_healthcheck():
    import importlib.util

    spec = importlib.util.spec_from_file_location("container_healthcheck", HEALTHCHECK_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_proc(root: Path, commands: dict[int, list[str]]) -> Path:
    for pid, argv in commands.items():
        (root / str(pid)).mkdir(parents=True)
        (root / str(pid) / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    (root / "self").mkdir()
    return root


@pytest.mark.parametrize(
    ("argv", "role"),
    [
        (["/opt/venv/bin/python", "/opt/venv/bin/product-importer", "serve"], "serve"),
        (["/opt/venv/bin/python", "/opt/venv/bin/product-importer", "worker", "-Q"], "worker"),
        (["python", "-m", "product_importer.cli", "worker", "--queues", "imports"], "worker"),
        (["/opt/venv/bin/python", "/opt/venv/bin/product-importer", "migrate"], ""),
        (["python", "worker.py", "serve"], ""),
    ],
)
def test_the_healthcheck_tells_the_container_role(tmp_path, argv, role):
    healthcheck = _load_healthcheck()
    proc = _fake_proc(tmp_path, {1: ["/sbin/docker-init", "--"], 7: argv})
    assert healthcheck.running_role(proc) == role


def test_the_healthcheck_fails_when_nothing_answers(tmp_path):
    result = subprocess.run(
        [sys.executable, str(HEALTHCHECK_SCRIPT), "api"],
        env={"PORT": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "unhealthy" in result.stderr
