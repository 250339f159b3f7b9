"""Settings of the pages (REPLENISH_PAGES_*), beside the server's own (api/settings.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class PageSettings(BaseSettings):
    """How the pages' session cookie is sent, and which sweep the risk page shows."""

    model_config = SettingsConfigDict(env_prefix="REPLENISH_PAGES_", extra="ignore")

    secure_cookies: bool = Field(default=False, description=(
        "Mark the session cookie Secure even when the request came over plain http (behind a "
        "proxy that ends TLS). Always on in production and over https."))
    sweep_dir: Path | None = Field(default=None, description=(
        "Folder written by `replenish sweep` whose sweep.json the risk page shows (`replenish "
        "serve --sweep DIR` sets it); unset: the page says how to make one."))

    @field_validator("sweep_dir", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: Any) -> Any:
        """An empty REPLENISH_PAGES_SWEEP_DIR is no sweep, not the current folder."""
        return None if isinstance(value, str) and not value.strip() else value
