"""HTTP endpoints for webhooks."""

from fastapi import APIRouter

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
