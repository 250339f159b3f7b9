"""Settings of the pages (REPLENISH_PAGES_*), beside the server's own (api/settings.py)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PageSettings(BaseSettings):
    """How the pages' session cookie is sent."""

    model_config = SettingsConfigDict(env_prefix="REPLENISH_PAGES_", extra="ignore")

    secure_cookies: bool = Field(default=False, description=(
        "Mark the session cookie Secure even when the request came over plain http (behind a "
        "proxy that ends TLS). Always on in production and over https."))
