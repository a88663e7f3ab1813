"""Every model, imported once so Alembic and tests see the whole schema."""

from product_importer.imports.models import Import, ImportFileChunk, SkippedRow
from product_importer.models_base import Base
from product_importer.products.models import Product
from product_importer.security.models import ApiToken, AuditEntry
from product_importer.webhooks.models import OutboxEvent, Webhook, WebhookDelivery, WebhookJob

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "Import",
    "ImportFileChunk",
    "OutboxEvent",
    "Product",
    "SkippedRow",
    "Webhook",
    "WebhookDelivery",
    "WebhookJob",
]
