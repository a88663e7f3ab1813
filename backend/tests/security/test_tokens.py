"""Tokens made with `product-importer tokens`: stored hashed, usable at once (with the
cache off), revoked by name; and the startup log says whether the API is open."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import psycopg2
import pytest
from sqlalchemy import text

from product_importer.cli import main
from product_importer.db import sync_engine
from product_importer.embedded import free_port
from product_importer.security.token_format import hash_token
from tests.privileges import needs_root_and_setpriv, without_ptrace
from tests.security.conftest import API_TOKENS, bearer
from tests.settings_helpers import settings_env


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["tokens", *args])
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def _audit() -> list[tuple[str | None, str, str | None, dict]]:
    with sync_engine().connect() as conn:
        rows = conn.execute(text("SELECT actor, action, target, detail FROM audit_log ORDER BY id"))
        return [tuple(row) for row in rows]


async def test_create_list_and_revoke(make_client, capsys):
    code, token, err = _cli(capsys, "create", "ci")
    assert code == 0, err
    token = token.strip()
    assert token.startswith("pi_") and len(token) >= 40
    assert "shown only this once" in err
    with sync_engine().connect() as conn:
        stored = conn.execute(text("SELECT name, token_hash FROM api_tokens")).all()
    assert [tuple(row) for row in stored] == [("ci", hash_token(token))]  # only the hash

    http = await make_client(api_token_cache_seconds=0)
    assert (await http.get("/api/v1/products")).status_code == 401  # a token closes the API
    assert (await http.get("/api/v1/products", headers=bearer(token))).status_code == 200

    code, out, _ = _cli(capsys, "list")
    assert code == 0 and out.startswith("ci\tcreated ") and "live" in out
    assert token not in out

    assert _cli(capsys, "create", "ci")[0] == 1  # one live token per name
    code, _, err = _cli(capsys, "create", "no spaces")
    assert code == 64 and "token name 'no spaces' is invalid" in err  # a wrong command line
    assert _cli(capsys, "revoke", "nobody")[0] == 1
    code, other, _ = _cli(capsys, "create", "keeper")
    assert code == 0

    code, _, err = _cli(capsys, "revoke", "ci")
    assert code == 0 and "revoked" in err and "OPEN" not in err
    response = await http.get("/api/v1/products", headers=bearer(token))
    assert response.status_code == 401
    assert "revoked token" in response.json()["detail"]
    assert (await http.get("/api/v1/products", headers=bearer(other.strip()))).status_code == 200
    assert "revoked" in _cli(capsys, "list", "--all")[1]
    assert _cli(capsys, "list")[1].startswith("keeper\t")

    # Revoking the last live token opens the API again, and the command says so.
    code, _, err = _cli(capsys, "revoke", "keeper")
    assert code == 0 and "the API is OPEN" in err
    assert (await http.get("/api/v1/products")).status_code == 200
    assert _audit() == [
        ("(cli)", "token.created", "token ci", {}),
        ("(cli)", "token.created", "token keeper", {}),
        ("(cli)", "token.revoked", "token ci", {}),
        ("ci", "auth.failed", "/api/v1/products", {"reason": "revoked token", "method": "GET"}),
        ("(cli)", "token.revoked", "token keeper", {}),
    ]


def test_list_says_when_there_is_no_token_to_list(capsys):
    assert _cli(capsys, "list") == (0, "", "no tokens\n")
    assert _cli(capsys, "create", "ci")[0] == 0
    assert _cli(capsys, "revoke", "ci")[0] == 0
    assert _cli(capsys, "list") == (
        0,
        "",
        "no live tokens (`tokens list --all` shows revoked ones)\n",
    )
    code, out, _ = _cli(capsys, "list", "--all")
    assert code == 0 and out.startswith("ci\tcreated ")


def test_names_of_api_tokens_are_listed_and_not_taken_again(capsys):
    """One name for two tokens (one in the environment, one in the database) and the
    audit log could not tell them apart; `list` said "no tokens" with API_TOKENS set."""
    with settings_env(API_TOKENS=API_TOKENS):
        code, out, err = _cli(capsys, "list")
        assert (code, err) == (0, "")
        assert out == "catalog-admin\tin API_TOKENS\tlive\nviewer\tin API_TOKENS\tlive\n"
        code, _, err = _cli(capsys, "create", "viewer")
        assert code == 1
        assert err == (
            "error: 'viewer' is a token of API_TOKENS: pick another name for a token in the "
            "database\n"
        )
        code, _, err = _cli(capsys, "revoke", "viewer")
        assert code == 1
        assert "'viewer' is a token of API_TOKENS: remove it from API_TOKENS where" in err
    assert _audit() == []


def test_generate_needs_no_database(capsys):
    code, out, err = _cli(capsys, "generate")
    token = out.strip()
    assert code == 0 and token.startswith("pi_")
    assert f"sha256:{hash_token(token)}" in err


def _server_log(env_extra: dict[str, str]) -> str:
    """Start the API as `serve` does (uvicorn, the app factory) and return its log."""
    port = free_port()
    env = {**os.environ, **env_extra}
    command = [sys.executable, "-m", "uvicorn", "product_importer.app:create_app", "--factory"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--log-level", "info"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    answered = False
    try:
        deadline = time.monotonic() + 120
        while not answered and time.monotonic() < deadline and process.poll() is None:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
                answered = True
            except httpx.HTTPError:
                time.sleep(0.2)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert answered, f"the API never answered:\n{output.decode()}"
    return output.decode()


def test_startup_log_says_plainly_whether_the_api_is_open():
    log = _server_log({})
    assert "WARNING:  No API token is configured: the API is OPEN" in log, log
    log = _server_log({"API_TOKENS": API_TOKENS})
    assert "No API token" not in log, log
    assert "API tokens required on /api/v1 (2 configured: catalog-admin, viewer)" in log, log


def test_a_stale_pid_file_does_not_send_the_cli_to_another_database(tmp_path):
    """The CLI finds a running `serve`'s database through its pid file: one that names
    another data dir's live server (its pid reused) must not be taken for it."""
    from product_importer.embedded import EmbeddedPostgres

    other = EmbeddedPostgres(tmp_path / "other")
    other.start()
    try:
        ours = tmp_path / "ours" / "postgres" / "pgdata"
        ours.mkdir(parents=True)
        (ours / "postmaster.pid").write_text((other.pgdata / "postmaster.pid").read_text())
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["DATA_DIR"] = str(tmp_path / "ours")
        result = subprocess.run(
            [sys.executable, "-m", "product_importer.cli", "tokens", "create", "ci"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "token 'ci' created" in result.stderr
        with psycopg2.connect(other.url) as conn, conn.cursor() as cur:
            cur.execute("SELECT to_regclass('api_tokens')")
            assert cur.fetchone() == (None,), "the other database was used"
    finally:
        other.stop()


@needs_root_and_setpriv
@pytest.mark.timeout(180)
def test_the_cli_finds_a_running_server_whose_directory_it_cannot_read(tmp_path):
    """The running `serve`'s database is found by asking the server on the port its pid
    file names which data dir it serves: its working directory cannot be read as root
    without CAP_SYS_PTRACE (nor read at all without /proc)."""
    from product_importer.embedded import EmbeddedPostgres

    running = EmbeddedPostgres(tmp_path)  # serve's, as the CLI finds it
    running.start()
    try:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["DATA_DIR"] = str(tmp_path)
        command = [sys.executable, "-m", "product_importer.cli"]
        migrate = {**env, "DATABASE_URL": running.url}
        subprocess.run([*command, "migrate"], env=migrate, check=True, capture_output=True)
        result = subprocess.run(
            without_ptrace([*command, "tokens", "create", "ci"]),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        with psycopg2.connect(running.url) as conn, conn.cursor() as cur:
            cur.execute("SELECT name FROM api_tokens")
            assert cur.fetchall() == [("ci",)]
    finally:
        running.stop()


def test_without_a_database_or_a_server_the_command_says_which_database_it_used(tmp_path):
    """A server elsewhere (another DATA_DIR, a DATABASE_URL) would never see tokens made
    in a database started for the command: the command says it started one, and where."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "product_importer.cli", "tokens", "list"]
    listed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert listed.returncode == 0, listed.stderr
    said, answer = listed.stderr.splitlines()[0], listed.stderr.splitlines()[-1]
    assert said.startswith(f"# no server running for DATA_DIR={tmp_path / 'data'}: using its ")
    assert answer == "no tokens"
