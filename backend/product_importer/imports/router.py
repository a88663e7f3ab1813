"""HTTP endpoints for imports (and the original design's `/upload` aliases)."""

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from starlette.requests import ClientDisconnect

from product_importer.core.deps import PageDep, SessionDep, SettingsDep
from product_importer.core.error_responses import conflict_for_now, try_again_later
from product_importer.core.openapi import BUSY_DOWNLOAD, LOCATION, RETRY_AFTER
from product_importer.core.pagination import Page
from product_importer.core.paths import resource_path
from product_importer.core.query_values import BLANKS_LEFT_OUT
from product_importer.core.spooled_download import DownloadResponse, DownloadsBusy
from product_importer.imports import error_report, service, upload
from product_importer.imports.csv_rules import FileRejected
from product_importer.imports.live import import_events
from product_importer.imports.schemas import ImportRead, ImportStatus
from product_importer.imports.upload_stream import BadUpload, MultipartFile
from product_importer.products import field_rules

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/imports", tags=["imports"])
compat_router = APIRouter(prefix="/upload", tags=["imports"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No import with this id"}}
REPORT_RETRY_AFTER_SECONDS = 5  # an import's report is asked for again after this
ABANDONED = "The upload stopped before the end of the file; nothing was kept."
# What a quoted `filename` may not hold as is: quotes, backslashes, `%` (some clients
# decode it), control characters, and anything not ASCII.
NOT_PLAIN = re.compile(r'[^\x20-\x7e]|["\\%]')

UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}
UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"headers": LOCATION},
    408: {
        "description": f"Less than {upload.UPLOAD_MIN_BYTES // 1024} KiB of the upload "
        "arrived in UPLOAD_IDLE_TIMEOUT_SECONDS; nothing was kept."
    },
    413: {"description": "The file is larger than MAX_UPLOAD_BYTES; nothing was kept."},
    422: {"description": "Not a usable CSV (empty, binary, not UTF-8, or missing columns)."},
    503: {
        "description": "As many uploads as UPLOADS_MAX are being received just now (or the "
        "database or Redis cannot be reached); nothing was kept. `Retry-After` says when "
        "to retry.",
        "headers": RETRY_AFTER,
    },
}


@contextmanager
def _http_errors() -> Iterator[None]:
    """Domain errors as HTTP answers."""
    try:
        yield
    except service.ImportNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except service.ImportAlreadyFinished as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    except service.ImportNotEnded as exc:
        raise conflict_for_now(str(exc), REPORT_RETRY_AFTER_SECONDS) from None
    except upload.UploadTooLarge as exc:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, str(exc)) from None
    except upload.UploadStalled as exc:
        raise HTTPException(status.HTTP_408_REQUEST_TIMEOUT, str(exc)) from None
    except (DownloadsBusy, upload.UploadsBusy) as exc:
        raise try_again_later(str(exc)) from None


async def create_import(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> ImportRead:
    body: MultipartFile | None = None
    try:
        with _http_errors(), upload.upload_slot(settings):
            upload.reject_declared_size(request.headers.get("content-length"), settings)
            body = MultipartFile(request, "file")
            accepted = await upload.create_from_upload(session, body, settings)
    except (FileRejected, BadUpload) as exc:
        # Nothing is kept: the connection goes back before the rest of the file is read.
        await session.rollback()
        if body is not None:
            with suppress(ClientDisconnect):  # gone while the rest was read: no matter
                await body.drain()
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    except ClientDisconnect:
        # A routine event (a closed tab, a lost link), not a fault; the answer is never read.
        logger.info("an upload was abandoned by its client; nothing was kept")
        raise HTTPException(status.HTTP_400_BAD_REQUEST, ABANDONED) from None
    response.headers["Location"] = resource_path(request.scope, "imports", accepted.id)
    return accepted


def errors_attachment(filename: str) -> str:
    """Content-Disposition of an import's skipped rows, named after its file
    (`products.csv` → `products-errors.csv`), per RFC 6266: an ASCII `filename`, and
    the name itself in `filename*` when it is not plain ASCII."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base[:-4] if base.lower().endswith(".csv") else base
    name = f"{stem.strip() or 'import'}-errors.csv"
    plain = NOT_PLAIN.sub("_", name)
    if plain == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


async def _get(import_id: uuid.UUID, session: SessionDep) -> ImportRead:
    with _http_errors():
        return await service.get(session, import_id)


UPLOAD_DESCRIPTION = f"""Send a CSV file as the multipart field `file`: it streams into
storage every worker reads, and the import is queued; the answer is 202 with the import,
at once.

The header needs `sku` and `name`; `description` is optional; names in any case and
order; other columns are ignored (the import's `warnings` name them). UTF-8, with or
without a BOM; CRLF or LF. The start of the file is checked while it streams: an empty,
binary or non-UTF-8 file, or a header without the required columns, is a 422 that says
what is wrong, and nothing is kept.

Rows that break a rule are skipped and listed in `GET /imports/{{id}}/errors.csv`; the
others are applied together, or none are. The rules: {field_rules.IN_WORDS}. SKUs are
case-insensitive: within a file the last row of a SKU wins. Follow the import with
`GET /imports/{{id}}` or its event stream."""

for _router, _summary in (
    (router, "Upload a CSV and queue its import"),
    (compat_router, "Alias of POST /imports (original design)"),
):
    _router.add_api_route(
        "",
        create_import,
        methods=["POST"],
        status_code=status.HTTP_202_ACCEPTED,
        openapi_extra=UPLOAD_DOC,
        responses=UPLOAD_RESPONSES,
        summary=_summary,
        description=UPLOAD_DESCRIPTION,
    )


StatusFilter = Annotated[
    list[ImportStatus] | None,
    Query(alias="status", description="Only imports with this status (repeat it for several)"),
    BLANKS_LEFT_OUT,
]


@router.get("", summary="Imports, newest first")
async def list_imports(
    session: SessionDep, page: PageDep, statuses: StatusFilter = None
) -> Page[ImportRead]:
    """The import history, newest first, in pages of `page_size` (1-200)."""
    return await service.list_page(session, page, statuses)


@router.get("/{import_id}", summary="One import's status and counts", responses=NOT_FOUND)
async def get_import(import_id: uuid.UUID, session: SessionDep) -> ImportRead:
    """Its status and phase, progress (0-100), rows read, rows per second and time left
    while it runs; once it has ended, what it did (`created`, `updated`, `unchanged`,
    `skipped`, `duplicates_in_file`) or, if it failed, why (`error`)."""
    return await _get(import_id, session)


EVENT_STREAM_ANSWER: dict[str, Any] = {
    "description": (
        "`event: progress` each time the import moves on, then one final event named "
        "after its status (`completed`, `failed` or `cancelled`), after which the "
        "stream ends. Each event's `data:` is the Import as `GET /imports/{id}` returns "
        "it, and its `id:` may be sent back as `Last-Event-ID` on reconnecting. "
        "Comment lines (`: keepalive`) come while nothing changes. A client that "
        "subscribes after the end gets the final event at once."
    ),
    "content": {
        "text/event-stream": {
            "schema": {"type": "string"},
            "example": "id: running-500000-20.0-validating-1-1764950000.000000\n"
            'event: progress\ndata: {"id": "…", "status": "running", "progress": 20.0, …}\n\n',
        }
    },
}


@router.get(
    "/{import_id}/events",
    response_class=StreamingResponse,
    responses={**NOT_FOUND, 200: EVENT_STREAM_ANSWER},
    summary="Live progress as Server-Sent Events",
)
async def import_event_stream(
    import_id: uuid.UUID,
    session: SessionDep,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """The import as it moves on, pushed (an `EventSource` in a browser, `curl -N`): one
    stream for its whole run, ending with its outcome; a client that subscribes after
    the end gets the outcome at once."""
    await _get(import_id, session)
    return StreamingResponse(
        import_events(import_id, last_event_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post(
    "/{import_id}/cancel",
    summary="Cancel a queued or running import",
    responses=NOT_FOUND | {409: {"description": "The import has already completed or failed"}},
)
async def cancel_import(import_id: uuid.UUID, session: SessionDep) -> ImportRead:
    """A queued import is cancelled at once; a running one stops at its next step and
    applies nothing (its status is `cancelled` once it has stopped). A cancelled import
    is answered as it is."""
    with _http_errors():
        return await service.cancel(session, import_id)


@router.get(
    "/{import_id}/errors.csv",
    response_class=StreamingResponse,
    responses={
        **NOT_FOUND,
        200: {"content": {"text/csv": {}}},
        409: {
            "description": "The import is queued or running: its report is not complete "
            "(`Retry-After` says when to ask again)",
            "headers": RETRY_AFTER,
        },
        503: BUSY_DOWNLOAD,
    },
    summary="The skipped rows: line, column, reason and original values",
)
async def import_errors_csv(import_id: uuid.UUID, session: SessionDep) -> DownloadResponse:
    """Sent as the rows are written: a slow or paused download holds no database
    connection. One that fails midway breaks off (no complete answer). Refused (409)
    until the import has ended: its skipped rows are written when it commits."""
    with _http_errors():
        record = await service.ended(session, import_id)
        rows = error_report.errors_csv(import_id)
    return DownloadResponse(
        rows,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": errors_attachment(record.filename)},
    )


@compat_router.get(
    "/status/{task_id}",
    summary="Alias of GET /imports/{id} (original design)",
    responses=NOT_FOUND,
)
async def upload_status_compat(task_id: uuid.UUID, session: SessionDep) -> ImportRead:
    """The same answer as `GET /imports/{id}`: the task id is the import's id."""
    return await _get(task_id, session)
