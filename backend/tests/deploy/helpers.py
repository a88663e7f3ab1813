"""Reading the deployment files the way Docker and Compose read them (no engine here)."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[3]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
APP_SERVICES = ("migrate", "api", "worker", "worker-webhooks")


@cache
def compose_schema() -> dict[str, Any]:
    """The Compose Specification schema vendored in the check-jsonschema package."""
    vendor = files("check_jsonschema.builtin_schemas.vendor")
    return json.loads((vendor / "compose-spec.json").read_text(encoding="utf-8"))


def schema_errors(document: object) -> list[str]:
    schema = compose_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    """The file as YAML (anchors and `<<` merges resolved, like Compose does)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class InterpolationError(ValueError):
    pass


_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's variable substitution: $$, $VAR, ${VAR}, ${VAR:-default},
    ${VAR-default}, ${VAR:?error} and ${VAR?error}, applied to every string."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["name"] or match["bare"]
        op, arg = match["op"], match["arg"] or ""
        present = name in env
        empty = not env.get(name)
        if op in (":-", "-"):
            missing = empty if op == ":-" else not present
            return arg if missing else env[name]
        if op in (":?", "?"):
            missing = empty if op == ":?" else not present
            if missing:
                raise InterpolationError(f"{name}: {arg}")
            return env[name]
        return env.get(name, "")

    return _VARIABLE.sub(replace, value)


def as_argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def image_version(image: str) -> tuple[int, ...]:
    """`postgres:18` → (18,), `redis:7.4-alpine` → (7, 4); () without a numeric tag."""
    tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
    match = re.match(r"(\d+(?:\.\d+)*)", tag)
    return tuple(int(part) for part in match[1].split(".")) if match else ()


def client_address_seen(trusted: str, peer: str, forwarded_for: str) -> str:
    """The client address the API's server records for a request from `peer` carrying this
    X-Forwarded-For, with FORWARDED_ALLOW_IPS=`trusted` (uvicorn's own middleware)."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.update(scope)

    headers = [(b"x-forwarded-for", forwarded_for.encode())]
    scope = {"type": "http", "client": (peer, 40000), "headers": headers}
    asyncio.run(ProxyHeadersMiddleware(app, trusted)(scope, None, None))  # type: ignore[arg-type]
    return str(seen["client"][0])


# A reverse proxy on the Docker host reaches the API from its network's gateway, the first
# address of a subnet from Docker's default pools (172.17-31.0.0/16, 192.168.x.0/20).
BRIDGE_GATEWAYS = ("172.17.0.1", "172.18.0.1", "172.31.0.1", "192.168.0.1", "192.168.240.1")


def assert_trusts_only_the_local_proxy(trusted: str) -> None:
    """The proxy's X-Forwarded-For (set to its client's address) names the client; a client
    that reaches the port itself (API_BIND widened) cannot choose its address with one,
    nor can a client of the proxy by sending one through it."""
    for gateway in BRIDGE_GATEWAYS:
        assert client_address_seen(trusted, gateway, "203.0.113.7") == "203.0.113.7", gateway
        assert client_address_seen(trusted, gateway, "6.6.6.6, 203.0.113.7") == "203.0.113.7"
    assert client_address_seen(trusted, "203.0.113.9", "6.6.6.6") == "203.0.113.9"
    assert client_address_seen(trusted, "10.0.0.12", "6.6.6.6") == "10.0.0.12"


# Dockerfile -------------------------------------------------------------------------


@dataclass
class Instruction:
    keyword: str
    arguments: str


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [i.arguments for i in self.instructions if i.keyword == keyword]


def dockerfile_instructions(text: str) -> list[Instruction]:
    """Instructions with line continuations joined and comments dropped."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, arguments = line.partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
    return instructions


def dockerfile_stages(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults (before the first FROM) and the build stages."""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for instruction in dockerfile_instructions(text):
        if instruction.keyword == "FROM":
            words = instruction.arguments.split()
            words = [w for w in words if not w.startswith("--")]
            base = re.sub(
                r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
                lambda m: global_args.get(m[1], m[0]),
                words[0],
            )
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base, name))
        elif not stages:
            if instruction.keyword == "ARG":
                key, _, default = instruction.arguments.partition("=")
                global_args[key.strip()] = default.strip()
        else:
            stages[-1].instructions.append(instruction)
    return global_args, stages


def env_keys(arguments: str) -> list[str]:
    """The variable names an ENV (or ARG) instruction sets."""
    words = shlex.split(arguments)
    if len(words) >= 2 and "=" not in words[0]:  # legacy `ENV KEY value`
        return [words[0]]
    return [word.split("=", 1)[0] for word in words]


# .dockerignore ----------------------------------------------------------------------


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            if pattern[i : i + 1] == "/":
                out = out[:-2] + "(?:.*/)?"
                i += 1
            continue
        out += {"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char))
        i += 1
    return re.compile(out + "$")


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:] if negated else line
        pattern = pattern.strip().strip("/")
        rules.append((negated, _pattern_regex(pattern)))
    return rules


def in_build_context(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern that matches the path or one of its parents wins."""
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    included = True
    for negated, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            included = negated
    return included
