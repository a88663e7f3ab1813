"""`GET /audit`: the audit log, newest first."""

from fastapi import APIRouter

from product_importer.core.deps import PageDep, SessionDep
from product_importer.core.pagination import Page
from product_importer.security import audit
from product_importer.security.schemas import AuditEntryRead

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEntryRead], summary="The audit log, newest first")
async def list_audit(page: PageDep, session: SessionDep) -> Page[AuditEntryRead]:
    """Destructive and security-relevant actions: delete-all, product deletes, webhook
    changes, failed token use, tokens made or revoked, with who, when and from where."""
    return await audit.list_page(session, page)
