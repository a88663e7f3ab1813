"""Statements for API tokens and the audit log (Core, so the async API session and the
sync CLI session run the same ones)."""

from datetime import datetime
from typing import Any

from sqlalchemy import Insert, Select, Update, func, insert, select, update

from product_importer.security.models import ApiToken, AuditEntry


def live_tokens() -> Select[str, str]:
    return select(ApiToken.name, ApiToken.token_hash).where(ApiToken.revoked_at.is_(None))


def token_by_hash(token_hash: str) -> Select[str, datetime | None]:
    """Any token with this hash, revoked or not (to name a revoked token that is used)."""
    return select(ApiToken.name, ApiToken.revoked_at).where(ApiToken.token_hash == token_hash)


def insert_token(name: str, token_hash: str) -> Insert:
    return (
        insert(ApiToken)
        .values(name=name, token_hash=token_hash)
        .returning(ApiToken.id, ApiToken.name, ApiToken.created_at)
    )


def select_tokens(include_revoked: bool) -> Select[ApiToken]:
    statement = select(ApiToken).order_by(ApiToken.name, ApiToken.id)
    return statement if include_revoked else statement.where(ApiToken.revoked_at.is_(None))


def revoke_token(name: str) -> Update:
    return (
        update(ApiToken)
        .where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .returning(ApiToken.id)
    )


def insert_audit(values: dict[str, Any]) -> Insert:
    return insert(AuditEntry).values(**values)


def select_audit(limit: int, offset: int) -> Select[AuditEntry]:
    return select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)


def count_audit() -> Select[int]:
    return select(func.count()).select_from(AuditEntry)
