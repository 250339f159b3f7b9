"""Server settings from the environment (REPLENISH_*), through pydantic-settings.

The server keeps no shared secret: tokens are random and stored as argon2 hashes, so there is
no default secret to refuse. What production does refuse is an unset database: a coalition
service must say where its store is rather than fall back to a file in someone's home folder.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from replenish.store.engine import database_url

#: Requests holding a database session at once; below the 40 worker threads of the server's
#: thread pool, so a transaction always finds a thread to commit on.
MAX_SESSIONS = 30


class ServerSettings(BaseSettings):
    """What the server needs: where the store is, how big its pools are, how long to trust."""

    model_config = SettingsConfigDict(env_prefix="REPLENISH_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default="", description="SQLAlchemy URL of the store.")
    pool_size: int = Field(default=20, ge=1, le=200)
    max_overflow: int = Field(default=20, ge=0, le=200)
    token_cache_seconds: float = Field(default=60.0, ge=0.0, le=3600.0)
    plan_workers: int = Field(default=1, ge=1, le=8)
    telemetry: bool = Field(default=False, description=(
        "OpenTelemetry traces, metrics and logs through FastAPI to the global providers. Off "
        "by default: even with no provider set up, looking for one costs every request."))

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
