"""Import schemas as the contract names them."""

import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

ImportStatus = Literal["queued", "running", "completed", "failed", "cancelled"]
FINAL_STATUSES = ("completed", "failed", "cancelled")
ACTIVE_STATUSES = ("queued", "running")
WAITING_PHASE = "waiting for other imports"  # to merge: imports into the catalog take turns


class ImportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    filename: str
    status: ImportStatus
    phase: str = Field(
        description="What the import is doing, in words for people, which may change from "
        "one version to the next: `queued`, `reading` (or `reading (checking each row)`), "
        "`validating`, `"
        f"{WAITING_PHASE}`, `merging`, `rebuilding: …` (writing the merged catalog, "
        "building indexes (3 of 7), swapping in the new catalog), then the final status. "
        "A script should follow `status`."
    )
    file_size: int
    total_rows: int | None
    processed_rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    duplicates_in_file: int
    progress: float = Field(
        description="Percent done, 0 to 100", json_schema_extra={"minimum": 0, "maximum": 100}
    )
    rows_per_second: float | None
    waited_seconds: float = Field(
        description="Seconds the import waited for other imports to finish writing the "
        "catalog; its rows per second and time left leave them out."
    )
    error: str | None
    error_kind: Literal["file", "system"] | None = Field(
        default=None,
        description="Why a failed import failed: `file` when the file itself cannot be "
        "imported (fix it and upload it again: the same file fails the same way), `system` "
        "for anything else (a worker that kept stopping, the database): the same file may "
        "import. None unless the import failed.",
    )
    warnings: list[str]
    cancel_requested: bool
    attempts: int = Field(
        default=0,
        description="How many times a worker started this import; more than 1 means it was "
        "restarted after the worker running it stopped (nothing of an attempt that stopped "
        "is kept). 0 until a worker first runs it; an attempt that gave way to an earlier "
        "import (back to `queued`) is not counted.",
    )
    created_at: datetime = Field(
        description="When its upload ended and it was queued: imports apply in this order "
        "(an import waits for any uploaded before it that a worker is running, or that "
        "waits for a worker to run it again: see README, How an import works)."
    )
    started_at: datetime | None
    finished_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def eta_seconds(self) -> float | None:
        """Seconds left at the current pace (None until there is a pace, and while the
        import waits its turn, which no pace foretells). Progress follows the time each
        part takes (`progress.Bar`), so the pace of progress so far foretells the rest."""
        if self.status != "running" or self.phase == WAITING_PHASE or not self.started_at:
            return None
        if not 0 < self.progress < 100:
            return None
        elapsed = (datetime.now(UTC) - self.started_at).total_seconds()
        working = max(elapsed - self.waited_seconds, 0.0)
        return round(working * (100 - self.progress) / self.progress, 1)
