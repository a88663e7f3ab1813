"""HTTP endpoints for webhooks: each parses, calls one service function, answers."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, Response, status

from product_importer.core.deps import PageDep, SessionDep, row_id
from product_importer.core.error_responses import invalid_field
from product_importer.core.openapi import LOCATION
from product_importer.core.pagination import Page
from product_importer.core.paths import resource_path
from product_importer.core.versions import WEBHOOK, versioned
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
IfMatch = Annotated[str | None, Header(description=WEBHOOK.if_match_doc)]
CHANGED_SINCE = WEBHOOK.changed_since_answer
VERSIONED = WEBHOOK.versioned_answer


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
    except service.WebhookChangedSince as exc:
        raise HTTPException(status.HTTP_412_PRECONDITION_FAILED, str(exc)) from None


@router.get("", response_model=list[WebhookRead])
async def list_webhooks(session: SessionDep) -> list[WebhookRead]:
    """Every endpoint, oldest first, with its health (`failing_since`, `slow_since`,
    `disabled_reason`) and its latest delivery attempt."""
    return await service.list_webhooks(session)


@router.post(
    "",
    response_model=WebhookRead,
    status_code=status.HTTP_201_CREATED,
    responses={201: {"headers": VERSIONED["headers"] | LOCATION}},
)
async def create_webhook(
    data: WebhookCreate, session: SessionDep, request: Request, response: Response
) -> WebhookRead:
    """Subscribe an http(s) URL to some event types: each event is then POSTed to it,
    signed with the endpoint's `secret` (made for it), and sent again on a failure
    (see the README's Webhooks). The events and their bodies are in this document's webhooks."""
    with _http_errors():
        webhook = await service.create_webhook(session, data)
    response.headers["Location"] = resource_path(request.scope, "webhooks", webhook.id)
    return versioned(webhook, response)


@router.post("/test", response_model=WebhookTestResult)
async def test_url(data: WebhookTestRequest) -> WebhookTestResult:
    """Send a signed `webhook.test` event to any URL (e.g. before saving it)."""
    return await service.test_url(data)


@router.get("/{webhook_id}", response_model=WebhookRead, responses=NOT_FOUND | {200: VERSIONED})
async def get_webhook(
    webhook_id: WebhookId, session: SessionDep, response: Response
) -> WebhookRead:
    """The endpoint; its `ETag` is the version a change may name in `If-Match`."""
    with _http_errors():
        return versioned(await service.get_webhook(session, webhook_id), response)


@router.put(
    "/{webhook_id}",
    response_model=WebhookRead,
    responses=NOT_FOUND | CHANGED_SINCE | {200: VERSIONED},
)
async def replace_webhook(
    webhook_id: WebhookId,
    data: WebhookReplace,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> WebhookRead:
    """Set every field. With `If-Match`, only if the endpoint is still at that version."""
    with _http_errors():
        webhook = await service.replace_webhook(session, webhook_id, data, if_match)
    return versioned(webhook, response)


@router.patch(
    "/{webhook_id}",
    response_model=WebhookRead,
    responses=NOT_FOUND | CHANGED_SINCE | {200: VERSIONED},
)
async def update_webhook(
    webhook_id: WebhookId,
    data: WebhookUpdate,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> WebhookRead:
    """Change the fields sent. With `If-Match`, only if the endpoint is still at that
    version: two people editing its `events` list each send the whole list, and the
    later would otherwise undo the earlier's change unseen."""
    with _http_errors():
        webhook = await service.update_webhook(session, webhook_id, data, if_match)
    return versioned(webhook, response)


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND | CHANGED_SINCE,
)
async def delete_webhook(
    webhook_id: WebhookId, session: SessionDep, if_match: IfMatch = None
) -> Response:
    """Delete the endpoint. With `If-Match`, only if it is still at that version."""
    with _http_errors():
        await service.delete_webhook(session, webhook_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookRead,
    responses=NOT_FOUND
    | {409: {"description": "The secret replaced last time still signs (and this keeps one)"}}
    | {200: VERSIONED},
)
async def rotate_secret(
    webhook_id: WebhookId,
    session: SessionDep,
    response: Response,
    data: SecretRotation | None = None,
) -> WebhookRead:
    """Give the endpoint a new signing secret. Events are signed with the old one too
    (two signatures in `webhook-signature`) for `keep_previous_seconds` (default 24 h),
    so the receiver can switch to the new secret without missing an event. While the
    secret replaced last time still signs, only a rotation that keeps none is taken (409)."""
    with _http_errors():
        webhook = await service.rotate_secret(session, webhook_id, data or SecretRotation())
    return versioned(webhook, response)


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
