"""Read schemas for the audit log and API tokens."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    actor: str | None = Field(
        description="Name of the API token used; null when the API is open or for an "
        "unknown token; `(cli)` for the command line"
    )
    action: str = Field(
        description="e.g. `products.deleted_all`, `product.deleted`, `webhook.created`, "
        "`webhook.updated`, `webhook.deleted`, `auth.failed`, `token.created`, `token.revoked`"
    )
    target: str | None = Field(description="What was acted on, e.g. `product 12`")
    detail: dict[str, Any]
    client_address: str | None = Field(description="The client's address, as the API saw it")


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None
