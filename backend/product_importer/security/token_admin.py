"""Tokens made, listed and revoked by `product-importer tokens` (sync session; the
caller's transaction commits). Each change is audited in the same transaction."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from product_importer.config import get_settings
from product_importer.security import audit
from product_importer.security import repository as repo
from product_importer.security.schemas import TokenRead
from product_importer.security.token_format import (
    check_name,
    hash_token,
    new_token,
    parse_api_tokens,
)

CLI_CALLER = audit.Caller(actor=audit.CLI_ACTOR, address=None)


class TokenNameTaken(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"a live token named {name!r} exists: revoke it first or pick another name"
        )


class TokenNotFound(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no live token named {name!r}")


class TokenNameConfigured(ValueError):
    """The name is one of `API_TOKENS`': two tokens of one name could not be told apart
    in the audit log, and one in the environment is changed there, not here."""

    def __init__(self, name: str, doing: str) -> None:
        super().__init__(f"{name!r} is a token of API_TOKENS: {doing}")


def configured_names() -> list[str]:
    """The names of the tokens in `API_TOKENS`, as this command's settings have them."""
    return [name for name, _ in parse_api_tokens(get_settings().api_tokens)]


def create_token(session: Session, name: str) -> tuple[TokenRead, str]:
    """A new token named `name`: its row, and the secret (shown once, never stored)."""
    check_name(name)
    if name in configured_names():
        raise TokenNameConfigured(name, "pick another name for a token in the database")
    secret = new_token()
    try:
        with session.begin_nested():
            row = session.execute(repo.insert_token(name, hash_token(secret))).one()
    except IntegrityError:
        raise TokenNameTaken(name) from None
    audit.record_sync(session, "token.created", f"token {name}", caller=CLI_CALLER)
    token = TokenRead(id=row.id, name=row.name, created_at=row.created_at, revoked_at=None)
    return token, secret


def list_tokens(session: Session, include_revoked: bool = False) -> list[TokenRead]:
    rows = session.execute(repo.select_tokens(include_revoked)).scalars()
    return [TokenRead.model_validate(row) for row in rows]


def revoke_token(session: Session, name: str) -> int:
    """Revoke the live token `name`; returns how many live tokens are left."""
    if session.execute(repo.revoke_token(name)).first() is None:
        if name in configured_names():
            raise TokenNameConfigured(name, "remove it from API_TOKENS where the server runs")
        raise TokenNotFound(name)
    audit.record_sync(session, "token.revoked", f"token {name}", caller=CLI_CALLER)
    return len(list_tokens(session))
