"""deploy/compose.*.yml: the three-host layout of deployment.md (data, API, workers)."""

from __future__ import annotations

from typing import Any

import pytest

from product_importer.cli import build_parser
from tests.deploy.helpers import (
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

DEPLOY = ROOT / "deploy"
DATA_ENV = {"PRIVATE_IP": "10.0.0.10", "POSTGRES_PASSWORD": "pg-hex", "REDIS_PASSWORD": "rd-hex"}
APP_ENV = {
    "DATABASE_URL": "postgresql://product_importer:pg-hex@10.0.0.10:5432/product_importer",
    "REDIS_URL": "redis://:rd-hex@10.0.0.10:6379/0",
}


def _host(name: str, env: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    raw = load_compose(DEPLOY / f"compose.{name}.yml")
    return raw, interpolate(raw, env)


@pytest.mark.parametrize(
    ("name", "env"), [("data", DATA_ENV), ("api", APP_ENV), ("workers", APP_ENV)]
)
def test_each_host_file_follows_the_compose_specification(name, env):
    raw, resolved = _host(name, env)
    assert schema_errors(raw) == []
    assert schema_errors(resolved) == []


@pytest.mark.parametrize(
    ("name", "needed"),
    [
        ("data", {"PRIVATE_IP", "POSTGRES_PASSWORD", "REDIS_PASSWORD"}),
        ("api", {"DATABASE_URL", "REDIS_URL"}),
        ("workers", {"DATABASE_URL", "REDIS_URL"}),
    ],
)
def test_each_host_refuses_to_start_without_its_settings(name, needed):
    raw = load_compose(DEPLOY / f"compose.{name}.yml")
    env = DATA_ENV if name == "data" else APP_ENV
    for missing in needed:
        with pytest.raises(InterpolationError, match=missing):
            interpolate(raw, {k: v for k, v in env.items() if k != missing})


def test_the_data_host_serves_only_the_private_network_and_never_evicts():
    _, data = _host("data", DATA_ENV)
    postgres, redis = data["services"]["postgres"], data["services"]["redis"]
    assert postgres["ports"] == ["10.0.0.10:5432:5432"]
    assert redis["ports"] == ["10.0.0.10:6379:6379"]
    assert image_version(postgres["image"])[0] >= 16
    assert image_version(redis["image"])[0] >= 7
    argv = as_argv(redis["command"])
    assert argv[argv.index("--maxmemory-policy") + 1] == "noeviction"
    assert argv[argv.index("--requirepass") + 1] == "rd-hex"
    assert environment(redis)["REDISCLI_AUTH"] == "rd-hex", "the healthcheck authenticates"
    for service in (postgres, redis):
        assert service["healthcheck"]["test"]
        assert {v.split(":")[0] for v in service["volumes"]} <= set(data["volumes"])


def test_the_api_host_migrates_once_then_serves():
    _, api = _host("api", APP_ENV)
    services = api["services"]
    assert set(services) == {"migrate", "api"}
    assert build_parser().parse_args(as_argv(services["migrate"]["command"])[1:]).command == (
        "migrate"
    )
    args = build_parser().parse_args(as_argv(services["api"]["command"])[1:])
    assert (args.command, args.host) == ("serve", "0.0.0.0")
    assert services["api"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"}
    }
    for name in ("migrate", "api"):
        env = environment(services[name])
        assert env["DATABASE_URL"] == APP_ENV["DATABASE_URL"]
        assert env["REDIS_URL"] == APP_ENV["REDIS_URL"]
        assert env["WEBHOOK_ALLOW_PRIVATE_TARGETS"] == "false"
    assert environment(services["api"])["SPAWN_WORKER"] == "false"
    assert services["api"]["ports"] == ["127.0.0.1:8000:8000"]
    assert "volumes" not in services["api"], "the API keeps nothing on its disk"


def test_the_api_host_trusts_forwarded_headers_from_its_own_proxy_only():
    _, api = _host("api", APP_ENV)
    trusted = environment(api["services"]["api"])["FORWARDED_ALLOW_IPS"]
    assert trusted == "127.0.0.1,::1,172.16.0.0/12,192.168.0.0/16"
    assert_trusts_only_the_local_proxy(trusted)


def test_a_worker_host_needs_the_image_and_the_two_urls_only():
    """And passes LOG_LEVEL on, as the API host does."""
    _, workers = _host("workers", APP_ENV)
    services = workers["services"]
    assert set(services) == {"worker", "worker-webhooks"}
    queues = {}
    for name, service in services.items():
        assert environment(service) == {**APP_ENV, "LOG_LEVEL": "info"}, name
        for key in ("ports", "expose", "volumes", "container_name", "hostname", "depends_on"):
            assert key not in service, f"{name}.{key}"
        args = build_parser().parse_args(as_argv(service["command"])[1:])
        assert args.command == "worker"
        queues[args.queues] = args.pool
        assert service["healthcheck"]["test"][-1] == "worker"
    assert queues == {"imports": "prefork", "webhooks": "threads"}


def test_all_hosts_run_the_same_image_as_the_one_host_stack():
    one_host = load_compose()["services"]["api"]["image"]
    for name in ("api", "workers"):
        for service in load_compose(DEPLOY / f"compose.{name}.yml")["services"].values():
            assert service["image"] == one_host
            assert "build" not in service, "hosts pull the image; they hold no source"
