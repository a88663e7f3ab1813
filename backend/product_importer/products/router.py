"""HTTP endpoints for products."""

from fastapi import APIRouter

router = APIRouter(prefix="/products", tags=["products"])
