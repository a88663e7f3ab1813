"""Standard Webhooks signing: per-endpoint secrets and the three `webhook-*` headers.

The signature comes from the `standardwebhooks` package itself, so receivers can
verify with any Standard Webhooks library.
"""

import base64
import secrets
import time
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook as StandardWebhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature_headers(
    secret: str,
    message_id: str,
    body: bytes,
    timestamp: int | None = None,
    previous_secret: str | None = None,
) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp` and `webhook-signature` for one attempt.

    Every retry of an event keeps its id and gets a fresh timestamp and signature. While
    a rotated-out secret is still valid, the header carries a signature with each
    (space-separated, as Standard Webhooks allows): a receiver verifies with either.
    """
    seconds = int(time.time()) if timestamp is None else timestamp
    signed_at = datetime.fromtimestamp(seconds, tz=UTC)
    keys = [secret] if previous_secret is None else [secret, previous_secret]
    signatures = [StandardWebhook(key).sign(message_id, signed_at, body.decode()) for key in keys]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(seconds),
        "webhook-signature": " ".join(signatures),
    }
