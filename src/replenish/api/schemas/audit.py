"""Entries of the audit log: every write made through the server."""

from __future__ import annotations

from typing import Any

from replenish.api.schemas.common import Moment, Schema


class AuditBase(Schema):
    """Who did what to which record."""

    actor: str
    role: str
    action: str
    target: str
    detail: dict[str, Any]


class AuditPublic(AuditBase):
    """A logged write, numbered in the order written."""

    id: int
    occurred_at: Moment
