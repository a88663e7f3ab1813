"""Schemas for the audit log, API tokens and download tickets."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from product_importer.core.request_bodies import RequestBody


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


class DownloadTicketRequest(RequestBody):
    url: str = Field(
        max_length=4096,
        description="The download, as a path with its query: "
        "`/api/v1/products/export.csv?…` or `/api/v1/imports/{id}/errors.csv`",
        examples=["/api/v1/products/export.csv?q=lamp"],
    )


class DownloadTicketRead(BaseModel):
    url: str = Field(description="The same download with a single-use ticket: follow it once")
    expires_in: int = Field(description="Seconds the ticket stays valid")
