"""docker-compose.yml: valid Compose, and the stack it promises (checked without an engine)."""

from __future__ import annotations

from typing import Any

import pytest

from product_importer.cli import build_parser
from tests.deploy.helpers import (
    APP_SERVICES,
    ROOT,
    InterpolationError,
    as_argv,
    assert_trusts_only_the_local_proxy,
    environment,
    image_version,
    interpolate,
    load_compose,
    schema_errors,
)

OPERATOR_ENV = {"POSTGRES_PASSWORD": "0123456789abcdef"}


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return load_compose()


@pytest.fixture(scope="module")
def stack(raw) -> dict[str, Any]:
    """The file as Compose sees it with only the required variable set in .env."""
    return interpolate(raw, OPERATOR_ENV)


@pytest.fixture(scope="module")
def services(stack) -> dict[str, Any]:
    return stack["services"]


def test_the_file_follows_the_compose_specification(raw, stack):
    assert schema_errors(raw) == []
    assert schema_errors(stack) == []


def test_the_schema_check_catches_mistakes():
    broken = {"services": {"api": {"image": "x", "ports": 8000, "depends_on": {"db": "yes"}}}}
    assert len(schema_errors(broken)) >= 2


def test_the_stack_has_the_promised_services(services):
    assert set(services) == {"postgres", "redis", "migrate", *APP_SERVICES}


def test_a_database_password_must_be_chosen_by_the_operator(raw):
    with pytest.raises(InterpolationError, match="POSTGRES_PASSWORD"):
        interpolate(raw, {})
    text = (ROOT / "docker-compose.yml").read_text()
    assert "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?" in text


def test_postgres_is_16_or_newer_with_a_volume_and_a_healthcheck(stack, services):
    postgres = services["postgres"]
    version = image_version(postgres["image"])
    assert version and version[0] >= 16, postgres["image"]
    # 18+ images keep PGDATA under /var/lib/postgresql/<major>/docker.
    data_path = "/var/lib/postgresql" if version[0] >= 18 else "/var/lib/postgresql/data"
    named = {v.split(":")[0]: v.split(":")[1] for v in postgres["volumes"]}
    assert data_path in named.values()
    assert set(named) <= set(stack["volumes"]), "data lives in a named volume"
    assert "pg_isready" in " ".join(as_argv(postgres["healthcheck"]["test"]))
    assert "ports" not in postgres, "PostgreSQL is not published on the one-host stack"


def test_redis_is_7_or_newer_never_evicts_and_has_a_healthcheck(stack, services):
    redis = services["redis"]
    version = image_version(redis["image"])
    assert version and version[0] >= 7, redis["image"]
    argv = as_argv(redis["command"])
    assert argv[argv.index("--maxmemory-policy") + 1] == "noeviction"
    assert as_argv(redis["healthcheck"]["test"])[-2:] == ["redis-cli", "ping"]
    assert {v.split(":")[0] for v in redis["volumes"]} <= set(stack["volumes"])
    assert "ports" not in redis


def _subcommand(service: dict[str, Any]) -> Any:
    argv = as_argv(service["command"])
    assert argv[0] == "product-importer"
    return build_parser().parse_args(argv[1:])


def test_each_app_service_runs_the_right_command(services):
    args = _subcommand(services["migrate"])
    assert args.command == "migrate"

    args = _subcommand(services["api"])
    assert args.command == "serve" and args.host == "0.0.0.0"
    assert environment(services["api"])["SPAWN_WORKER"] == "false"

    args = _subcommand(services["worker"])
    assert (args.command, args.queues, args.pool) == ("worker", "imports", "prefork")
    assert args.concurrency >= 1

    args = _subcommand(services["worker-webhooks"])
    assert (args.command, args.queues, args.pool) == ("worker", "webhooks", "threads")
    assert args.concurrency >= 1


def test_app_services_use_the_built_image_and_external_servers(services):
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1, "API, workers and migrate run one image"
    for name in APP_SERVICES:
        service = services[name]
        assert service["build"]["context"] == "."
        env = environment(service)
        # Both URLs set: `serve` and `migrate` start no embedded server.
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert env["WEBHOOK_ALLOW_PRIVATE_TARGETS"] == "false"
        assert OPERATOR_ENV["POSTGRES_PASSWORD"] in env["DATABASE_URL"]


def test_healthchecks_cover_every_long_running_service(services):
    for name in ("postgres", "redis", "api", "worker", "worker-webhooks"):
        check = services[name]["healthcheck"]
        assert not check.get("disable"), name
        assert as_argv(check["test"])[0] in ("CMD", "CMD-SHELL"), name
    assert as_argv(services["api"]["healthcheck"]["test"])[-1] == "api"
    for name in ("worker", "worker-webhooks"):
        assert as_argv(services[name]["healthcheck"]["test"])[-1] == "worker"
    assert services["migrate"]["restart"] == "no", "migrate is one-shot"


def test_start_order_waits_for_healthy_servers_and_finished_migrations(services):
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("api", "worker", "worker-webhooks"):
        depends = {key: value["condition"] for key, value in services[name]["depends_on"].items()}
        assert depends == {
            "postgres": "service_healthy",
            "redis": "service_healthy",
            "migrate": "service_completed_successfully",
        }, name


@pytest.mark.parametrize("name", ["worker", "worker-webhooks"])
def test_workers_can_be_scaled(services, name):
    worker = services[name]
    for key in ("ports", "container_name", "hostname", "expose"):
        assert key not in worker, f"{name}.{key} would clash between replicas"
    assert "volumes" not in worker, "workers share nothing on disk"


def test_the_api_is_published_on_loopback_by_default(raw, services):
    assert services["api"]["ports"] == ["127.0.0.1:8000:8000"]
    opened = interpolate(raw, {**OPERATOR_ENV, "API_BIND": "0.0.0.0", "API_PORT": "80"})
    assert opened["services"]["api"]["ports"] == ["0.0.0.0:80:8000"]


def test_the_api_trusts_forwarded_headers_from_the_proxy_on_the_host_only(raw, services):
    """A proxy on the host reaches the API from the bridge's gateway: loopback alone never
    matches (every user would share the gateway's address in the audit log and the
    per-address rate limits), and `*` would take the client's own X-Forwarded-For."""
    trusted = environment(services["api"])["FORWARDED_ALLOW_IPS"]
    assert trusted == "127.0.0.1,::1,172.16.0.0/12,192.168.0.0/16"
    assert_trusts_only_the_local_proxy(trusted)
    exact = interpolate(raw, {**OPERATOR_ENV, "FORWARDED_ALLOW_IPS": "172.18.0.1"})
    assert environment(exact["services"]["api"])["FORWARDED_ALLOW_IPS"] == "172.18.0.1"


def test_scaling_knobs_reach_the_commands(raw):
    tuned = interpolate(raw, {**OPERATOR_ENV, "WORKER_CONCURRENCY": "6"})
    argv = as_argv(tuned["services"]["worker"]["command"])
    assert argv[argv.index("--concurrency") + 1] == "6"


def test_the_env_example_documents_every_compose_variable():
    """Every ${VARIABLE} of the compose files is listed in .env.example."""
    import re

    text = (ROOT / ".env.example").read_text()
    files = [ROOT / "docker-compose.yml", *sorted((ROOT / "deploy").glob("compose.*.yml"))]
    names = {
        name
        for path in files
        for name in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", path.read_text())
    }
    assert names >= {"POSTGRES_PASSWORD", "API_BIND", "WEBHOOK_WORKER_CONCURRENCY"}
    missing = sorted(name for name in names if not re.search(rf"^#? ?{name}=", text, re.M))
    assert not missing


def test_interpolation_follows_compose_rules():
    env = {"SET": "x", "EMPTY": ""}
    assert interpolate("${SET:-d}/${EMPTY:-d}/${EMPTY-d}/${UNSET-d}/$$SET/$SET", env) == (
        "x/d//d/$SET/x"
    )
    with pytest.raises(InterpolationError):
        interpolate("${EMPTY:?needed}", env)
    assert interpolate("${EMPTY?needed}", env) == ""
