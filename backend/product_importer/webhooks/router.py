"""HTTP endpoints for webhooks: each parses, calls one service function, answers."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, Response, status

from product_importer.core.deps import PageDep, SessionDep, row_id
from product_importer.core.error_responses import invalid_field
from product_importer.core.openapi import LOCATION
from product_importer.core.pagination import Page
from product_importer.core.paths import resource_path
from product_importer.webhooks import service
from product_importer.webhooks.schemas import (
    DeliveryRead,
    RedeliveryRead,
    SecretRotation,
    WebhookCreate,
    WebhookRead,
    WebhookReplace,
    WebhookTestRequest,
    WebhookTestResult,
    WebhookUpdate,
)
from product_importer.webhooks.targets import TargetRefused

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No webhook with this id"}}
WebhookId = Annotated[int, row_id("Webhook")]
DeliveryId = Annotated[int, row_id("Delivery")]


@contextmanager
def _http_errors() -> Iterator[None]:
    """Domain errors as HTTP answers; a refused URL looks like any other invalid field."""
    try:
        yield
    except (service.WebhookNotFound, service.DeliveryNotFound) as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except TargetRefused as exc:
        raise invalid_field(("body", "url"), f"URL refused: {exc}") from None
    except (service.RedeliveryRefused, service.RotationUnderWay) as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None


@router.get("", response_model=list[WebhookRead])
async def list_webhooks(session: SessionDep) -> list[WebhookRead]:
    return await service.list_webhooks(session)


@router.post(
    "",
    response_model=WebhookRead,
    status_code=status.HTTP_201_CREATED,
    responses={201: {"headers": LOCATION}},
)
async def create_webhook(
    data: WebhookCreate, session: SessionDep, request: Request, response: Response
) -> WebhookRead:
    with _http_errors():
        webhook = await service.create_webhook(session, data)
    response.headers["Location"] = resource_path(request.scope, "webhooks", webhook.id)
    return webhook


@router.post("/test", response_model=WebhookTestResult)
async def test_url(data: WebhookTestRequest) -> WebhookTestResult:
    """Send a signed `webhook.test` event to any URL (e.g. before saving it)."""
    return await service.test_url(data)


@router.get("/{webhook_id}", response_model=WebhookRead, responses=NOT_FOUND)
async def get_webhook(webhook_id: WebhookId, session: SessionDep) -> WebhookRead:
    with _http_errors():
        return await service.get_webhook(session, webhook_id)


@router.put("/{webhook_id}", response_model=WebhookRead, responses=NOT_FOUND)
async def replace_webhook(
    webhook_id: WebhookId, data: WebhookReplace, session: SessionDep
) -> WebhookRead:
    with _http_errors():
        return await service.replace_webhook(session, webhook_id, data)


@router.patch("/{webhook_id}", response_model=WebhookRead, responses=NOT_FOUND)
async def update_webhook(
    webhook_id: WebhookId, data: WebhookUpdate, session: SessionDep
) -> WebhookRead:
    with _http_errors():
        return await service.update_webhook(session, webhook_id, data)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
async def delete_webhook(webhook_id: WebhookId, session: SessionDep) -> Response:
    with _http_errors():
        await service.delete_webhook(session, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookRead,
    responses=NOT_FOUND
    | {409: {"description": "The secret replaced last time still signs (and this keeps one)"}},
)
async def rotate_secret(
    webhook_id: WebhookId, session: SessionDep, data: SecretRotation | None = None
) -> WebhookRead:
    """Give the endpoint a new signing secret. Events are signed with the old one too
    (two signatures in `webhook-signature`) for `keep_previous_seconds` (default 24 h),
    so the receiver can switch to the new secret without missing an event. While the
    secret replaced last time still signs, only a rotation that keeps none is taken (409)."""
    with _http_errors():
        return await service.rotate_secret(session, webhook_id, data or SecretRotation())


@router.post("/{webhook_id}/test", response_model=WebhookTestResult, responses=NOT_FOUND)
async def test_webhook(webhook_id: WebhookId, session: SessionDep) -> WebhookTestResult:
    """Send a signed `webhook.test` event to the endpoint now and report the answer."""
    with _http_errors():
        return await service.test_webhook(session, webhook_id)


@router.get("/{webhook_id}/deliveries", response_model=Page[DeliveryRead], responses=NOT_FOUND)
async def list_deliveries(
    webhook_id: WebhookId, page: PageDep, session: SessionDep
) -> Page[DeliveryRead]:
    """Every attempt, newest first."""
    with _http_errors():
        return await service.list_deliveries(session, webhook_id, page)


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    response_model=RedeliveryRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        404: {"description": "No delivery with this id"},
        409: {"description": "The delivery cannot be sent again"},
    },
)
async def redeliver(delivery_id: DeliveryId, session: SessionDep) -> RedeliveryRead:
    """Queue the attempt's event for its endpoint again (409 if it cannot be resent)."""
    with _http_errors():
        return await service.redeliver(session, delivery_id)
