"""GET /signal: the demand signal of the latest finished plan (industry: its own lines)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from replenish.api.demand import demand_signal
from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.planner import latest_plan
from replenish.api.schemas.common import Code, errors
from replenish.api.schemas.plans import SignalPublic, SignalRow

router = APIRouter(prefix="/signal", tags=["signal"])


@router.get("", responses=errors(401, 403))
def read_signal(
    session: SessionDep, grant: Annotated[Grant, permit("signal.read")],
    producer: Annotated[Code | None, Query(description="Producer (industry: its own).")] = None,
) -> SignalPublic:
    """Per line and month: committed offtake and added capacity, from the latest plan."""
    plan = latest_plan(session)
    if plan is None or plan.rows is None:
        return SignalPublic(plan=None, rows=[])
    rows = demand_signal(plan.rows, grant.pick("producer", producer))
    return SignalPublic(plan=plan.id, rows=[SignalRow(**row) for row in rows])
