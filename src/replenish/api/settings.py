"""Server settings from the environment (REPLENISH_*), through pydantic-settings.

The one secret is the token key (tokens are stored as HMAC-SHA-256 under it): the development
default is refused in any other environment, as is an unset database in production (a
coalition service must say where its store is rather than fall back to a file in someone's
home folder).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from replenish.store.engine import database_url

#: Requests holding a database session at once; below the 40 worker threads of the server's
#: thread pool, so a transaction always finds a thread to commit on.
MAX_SESSIONS = 30
#: The token key of development stores (`make demo`); refused in any other environment.
DEVELOPMENT_TOKEN_KEY = "replenish-development-token-key-not-a-secret"


class ServerSettings(BaseSettings):
    """What the server needs: where the store is, how big its pools are, how long to trust."""

    model_config = SettingsConfigDict(env_prefix="REPLENISH_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default="", description="SQLAlchemy URL of the store.")
    pool_size: int = Field(default=20, ge=1, le=200)
    max_overflow: int = Field(default=20, ge=0, le=200)
    token_cache_seconds: float = Field(default=60.0, ge=0.0, le=3600.0)
    plan_workers: int = Field(default=1, ge=1, le=8)
    dask_scheduler: str = Field(default="", pattern=r"^(\w+://)?[^\s/]+:\d+$|^$", description=(
        "Address of a Dask scheduler (tcp://HOST:8786) that plans run on; empty: they run in "
        "the server's own threads (PLAN_WORKERS of them)."))
    dask_connect_timeout_seconds: float = Field(default=10.0, gt=0.0, le=600.0, description=(
        "How long a plan waits to reach the Dask scheduler before it fails."))
    telemetry: bool = Field(default=False, description=(
        "OpenTelemetry traces, metrics and logs through FastAPI to the global providers. Off "
        "by default: even with no provider set up, looking for one costs every request."))

    token_key: SecretStr = Field(default=SecretStr(DEVELOPMENT_TOKEN_KEY), description=(
        "Key of the HMAC-SHA-256 that tokens are stored under; at least 32 characters, and "
        "the development default is refused outside development."))
    auth_failures_per_token: int = Field(default=10, ge=1, le=100_000, description=(
        "Failed authentications one token id may cause per window before 429."))
    auth_failures_per_address: int = Field(default=50, ge=1, le=1_000_000, description=(
        "Failed authentications one client address may cause per window before 429."))
    auth_failure_window_seconds: float = Field(default=60.0, gt=0.0, le=86_400.0)
    auth_held_off_delay_seconds: float = Field(default=1.0, ge=0.0, le=60.0, description=(
        "How long a caller over its failure limit waits for its 429 (slows a flood)."))
    max_body_bytes: int = Field(default=1_048_576, ge=1024, le=1 << 30, description=(
        "Largest request body accepted (413 above it)."))
    writes_per_user_per_minute: int = Field(default=600, ge=1, le=1_000_000, description=(
        "Writes (POST, PATCH, ...) one user may make a minute before 429."))
    max_queued_plans: int = Field(default=3, ge=1, le=1000, description=(
        "Plan jobs one user may have queued or running at once (429 above it)."))

    @model_validator(mode="after")
    def _check_token_key(self) -> ServerSettings:
        """A real key outside development: the default one is in the source for everyone."""
        key = self.token_key.get_secret_value()
        if self.environment != "development" and key == DEVELOPMENT_TOKEN_KEY:
            raise ValueError("REPLENISH_TOKEN_KEY must be set outside development")
        if len(key) < 32:
            raise ValueError("REPLENISH_TOKEN_KEY must be at least 32 characters")
        return self

    @model_validator(mode="after")
    def _check_pool(self) -> ServerSettings:
        """The connection pool must serve MAX_SESSIONS requests at once."""
        if self.pool_size + self.max_overflow < MAX_SESSIONS:
            raise ValueError(f"pool_size + max_overflow must be at least {MAX_SESSIONS}")
        return self

    @model_validator(mode="after")
    def _resolve_database(self) -> ServerSettings:
        """Fill in the default store in development; insist on an explicit one in production."""
        if not self.database_url:
            if self.environment == "production":
                raise ValueError("REPLENISH_DATABASE_URL must be set in production")
            self.database_url = database_url()
        return self
