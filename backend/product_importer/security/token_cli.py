"""`product-importer tokens generate|create|list|revoke`.

`generate` needs nothing: it prints a token for `API_TOKENS`. The others use
`DATABASE_URL`; when it is unset they use the local embedded PostgreSQL (the one a
running `serve` holds, or one started for the command).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from product_importer.config import get_settings, reload_settings
from product_importer.security.schemas import TokenRead
from product_importer.security.token_format import check_name, hash_token, new_token


@contextlib.contextmanager
def _database() -> Iterator[None]:
    if get_settings().database_url:
        yield
        return
    from product_importer.embedded import (
        DataDirLock,
        EmbeddedPostgres,
        EmbeddedServerError,
        running_postgres_url,
    )
    from product_importer.migrations import upgrade_to_head

    url = running_postgres_url(get_settings().data_dir)
    if url is not None:
        os.environ["DATABASE_URL"] = url
        reload_settings()
        yield
        return
    data_dir = get_settings().data_dir
    lock = DataDirLock(data_dir)
    server = EmbeddedPostgres(data_dir)
    try:
        lock.acquire()  # a `serve` starting meanwhile must not take this server for a leftover
        os.environ["DATABASE_URL"] = server.start()
    except EmbeddedServerError as exc:
        lock.release()
        raise SystemExit(f"error: {exc}") from None
    # Said, as a server elsewhere (another DATA_DIR, or DATABASE_URL) never sees these tokens.
    print(
        f"# no server running for DATA_DIR={data_dir}: using its embedded PostgreSQL, "
        "started for this command (set DATA_DIR or DATABASE_URL as the server has them)",
        file=sys.stderr,
    )
    try:
        reload_settings()
        upgrade_to_head()
        yield
    finally:
        from product_importer.db import sync_engine

        sync_engine().dispose()
        server.stop()
        lock.release()


def _generate() -> int:
    token = new_token()
    print(token)
    print(
        f"# for API_TOKENS: NAME:{token}  (or, keeping only its hash: "
        f"NAME:sha256:{hash_token(token)})",
        file=sys.stderr,
    )
    return 0


def run(args: argparse.Namespace) -> int:
    if args.action == "generate":
        return _generate()
    # The database layer, imported only when used: every command builds this parser.
    from product_importer.db import sync_session
    from product_importer.security import token_admin

    with _database():
        try:
            with sync_session() as session:
                if args.action == "create":
                    token, secret = token_admin.create_token(session, args.name)
                elif args.action == "revoke":
                    left = token_admin.revoke_token(session, args.name)
                else:
                    tokens = token_admin.list_tokens(session, args.all)
                    revoked = not tokens and bool(token_admin.list_tokens(session, True))
        except (ValueError, LookupError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    if args.action == "create":
        print(secret)
        print(
            f"# token {token.name!r} created: it is shown only this once. Send it as "
            "`Authorization: Bearer <token>`.",
            file=sys.stderr,
        )
    elif args.action == "revoke":
        print(f"token {args.name!r} revoked", file=sys.stderr)
        if not left and not get_settings().api_tokens:
            print(
                "WARNING: no live token is left in the database: unless the server has "
                "API_TOKENS set, the API is OPEN again (within API_TOKEN_CACHE_SECONDS).",
                file=sys.stderr,
            )
    else:
        _print_tokens(tokens, revoked, token_admin.configured_names())
    return 0


def _print_tokens(tokens: list[TokenRead], revoked: bool, configured: list[str]) -> None:
    for item in tokens:
        state = f"revoked {item.revoked_at:%Y-%m-%d %H:%M}" if item.revoked_at else "live"
        print(f"{item.name}\tcreated {item.created_at:%Y-%m-%d %H:%M}\t{state}")
    for name in configured:
        print(f"{name}\tin API_TOKENS\tlive")
    if not tokens and not configured:  # said on stderr: stdout stays empty for a script
        revoked_only = "no live tokens (`tokens list --all` shows revoked ones)"
        print(revoked_only if revoked else "no tokens", file=sys.stderr)


def _token_name(name: str) -> str:
    """A name a token may have: a wrong one is a wrong command line (exit 64)."""
    try:
        return check_name(name)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    tokens = sub.add_parser("tokens", help="manage API tokens (see the README's Security)")
    actions = tokens.add_subparsers(dest="action", required=True)
    actions.add_parser("generate", help="print a new random token for API_TOKENS")
    create = actions.add_parser("create", help="create a token in the database; prints it once")
    create.add_argument(
        "name", type=_token_name, help="who or what uses it, e.g. ci or catalog-team"
    )
    listing = actions.add_parser("list", help="list tokens (names and dates, never secrets)")
    listing.add_argument("--all", action="store_true", help="include revoked tokens")
    revoke = actions.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name", help="the token's name, as `tokens list` shows it")
