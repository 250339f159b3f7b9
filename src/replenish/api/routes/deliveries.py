"""GET /deliveries: what the latest finished plan delivers to a recipient (recipients: theirs)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from replenish.api.demand import deliveries
from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.planner import latest_plan
from replenish.api.schemas.common import Code, errors
from replenish.api.schemas.plans import DeliveriesPublic, DeliveryRow

router = APIRouter(prefix="/deliveries", tags=["deliveries"])


@router.get("", responses=errors(401, 403))
def read_deliveries(
    session: SessionDep, grant: Annotated[Grant, permit("deliveries.read")],
    recipient: Annotated[Code | None, Query(description="Recipient (recipients: their own).")]
    = None,
) -> DeliveriesPublic:
    """Planned donations and orders arriving at the recipient, by arrival month."""
    plan = latest_plan(session)
    if plan is None or plan.rows is None:
        return DeliveriesPublic(plan=None, rows=[])
    rows = deliveries(plan.rows, grant.pick("recipient", recipient))
    return DeliveriesPublic(plan=plan.id, rows=[DeliveryRow(**row) for row in rows])
