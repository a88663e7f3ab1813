"""`product-importer serve` as a user runs it: start, stop with Ctrl-C, survive a SIGKILL."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import psycopg2
import pytest
import redis

from product_importer.config import get_settings
from product_importer.embedded import free_port
from product_importer.exit_codes import EXIT_CONFIG, EXIT_USAGE
from product_importer.supervisor import STOP_WORKERS_SECONDS
from product_importer.worker import STOP_DEADLINE_SECONDS
from tests.imports.helpers import MERGE_LOCK
from tests.privileges import needs_root_and_setpriv, without_ptrace
from tests.settings_helpers import settings_env


def _serve_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATA_DIR"] = str(data_dir)
    env["WORKER_CONCURRENCY"] = "1"
    return env


def _start(
    data_dir: Path, port: int, log: Path | None = None, out: Path | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "product_importer.cli", "serve", "--port", str(port)],
        env=_serve_env(data_dir),
        stdout=out.open("wb") if out else subprocess.DEVNULL,
        stderr=log.open("wb") if log else subprocess.DEVNULL,
        start_new_session=True,  # a process group of its own, as a terminal would give it
    )


@contextlib.contextmanager
def _serving(
    data_dir: Path, port: int, log: Path | None = None, out: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """`serve`, killed at the end if the test left it running."""
    process = _start(data_dir, port, log, out)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()


def _wait_healthy(
    port: int, process: subprocess.Popen[bytes], timeout: float = 90, log: Path | None = None
) -> dict:
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")[-2000:] if log else ""
            raise AssertionError(f"serve exited with {process.returncode}: {output}")
        try:
            body = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
            if body.get("status") == "ok" and body.get("workers") == 2:
                return body
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"not healthy in time: {body}")


def _descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def _wait_gone(processes: list[psutil.Process], timeout: float = 30) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    return [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.timeout(240)
def test_ctrl_c_stops_everything_serve_started(tmp_path):
    port = free_port()
    out = tmp_path / "serve.out"
    with _serving(tmp_path / "data", port, out=out) as process:
        health = _wait_healthy(port, process)
        assert health == {
            "status": "ok",
            "database": "ok",
            "redis": "ok",
            "workers": 2,
            "queues": {"imports": 1, "webhooks": 1},
        }
        children = _descendants(process.pid)
        names = {p.name() for p in children}
        assert "postgres" in names and any(n.startswith("redis-server") for n in names)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        assert _wait_gone(children) == []
    # The embedded servers' ports, chosen at the start, are named (for psql, redis-cli).
    said = out.read_text()
    embedded = r"Embedded PostgreSQL at postgresql://127\.0\.0\.1:\d+/\w+ and Redis at redis://"
    assert re.search(embedded + r"127\.0\.0\.1:\d+/0 \(data in .+data\)\n", said), said


def _sigterm(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)


def _ctrl_c_in_its_terminal(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGINT)  # the terminal signals its whole process group


@pytest.mark.timeout(300)
@pytest.mark.parametrize("stop", [_sigterm, _ctrl_c_in_its_terminal])
def test_stopping_during_an_import_stops_the_workers_before_the_servers(tmp_path, stop):
    """Workers are stopped, pool processes included, before the database and Redis they
    use: no worker is left to fail against stopped servers."""
    port, log = free_port(), tmp_path / "serve.log"
    with _serving(tmp_path / "data", port, log) as process:
        _wait_healthy(port, process, log=log)
        rows = "".join(f"T-{i},Name {i},{'x' * 60}\n" for i in range(300_000))
        api = f"http://127.0.0.1:{port}/api/v1/imports"
        files = {"file": ("t.csv", b"sku,name,description\n" + rows.encode())}
        import_id = httpx.post(api, files=files, timeout=120).json()["id"]
        while httpx.get(f"{api}/{import_id}", timeout=5).json()["status"] == "queued":
            time.sleep(0.05)
        children = _descendants(process.pid)
        stop(process)
        assert process.wait(timeout=90) == 0
        assert _wait_gone(children) == []
    output = log.read_text(errors="replace")
    assert "Traceback" not in output and "CRITICAL" not in output, output[-3000:]


@pytest.mark.timeout(300)
def test_a_start_after_sigkill_recovers(tmp_path):
    port = free_port()
    first = _start(tmp_path, port)
    try:
        _wait_healthy(port, first)
        children = _descendants(first.pid)
        first.kill()
        first.wait()
        # Whatever survived the parent's death must not stop the next start.
        second = _start(tmp_path, port)
        try:
            _wait_healthy(port, second)
        finally:
            second.send_signal(signal.SIGINT)
            second.wait(timeout=60)
        # Told to stop when `serve` died, the first's workers stop as they do when
        # stopped; one stuck (replying to the health check's census as Redis went away)
        # ends itself at its stop deadline.
        assert _wait_gone(children, timeout=STOP_DEADLINE_SECONDS + 30) == []
    finally:
        if first.poll() is None:
            first.kill()


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `product-importer ARGS` to its end; its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "product_importer.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_taken_port_is_named_with_the_setting_that_changes_it(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = _cli(_serve_env(tmp_path), "serve", "--port", str(port))
    assert result.returncode != 0
    assert f"port {port}" in result.stderr and "PORT=" in result.stderr
    assert not (tmp_path / "postgres").exists(), "nothing is started when the port is taken"


def test_a_host_that_cannot_be_listened_on_is_not_called_a_taken_port(tmp_path):
    result = _cli({**_serve_env(tmp_path), "HOST": "no-such-host.invalid"}, "serve")
    assert result.returncode == EXIT_CONFIG
    assert "cannot listen on no-such-host.invalid" in result.stderr, result.stderr
    assert "HOST" in result.stderr and "already in use" not in result.stderr


def test_a_port_out_of_range_on_the_command_line_is_a_usage_error(tmp_path):
    result = _cli(_serve_env(tmp_path), "serve", "--port", "70000")
    assert result.returncode == EXIT_USAGE
    assert "Traceback" not in result.stderr and "1 to 65535" in result.stderr


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("PORT", "abc", "PORT: Input should be a valid integer"),
        ("WEBHOOK_RETRY_SCHEDULE", "5,x", "WEBHOOK_RETRY_SCHEDULE: Input should be a valid number"),
        ("API_TOKENS", "no-colon", "API_TOKENS: Value error"),
        ("WEBHOOK_TIMEOUT_SECONDS", "0", "WEBHOOK_TIMEOUT_SECONDS: Input should be greater than 0"),
        ("PORT", "70000", "PORT: Input should be less than or equal to 65535"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL: Input should be 'critical', 'error', 'warning'"),
        ("IMPORT_MAX_ATTEMPTS", "0", "IMPORT_MAX_ATTEMPTS: Input should be greater than or equal"),
        ("IMPORT_STALE_AFTER_SECONDS", "-5", "IMPORT_STALE_AFTER_SECONDS: Input should be greater"),
        ("IMPORT_SWEEP_SECONDS", "inf", "IMPORT_SWEEP_SECONDS: Input should be a finite number"),
        ("IMPORT_PARALLEL_WORKERS", "2000", "IMPORT_PARALLEL_WORKERS: Input should be less"),
        ("UPLOAD_CHUNK_BYTES", "2000000000", "UPLOAD_CHUNK_BYTES: Input should be less than"),
        ("WEBHOOK_RETRY_SCHEDULE", "-5,30", "WEBHOOK_RETRY_SCHEDULE: Input should be greater"),
        ("WEBHOOK_RETRY_SCHEDULE", "nan", "WEBHOOK_RETRY_SCHEDULE: Input should be a finite"),
        ("API_TOKEN_CACHE_SECONDS", "-5", "API_TOKEN_CACHE_SECONDS: Input should be greater"),
        ("DATABASE_URL", "notaurl", "DATABASE_URL: Value error, must be a postgresql:// URL"),
        ("DATABASE_URL", "mysql://u@h/db", "DATABASE_URL: Value error, must be a postgresql://"),
        ("DATABASE_URL", "postgresql://u:p%ZZw@h/db", "DATABASE_URL: Value error, a % in its"),
        ("DATABASE_URL", "postgresql://u@h:99999/db", "its port must be a number from 1 to"),
    ],
)
def test_a_setting_that_is_not_valid_is_named_in_one_line(tmp_path, setting, value, said):
    env = {**_serve_env(tmp_path), setting: value}
    result = _cli(env, "migrate")
    assert result.returncode == EXIT_CONFIG
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: invalid settings (environment or .env):\n")
    assert said in result.stderr
    if setting == "DATABASE_URL":
        assert value not in result.stderr  # a setting may hold a secret: never repeated


@pytest.mark.parametrize("inside_a_file", [False, True])
def test_a_data_dir_that_cannot_be_one_is_named(tmp_path, inside_a_file):
    """A file where DATA_DIR should be, or under its path: no traceback, the setting named."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    env = {**_serve_env(tmp_path), "DATA_DIR": str(a_file / "sub" if inside_a_file else a_file)}
    result = _cli(env, "migrate")
    assert result.returncode == EXIT_CONFIG, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: DATA_DIR {env['DATA_DIR']} cannot hold the embedded")


def test_a_lock_file_that_cannot_be_opened_is_no_running_serve(tmp_path):
    """A DATA_DIR another user (or a read-only volume) keeps from this one: said so, not
    "already running" about a process that does not exist."""
    (tmp_path / "embedded.lock").mkdir()  # cannot be opened as the lock file
    result = _cli(_serve_env(tmp_path), "serve", "--port", str(free_port()))
    assert result.returncode == EXIT_CONFIG, result.stderr
    assert "Traceback" not in result.stderr and "already running" not in result.stderr
    assert result.stderr.startswith(f"error: DATA_DIR {tmp_path} cannot hold the embedded")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p#ss@h:5432/db",  # read as the engines read it: # is in the password
        "postgresql://u:p%40ss@h/db",
        "postgresql:///db?host=/var/run/postgresql",
        "postgresql://[::1]:5432/db",
        "postgres://h1,h2/db",
        "postgresql+asyncpg://u@h/db?sslmode=require",
    ],
)
def test_database_urls_the_engines_read_are_taken(url):
    with settings_env(DATABASE_URL=url):
        assert get_settings().database_url == url


def test_a_retry_schedule_may_be_a_comma_separated_list_or_json():
    for value in ("5, 30,120", "[5, 30, 120]"):
        with settings_env(WEBHOOK_RETRY_SCHEDULE=value):
            assert get_settings().webhook_retry_schedule == [5, 30, 120]


def test_an_unreachable_database_fails_fast_and_clearly(tmp_path):
    env = _serve_env(tmp_path)
    env["DATABASE_URL"] = f"postgresql://nobody@127.0.0.1:{free_port()}/nothing"
    started = time.monotonic()
    result = _cli(env, "migrate")
    assert result.returncode != 0
    assert "cannot connect to PostgreSQL" in result.stderr
    assert time.monotonic() - started < 30


def test_a_second_command_on_the_same_data_dir_leaves_the_running_servers_alone(tmp_path):
    from product_importer.embedded import EmbeddedServices

    running = EmbeddedServices(tmp_path, None, None)
    database_url, _ = running.start()
    try:
        result = _cli(_serve_env(tmp_path), "migrate")
        assert result.returncode != 0
        assert f"process (pid {os.getpid()}) is running the embedded servers" in result.stderr
        with socket.socket() as taken:  # the data dir is named first, not the port
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = str(taken.getsockname()[1])
            result = _cli(_serve_env(tmp_path), "serve", "--port", port)
        assert result.returncode == EXIT_CONFIG
        assert result.stderr == (
            f"error: product-importer (pid {os.getpid()}) is already running for DATA_DIR "
            f"{tmp_path}: stop it first, or give this one another DATA_DIR (or DATABASE_URL "
            "and REDIS_URL).\n"
        )
        with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
            cur.execute("SELECT 1")  # still serving
    finally:
        running.stop()


@pytest.mark.timeout(240)
def test_a_second_serve_on_the_same_data_dir_is_sent_to_the_first(tmp_path):
    """`make run` twice in one checkout: the second says where the first serves, rather
    than that the port is taken (another port would then fail on the data dir)."""
    port, log, data_dir = free_port(), tmp_path / "serve.log", tmp_path / "data"
    with _serving(data_dir, port, log) as process:
        _wait_healthy(port, process, log=log)
        for again in (port, free_port()):
            result = _cli(_serve_env(data_dir), "serve", "--port", str(again))
            assert result.returncode == EXIT_CONFIG
            assert result.stderr == (
                f"error: product-importer (pid {process.pid}) is already running for "
                f"DATA_DIR {data_dir}, at http://127.0.0.1:{port}: stop it first, or give "
                "this one another DATA_DIR (or DATABASE_URL and REDIS_URL).\n"
            )
        _wait_healthy(port, process, log=log)  # the first one is left alone
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    assert not (data_dir / "serve.url").exists()


@pytest.mark.timeout(240)
@pytest.mark.parametrize("database", ["embedded", "external"])
def test_an_unreachable_redis_stops_serve_at_its_start(tmp_path, database):
    redis_url = f"redis://127.0.0.1:{free_port()}/0"
    env = {**_serve_env(tmp_path), "REDIS_URL": redis_url}
    if database == "external":
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    result = _cli(env, "serve", "--port", str(free_port()))
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"error: cannot connect to Redis at {redis_url} (REDIS_URL): "
    ), result.stderr
    assert "running at" not in result.stdout
    assert not (tmp_path / "postgres" / "pgdata" / "postmaster.pid").exists()  # stopped


@pytest.mark.timeout(300)
def test_ctrl_c_during_an_import_says_how_long_serve_waits_for_it(tmp_path):
    """The import is held where it would merge: it cannot end while serve waits."""
    port, log, data_dir = free_port(), tmp_path / "serve.log", tmp_path / "data"
    with _serving(data_dir, port, log) as process:
        _wait_healthy(port, process, log=log)
        pgdata = data_dir / "postgres" / "pgdata"
        database_port = (pgdata / "postmaster.pid").read_text().splitlines()[3]
        gate = psycopg2.connect(f"postgresql://postgres@127.0.0.1:{database_port}/product_importer")
        try:
            with gate.cursor() as cur:
                cur.execute(MERGE_LOCK)
            api = f"http://127.0.0.1:{port}/api/v1/imports"
            files = {"file": ("t.csv", b"sku,name\nG-1,One\n")}
            import_id = httpx.post(api, files=files, timeout=60).json()["id"]
            while httpx.get(f"{api}/{import_id}", timeout=5).json()["status"] != "running":
                time.sleep(0.1)
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=120) == 0
        finally:
            with contextlib.suppress(psycopg2.Error):  # its server has stopped
                gate.close()
    output = log.read_text(errors="replace")
    said = (
        f"Waiting up to {STOP_WORKERS_SECONDS:.0f} s for 1 running import to finish; an "
        "import cut off starts over on the next run."
    )
    assert said in output, output[-3000:]


def _child(process: subprocess.Popen[bytes], *words: str) -> psutil.Process:
    """The child of `serve` whose command line holds `words` in a row."""
    for child in psutil.Process(process.pid).children():
        with contextlib.suppress(psutil.Error):  # a zombie has no command line
            if " ".join(words) in " ".join(child.cmdline()):
                return child
    raise AssertionError(f"no child of serve runs {' '.join(words)}")


@pytest.mark.timeout(240)
def test_a_worker_that_dies_is_reported_and_started_again(tmp_path):
    port, log = free_port(), tmp_path / "serve.log"
    with _serving(tmp_path / "data", port, log) as process:
        _wait_healthy(port, process, log=log)
        dead = _child(process, "--queues", "imports")
        dead.kill()  # left a zombie until serve reaps it
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(AssertionError):
                if _child(process, "--queues", "imports").pid != dead.pid:
                    break
            time.sleep(0.2)
        _wait_healthy(port, process, log=log)  # both queues have a worker again
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    output = log.read_text(errors="replace")
    assert f"The imports worker (pid {dead.pid}) exited with code -9" in output, output[-3000:]


@pytest.mark.timeout(240)
def test_an_embedded_server_that_dies_stops_serve_and_says_so(tmp_path):
    port, log = free_port(), tmp_path / "serve.log"
    with _serving(tmp_path / "data", port, log) as process:
        _wait_healthy(port, process, log=log)
        children = _descendants(process.pid)
        redis = next(p for p in children if p.name().startswith("redis-server"))
        redis.kill()
        assert process.wait(timeout=90) == 1
        assert _wait_gone(children) == []
    output = log.read_text(errors="replace")
    assert "error: the embedded Redis exited with code -9" in output, output[-3000:]
    assert "redis.log" in output


def test_a_stale_pid_file_never_stops_another_data_dirs_servers(tmp_path):
    """A pid file left by a killed run may name a pid that another data dir's server now
    has: that server is not a leftover of this data dir, and keeps running."""
    from product_importer.embedded import EmbeddedServices

    other = EmbeddedServices(tmp_path / "other", None, None)
    other_database, other_redis = other.start()
    try:
        ours = EmbeddedServices(tmp_path / "ours", None, None)
        ours.start()
        ours.stop()  # as a killed run leaves them, the pid files now name the other's
        assert ours.postgres and ours.redis and other.postgres and other.redis
        assert other.postgres.process and other.redis.process
        pid_file = ours.postgres.pgdata / "postmaster.pid"
        pid_file.write_text(f"{other.postgres.process.pid}\n")
        ours.redis.pid_file.write_text(str(other.redis.process.pid))
        database_url, _ = ours.start()
        try:
            with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
                cur.execute("SELECT 1")
        finally:
            ours.stop()
        assert other.exited() is None
        with psycopg2.connect(other_database) as conn, conn.cursor() as cur:
            cur.execute("SELECT 1")  # still serving
        assert redis.Redis.from_url(other_redis).ping()
    finally:
        other.stop()


@pytest.mark.timeout(120)
def test_services_stops_and_says_so_when_a_server_dies(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "product_importer.cli", "services"],
        env=_serve_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("DATABASE_URL=")
        children = _descendants(process.pid)
        next(p for p in children if p.name() == "postgres").kill()
        assert process.wait(timeout=60) == 1
        assert _wait_gone(children) == []
    finally:
        if process.poll() is None:
            process.kill()
    assert process.stderr is not None
    assert "error: the embedded PostgreSQL exited with code -9" in process.stderr.read()


def test_an_ipv6_host_is_checked_on_ipv6(tmp_path):
    with socket.socket(socket.AF_INET6) as sock:
        try:
            sock.bind(("::1", 0))
        except OSError:
            pytest.skip("this machine has no IPv6 loopback (::1)")
        sock.listen()
        port = sock.getsockname()[1]
        result = _cli(_serve_env(tmp_path), "serve", "--host", "::1", "--port", str(port))
    assert result.returncode == EXIT_CONFIG
    assert f"port {port} on ::1 is already in use" in result.stderr, result.stderr


@needs_root_and_setpriv
@pytest.mark.timeout(180)
def test_a_leftover_server_whose_directory_cannot_be_read_is_still_stopped(tmp_path):
    """Root without CAP_SYS_PTRACE cannot read the working directory of the embedded
    PostgreSQL (run as its own user): a killed run's live server is still known as this
    data dir's, and stopped, not taken for another process whose pid file is stale."""
    from product_importer.embedded import EmbeddedPostgres

    leftover = EmbeddedPostgres(tmp_path)
    leftover.start()  # as a killed `serve` leaves it: running, the data dir unlocked
    assert leftover.process is not None
    try:
        look = f"import os; os.readlink('/proc/{leftover.process.pid}/cwd')"
        if subprocess.run(without_ptrace([sys.executable, "-c", look])).returncode == 0:
            pytest.skip("the server's working directory can be read here without the capability")
        result = subprocess.run(
            without_ptrace([sys.executable, "-m", "product_importer.cli", "migrate"]),
            env=_serve_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert leftover.process.wait(timeout=30) == 0  # stopped as a server is, not killed
    finally:
        leftover.stop()


@pytest.mark.parametrize(
    ("environment", "seen"),
    [({}, "127.0.0.1"), ({"FORWARDED_ALLOW_IPS": "127.0.0.1"}, "198.51.100.7")],
    ids=["no proxy named", "a proxy on this host"],
)
def test_serve_believes_x_forwarded_for_only_from_the_peers_named(monkeypatch, environment, seen):
    """uvicorn's own default believed any peer on this host: a local client named any
    address it liked, and its failed tokens were never counted against its own."""
    from product_importer.cli import server_config
    from product_importer.config import Settings
    from tests.deploy.helpers import client_address_seen

    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = server_config(Settings(), "127.0.0.1", 8000)
    assert client_address_seen(config.forwarded_allow_ips, "127.0.0.1", "198.51.100.7") == seen
