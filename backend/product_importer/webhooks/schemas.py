"""Request and response bodies of the webhooks API."""

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    computed_field,
    field_validator,
)

from product_importer.core.request_bodies import RequestBody
from product_importer.products.field_rules import trimmed
from product_importer.webhooks.dispatcher import SLOW_ANSWER_SECONDS
from product_importer.webhooks.events import EventType
from product_importer.webhooks.signing import SECRET_PREFIX
from product_importer.webhooks.targets import split_url

MAX_URL_LENGTH = 2048
MAX_KEEP_PREVIOUS_SECONDS = 7 * 24 * 3600
SECRET_FORM = re.compile(rf"{SECRET_PREFIX}[A-Za-z0-9+/]{{32,}}={{0,2}}")


def _http_url(value: str) -> str:
    value = trimmed(value)  # as a product's fields: a URL pasted with a zero-width space
    split_url(value)  # raises with the reason: scheme, missing host, bad port
    if "#" in value:
        raise ValueError("a #fragment is never sent in an HTTP request: leave it out")
    return value


def _signing_secret(value: str) -> str:
    if not SECRET_FORM.fullmatch(value):
        raise ValueError(
            f"a signing secret is {SECRET_PREFIX} and at least 32 base64 characters (as a "
            "webhook's `secret` is); leave it out to sign with a throwaway one"
        )
    return value


def _succeeded(status_code: int | None, error: str | None) -> bool:
    return status_code is not None and 200 <= status_code < 300 and error is None


def _unique(values: list[EventType]) -> list[EventType]:
    return list(dict.fromkeys(values))


WebhookUrl = Annotated[
    str,
    Field(min_length=1, max_length=MAX_URL_LENGTH, examples=["https://example.com/hooks"]),
    AfterValidator(_http_url),
]
EventList = Annotated[
    list[EventType],
    Field(min_length=1, description="Event types to receive (at least one)"),
    AfterValidator(_unique),
]


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    events: list[str]
    enabled: bool
    description: str | None
    secret: str = Field(description="Signing secret (Standard Webhooks, `whsec_` + base64)")
    previous_secret_expires_at: datetime | None = Field(
        default=None,
        description="After a rotation: until when events are also signed with the old secret",
    )
    disabled_reason: str | None = Field(
        description="Why the endpoint was disabled automatically (410 Gone, failing too long)"
    )
    failing_since: datetime | None = Field(
        description="Start of the current run of failed deliveries"
    )
    slow_since: datetime | None = Field(
        description=f"Since when delivery attempts have taken {SLOW_ANSWER_SECONDS:g} s or more "
        "(timeouts among them), or since the endpoint was made or given a new URL: until an "
        "attempt ends quicker (a quick refusal too), it gets one delivery at a time, as while "
        "it is failing",
    )
    created_at: datetime
    updated_at: datetime
    last_delivery_at: datetime | None = Field(
        default=None,
        description="The latest attempt to deliver an event (test sends aside) to the "
        "endpoint's URL: null since it was given a new URL, until the first attempt there",
    )
    last_delivery_status_code: int | None = None
    last_delivery_error: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def last_delivery_ok(self) -> bool | None:
        """Whether the latest attempt to deliver an event (test sends aside) succeeded;
        null before the first one."""
        if self.last_delivery_at is None:
            return None
        return _succeeded(self.last_delivery_status_code, self.last_delivery_error)


class WebhookCreate(RequestBody):
    """Body of `POST /webhooks`."""

    url: WebhookUrl
    events: EventList
    enabled: StrictBool = True
    description: str | None = Field(default=None, max_length=1000)


class WebhookReplace(WebhookCreate):
    """Body of `PUT /webhooks/{id}`, which replaces every field. A webhook as read may be
    sent: its fields that cannot be set (`id`, `secret`, timestamps…) are ignored."""

    answered_as = WebhookRead


class WebhookUpdate(RequestBody):
    """Body of `PATCH /webhooks/{id}`: only the fields given change. A webhook as read
    may be sent: its fields that cannot be set (`id`, `secret`, timestamps…) are ignored."""

    answered_as = WebhookRead

    url: WebhookUrl | None = None
    events: EventList | None = None
    enabled: StrictBool | None = None
    description: str | None = Field(default=None, max_length=1000)

    @field_validator("url", "events", "enabled", mode="before")
    @classmethod
    def _required_fields_are_not_null(cls, value: object, info: ValidationInfo) -> object:
        # Runs only for the fields given (defaults are not validated), so None was sent.
        if value is None:
            raise ValueError(f"{info.field_name} may be left out but not set to null")
        return value


class SecretRotation(RequestBody):
    """Body of `POST /webhooks/{id}/rotate-secret`."""

    keep_previous_seconds: StrictInt = Field(
        default=24 * 3600,
        ge=0,
        le=MAX_KEEP_PREVIOUS_SECONDS,
        description="How long events are also signed with the old secret (0: stop at once; "
        "at most 7 days)",
    )


class WebhookTestRequest(RequestBody):
    url: WebhookUrl
    secret: Annotated[str, AfterValidator(_signing_secret)] | None = Field(
        default=None,
        json_schema_extra={"pattern": f"^{SECRET_FORM.pattern}$"},
        description="Sign with this secret (default: a throwaway one)",
    )


class WebhookTestResult(BaseModel):
    ok: bool
    status_code: int | None
    latency_ms: float | None
    error: str | None
    response_excerpt: str | None


class DeliveryRead(BaseModel):
    """One attempt to deliver one event."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    webhook_id: int
    event_id: str
    event_type: str
    attempt: int
    url: str | None = Field(
        description="Where the attempt was sent: the endpoint's URL then (null for attempts "
        "logged before attempts kept their URL)"
    )
    status_code: int | None
    latency_ms: float | None
    error: str | None
    response_excerpt: str | None
    created_at: datetime = Field(
        description="When the attempt ended and was recorded (its answer, error or "
        "timeout); it was sent `latency_ms` before"
    )
    next_retry_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        return _succeeded(self.status_code, self.error)


class RedeliveryRead(BaseModel):
    delivery_id: int
    webhook_id: int
    event_id: str
    status: Literal["queued"] = "queued"
