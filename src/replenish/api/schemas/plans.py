"""Planning jobs, and what the latest plan says for industry (signal) and recipients."""

from __future__ import annotations

from typing import Any, Literal

from replenish.api.schemas.common import Moment, Schema

PlanStatus = Literal["queued", "running", "done", "failed", "cancelled"]


class PlanJobBase(Schema):
    """A planning run: where it is and who asked for it."""

    status: PlanStatus
    progress: float
    stage: str
    requested_by: str


class PlanJobPublic(PlanJobBase):
    """A planning run; when done, its summary and each plan file's rows (file -> rows)."""

    id: int
    created_at: Moment
    started_at: Moment | None
    finished_at: Moment | None
    error: str | None
    summary: dict[str, Any] | None = None
    files: dict[str, list[dict[str, Any]]] | None = None


class SignalRow(Schema):
    """A line's committed offtake in a month and the capacity it adds by then."""

    producer: str
    item: str
    month: str
    offtake: float
    expansion: float


class SignalPublic(Schema):
    """The demand signal from the latest finished plan (none yet: `plan` is null)."""

    plan: int | None
    rows: list[SignalRow]


class DeliveryRow(Schema):
    """Materiel planned to arrive at a recipient: a donation or an order bought for it."""

    recipient: str
    source: Literal["donation", "order"]
    supplier: str
    item: str
    arrival_month: str
    quantity: float
    pledge: str | None


class DeliveriesPublic(Schema):
    """Planned deliveries from the latest finished plan (none yet: `plan` is null)."""

    plan: int | None
    rows: list[DeliveryRow]
