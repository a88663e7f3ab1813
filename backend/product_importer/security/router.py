"""`GET /audit`: the audit log, newest first; `POST /downloads`: a download ticket."""

from fastapi import APIRouter, Request, status

from product_importer.core.deps import PageDep, SessionDep, SettingsDep
from product_importer.core.error_responses import invalid_field, try_again_later
from product_importer.core.openapi import BUSY_DOWNLOAD
from product_importer.core.pagination import Page
from product_importer.core.spooled_download import DownloadsBusy, Place
from product_importer.security import audit
from product_importer.security.download_tickets import NotADownload, split_target
from product_importer.security.guard import bearer_token, security_state
from product_importer.security.schemas import (
    AuditEntryRead,
    DownloadTicketRead,
    DownloadTicketRequest,
)
from product_importer.security.token_format import hash_token

router = APIRouter(prefix="/audit", tags=["audit"])
downloads_router = APIRouter(prefix="/downloads", tags=["downloads"])


@router.get("", response_model=Page[AuditEntryRead], summary="The audit log, newest first")
async def list_audit(page: PageDep, session: SessionDep) -> Page[AuditEntryRead]:
    """Destructive and security-relevant actions: delete-all, product deletes, webhook
    changes, failed token use, tokens made or revoked, with who, when and from where."""
    return await audit.list_page(session, page)


@downloads_router.post(
    "",
    response_model=DownloadTicketRead,
    status_code=status.HTTP_201_CREATED,
    responses={503: BUSY_DOWNLOAD},
    summary="A single-use ticket to a download, for a link that cannot send a token",
)
async def create_download_ticket(
    data: DownloadTicketRequest, request: Request, settings: SettingsDep
) -> DownloadTicketRead:
    """The download's URL with a ticket that stands for this request's token: valid
    once, for that URL only, for a minute. Browsers follow it to stream the file to
    disk (a link cannot send an `Authorization` header). Refused with 503 while the
    download would be (as many downloads as allowed under way on this API process),
    so that a page can say so rather than leave a failed download."""
    tickets = security_state(request.app).tickets
    token = bearer_token(request.headers)
    digest = hash_token(token) if token else None
    try:
        path, query = split_target(data.url)
        Place.check_room()  # before the ticket is stored: a refused one would linger
        actor = audit.current_caller().actor
        url, seconds = await tickets.issue(settings, path, query, actor, digest)
    except NotADownload as exc:
        raise invalid_field(("body", "url"), str(exc)) from None
    except DownloadsBusy as exc:
        raise try_again_later(str(exc)) from None
    return DownloadTicketRead(url=url, expires_in=seconds)
