"""The one settings object. Every field is documented in `.env.example`."""

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from product_importer.security.token_format import parse_api_tokens, parse_origins

PACKAGE_DIR = Path(__file__).resolve().parent
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"
DATABASE_SCHEMES = re.compile(r"postgres(ql)?(\+\w+)?")
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# A float setting is a finite number: `inf` would pass `gt=0` and overflow a timer later.
Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Interval = Annotated[Seconds, Field(le=3600)]  # how often a worker's sweep runs


class Settings(BaseSettings):
    # Errors never repeat a value: DATABASE_URL or API_TOKENS may hold a secret.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    # Servers. Unset means: start an embedded one under `data_dir`.
    database_url: str | None = None
    redis_url: str | None = None
    data_dir: Path = Path(".data")

    # HTTP
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    frontend_dist: Path = Field(default=PACKAGE_DIR.parent.parent / "frontend" / "dist")
    # Peers (a reverse proxy) whose X-Forwarded-For and X-Forwarded-Proto are believed:
    # comma-separated addresses or networks. None by default: a client on this host
    # would otherwise name any address it likes (and so dodge the per-address limits).
    forwarded_allow_ips: str = ""
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = "info"

    # Workers spawned by `serve` (local mode)
    spawn_worker: bool = True
    worker_concurrency: int = Field(default=2, ge=1)

    # Imports
    max_upload_bytes: int = Field(default=2 * 1024**3, gt=0)
    upload_chunk_bytes: int = Field(default=1024 * 1024, gt=0, le=64 * 1024**2)
    # Uploads received at once by one API process (each holds one of its database
    # connections until its last byte arrives).
    uploads_max: int = Field(default=4, ge=1)
    # An upload that sends less than 64 KiB in this long is given up (408), so a stalled
    # or trickling client cannot hold its connection for good.
    upload_idle_timeout_seconds: Annotated[Seconds, Field(le=3600)] = 60.0
    import_batch_rows: int = Field(default=50_000, gt=0)
    import_max_attempts: int = Field(default=2, ge=1)
    import_stale_after_seconds: int = Field(default=60, ge=1)
    import_sweep_seconds: Interval = 5.0
    import_nice: int = Field(default=10, ge=0, le=19)
    # PostgreSQL parallel workers per statement while the catalog has products; None:
    # as many as leave a core free for the API (see imports/priority.py).
    import_parallel_workers: int | None = Field(default=None, ge=0, le=1024)  # PostgreSQL's most

    # Downloads (exports, import error reports): at most this many write their rows at
    # once (each holds a connection meanwhile), and at most this many hold a temporary
    # file until their download ends.
    export_writing_max: int = Field(default=2, ge=1)
    export_files_max: int = Field(default=6, ge=1)
    # A download whose client reads nothing for this long is given up (its place and
    # file freed), so paused clients cannot keep everyone else's downloads refused.
    download_idle_timeout_seconds: Annotated[Seconds, Field(le=3600)] = 60.0

    # Webhooks
    webhook_allow_private_targets: bool = True
    webhook_timeout_seconds: Annotated[Seconds, Field(le=600)] = 10.0
    # Seconds before each retry: `5,30,120` or a JSON list `[5, 30, 120]`.
    webhook_retry_schedule: Annotated[list[Seconds], NoDecode] = [5, 30, 120, 600, 1800, 3600, 7200]
    webhook_disable_after_seconds: int = Field(default=3 * 24 * 3600, ge=0)
    webhook_sweep_seconds: Interval = 2.0
    webhook_retention_days: int = Field(default=30, ge=1, le=36_500)

    # Database connections
    db_connect_timeout_seconds: int = Field(default=5, ge=1)
    db_pool_size: int = Field(default=10, ge=1)

    # Access control (see the README's Security section)
    api_tokens: str = ""
    api_token_cache_seconds: float = Field(default=5.0, ge=0, le=3600, allow_inf_nan=False)
    docs_require_token: bool = False
    metrics_require_token: bool = True
    cors_origins: Annotated[list[str], NoDecode] = []
    # Host names (or addresses) the API answers to, comma-separated; empty: any. `serve`
    # listening on loopback only sets loopback's names (security/allowed_hosts.py).
    allowed_hosts: Annotated[list[str], NoDecode] = []

    # Rate limits: requests per window, per token (or client address when the API is open)
    rate_limit_enabled: Literal["auto"] | bool = "auto"
    rate_limit_window_seconds: int = Field(default=60, ge=1)
    rate_limit_general: int = Field(default=3000, ge=1)
    rate_limit_uploads: int = Field(default=30, ge=1)
    rate_limit_webhook_tests: int = Field(default=30, ge=1)
    rate_limit_delete_all: int = Field(default=5, ge=1)
    rate_limit_auth_failures: int = Field(default=30, ge=1)

    @property
    def redis_url_or_local(self) -> str:
        """Where Redis is: `redis_url`, else the default local server."""
        return self.redis_url or LOCAL_REDIS_URL

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_log_level(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value:
            _check_postgresql_url(value)  # raises ValueError with the reason
        return value

    @field_validator("api_tokens")
    @classmethod
    def _check_api_tokens(cls, value: str) -> str:
        parse_api_tokens(value)  # raises ValueError with the reason
        return value

    @field_validator("webhook_retry_schedule", mode="before")
    @classmethod
    def _split_schedule(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        if value.strip().startswith("["):
            return json.loads(value)  # a JSON list, as in `.env.example`
        return [item for item in value.split(",") if item.strip()]

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        return [host.strip().lower() for host in value.split(",") if host.strip()]

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> list[str]:
        return parse_origins(value)

    @model_validator(mode="after")
    def _check_export_caps(self) -> "Settings":
        if self.export_files_max < self.export_writing_max:  # each export writing holds one
            raise ValueError("EXPORT_FILES_MAX must be at least EXPORT_WRITING_MAX")
        return self


def _check_postgresql_url(url: str) -> None:
    """A `postgresql://` URL psycopg2 and asyncpg can both read; the reason it is not,
    never repeating it (it may hold a password)."""
    scheme, sep, rest = url.partition("://")
    if not sep or not DATABASE_SCHEMES.fullmatch(scheme):
        raise ValueError(
            "must be a postgresql:// URL, as postgresql://user:password@host:5432/dbname"
        )
    if BAD_PERCENT.search(rest.split("/", 1)[0]):
        raise ValueError(
            "a % in its user or password must begin a percent-encoded byte (%40 for @, "
            "%25 for % itself)"
        )
    from sqlalchemy.engine import make_url  # read as the engines read it (a # in a password)

    try:
        port = make_url(url).port
    except Exception:  # its text would repeat the URL
        port = 0
    if port is not None and not 1 <= port <= 65535:
        raise ValueError("its port must be a number from 1 to 65535")


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reload_settings() -> Settings:
    """Forget cached settings (after `serve` has set the embedded servers' URLs)."""
    get_settings.cache_clear()
    return get_settings()
