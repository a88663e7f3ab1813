"""`product-importer worker` as an operator runs it: at the log level of its settings,
and refused as a configuration error without the servers it needs."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from product_importer.cli import WORKER_QUEUES, build_parser
from product_importer.exit_codes import EXIT_CONFIG, EXIT_USAGE
from product_importer.worker import IMPORTS_QUEUE, WEBHOOKS_QUEUE
from tests.conftest import stop_process, wait_for_worker

# A queue of its own: the worker takes none of the other tests' tasks.
QUEUE = "log-level-test"


def _log_of_a_worker(tmp_path: Path, log_level: str) -> str:
    """All a worker printed, from its start until it was ready and stopped."""
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "product_importer.cli", "worker", "--queues", QUEUE]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--pool", "solo"],
            env={**os.environ, "LOG_LEVEL": log_level},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_worker(process)
    finally:
        stop_process(process)
    return log.read_text(errors="replace")


@pytest.mark.timeout(180)
@pytest.mark.parametrize(
    ("log_level", "shown", "hidden"),
    [
        ("warning", [], [" INFO/", " DEBUG/"]),
        ("info", [" INFO/"], [" DEBUG/"]),
        ("trace", [" INFO/", " DEBUG/"], []),  # uvicorn's `trace` is the worker's DEBUG
    ],
)
def test_a_worker_logs_at_the_level_of_its_settings(tmp_path, log_level, shown, hidden):
    output = _log_of_a_worker(tmp_path, log_level)
    assert "Traceback" not in output, output[-3000:]
    for level in shown:
        assert level in output, output[-3000:]
    for level in hidden:
        assert level not in output, output[-3000:]


def test_a_worker_without_its_servers_is_a_configuration_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "product_importer.cli", "worker"],
        env=env,
        cwd=tmp_path,  # no .env to read the URLs from
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == EXIT_CONFIG
    assert result.stderr.startswith("error: a worker needs DATABASE_URL and REDIS_URL"), (
        result.stderr
    )


def test_a_worker_given_a_redis_url_that_is_not_one_names_the_setting(tmp_path):
    """`http://…` was a 71-line traceback ending in `KeyError: 'http'`, exit 1."""
    result = subprocess.run(
        [sys.executable, "-m", "product_importer.cli", "worker"],
        env={**os.environ, "REDIS_URL": "http://127.0.0.1:6379/0"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == EXIT_CONFIG
    assert result.stderr.startswith("error: REDIS_URL is not valid: "), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_every_option_says_what_it_is_for(command):
    parser = build_parser()
    commands = next(action for action in parser._actions if action.dest == "command")
    options = commands.choices[command]._actions
    assert [action.option_strings for action in options if not action.help] == []


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--concurrency", "0"], "argument --concurrency: '0' is not a number of tasks (1 or"),
        (["--concurrency", "-1"], "argument --concurrency: '-1' is not a number of tasks"),
        (["--queues", " , "], "argument --queues: no queue given"),
    ],
)
def test_a_wrong_worker_command_line_says_so(options, said):
    """`--concurrency 0` ran with the default unseen; -1 was a traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "product_importer.cli", "worker", *options],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == EXIT_USAGE
    assert said in result.stderr and "Traceback" not in result.stderr


def test_the_queues_a_worker_knows_are_those_tasks_go_to():
    assert WORKER_QUEUES == (IMPORTS_QUEUE, WEBHOOKS_QUEUE)


def test_a_queue_no_task_goes_to_is_warned_of(tmp_path):
    assert f"warning: no task is sent to queue '{QUEUE}'" in _log_of_a_worker(tmp_path, "info")


def test_only_senders_give_up_on_a_redis_that_stopped_answering():
    """The API's answers wait for the tasks they send: those give up after a few seconds.
    A worker's own connections wait: dropped at each pause of Redis, a consumer would
    give back the tasks it holds for later, to come again only after an hour."""
    from product_importer.worker import SENDER_TIMEOUTS, consume_patiently, create_celery

    app = create_celery()
    assert SENDER_TIMEOUTS.items() <= app.conf.broker_transport_options.items()
    consume_patiently(app)
    assert app.conf.broker_transport_options == {"visibility_timeout": 3600}


def test_a_worker_stuck_stopping_ends_itself_and_its_pool_at_its_deadline():
    """Replying to a control message as Redis went away, a worker told to stop retried
    the reply for good, it and its pool outliving the `serve` that started them."""
    stuck = (
        "import subprocess, sys\n"
        "from product_importer import worker\n"
        "pool = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "print(pool.pid, flush=True)\n"
        "worker._end_after(0.5)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", stuck], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert process.stdout is not None
    pool = psutil.Process(int(process.stdout.readline()))
    assert process.wait(timeout=60) == -signal.SIGKILL
    _, alive = psutil.wait_procs([pool], timeout=30)
    assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []
