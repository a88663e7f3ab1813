"""Pure parsing and hashing of API tokens and origins (imported by `config`, so it
imports nothing of the application).

A token is a high-entropy secret; only its SHA-256 is kept (in memory for
`API_TOKENS`, in the `api_tokens` table for tokens made by the CLI). A salt or a slow
hash would add nothing for a random 256-bit secret, and SHA-256 lets a presented
token be checked with one hash.
"""

import hashlib
import re
import secrets
from urllib.parse import urlsplit

TOKEN_PREFIX = "pi_"
HASH_PREFIX = "sha256:"
MIN_TOKEN_CHARS = 24
MAX_TOKEN_CHARS = 512
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def new_token() -> str:
    """A fresh token: 256 random bits, URL-safe, recognisable by its prefix."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(
            f"token name {name!r} is invalid: 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def parse_api_tokens(value: str) -> list[tuple[str, str]]:
    """`API_TOKENS` as (name, sha256 hex) pairs.

    Format: comma-separated `name:token` pairs; a token written as
    `sha256:<64 hex digits>` is its hash (so the environment need not hold the
    secret). Raises ValueError saying what is wrong, never echoing a secret.
    """
    pairs: list[tuple[str, str]] = []
    names: set[str] = set()
    named_by_digest: dict[str, str] = {}
    for index, item in enumerate(part.strip() for part in value.split(",")):
        if not item:
            continue
        name, sep, secret = item.partition(":")
        name, secret = name.strip(), secret.strip()
        if not sep or not name or not secret:
            raise ValueError(f"API_TOKENS entry {index + 1} is not `name:token`")
        check_name(name)
        if name in names:
            raise ValueError(f"API_TOKENS names {name!r} twice")
        names.add(name)
        if secret.startswith(HASH_PREFIX):
            digest = secret.removeprefix(HASH_PREFIX).lower()
            if not HEX_DIGEST.fullmatch(digest):
                raise ValueError(f"API_TOKENS token {name!r}: `sha256:` needs 64 hex digits")
        else:
            _check_length(name, secret)
            digest = hash_token(secret)
        if digest in named_by_digest:
            # One token under two names: which name the audit log records would be a guess.
            raise ValueError(
                f"API_TOKENS tokens {named_by_digest[digest]!r} and {name!r} are the same token"
            )
        named_by_digest[digest] = name
        pairs.append((name, digest))
    return pairs


def _check_length(name: str, secret: str) -> None:
    if not MIN_TOKEN_CHARS <= len(secret) <= MAX_TOKEN_CHARS:
        raise ValueError(
            f"API_TOKENS token {name!r} must be {MIN_TOKEN_CHARS}-{MAX_TOKEN_CHARS} "
            "characters (make one with `product-importer tokens generate`)"
        )


def parse_origins(value: object) -> list[str]:
    """`CORS_ORIGINS`: comma-separated (or a list of) exact origins such as
    `https://shop.example.com`; `*`, paths and other schemes are refused."""
    if value is None or value == "":
        return []
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    origins: list[str] = []
    for raw in items:
        origin = str(raw).strip().rstrip("/")
        if not origin:
            continue
        if origin == "*" or "*" in origin:
            raise ValueError("CORS_ORIGINS must list exact origins; '*' is not allowed")
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
            raise ValueError(f"CORS origin {origin!r} must look like https://host[:port]")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError(f"CORS origin {origin!r} must look like https://host[:port]")
        origins.append(origin)
    return origins
