"""GET /stocks (one nation's positions, or all for coordinators) and GET /stocks/totals."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.schemas.common import Code, errors
from replenish.api.schemas.stocks import FamilyTotalPublic, PositionPublic
from replenish.ledger import Position, stock_positions

router = APIRouter(prefix="/stocks", tags=["stocks"])

#: Families held by fewer nations than this show no totals to non-coordinators.
MIN_HOLDERS = 3


@router.get("", responses=errors(401, 403, 404))
async def read_stocks(
    session: SessionDep, grant: Annotated[Grant, permit("stocks.read")],
    nation: Annotated[Code | None, Query(description="Member code (nations: their own).")] = None,
) -> list[PositionPublic]:
    """Stock positions on hand as the ledger has them, against floors and targets."""
    # The busiest route: async, so that only the query goes to a worker thread, not also the
    # serialising of the answer (each trip to the thread pool is a hand-over of the GIL).
    positions = await run_in_threadpool(stock_positions, session,
                                        nation=grant.pick("nation", nation))
    return [PositionPublic.from_position(p) for p in positions]


@router.get("/totals", responses=errors(401, 403))
def read_totals(
    session: SessionDep, grant: Annotated[Grant, permit("stocks.totals")],
) -> list[FamilyTotalPublic]:
    """Coalition-wide stock per family: no per-nation numbers, nor totals that reveal one."""
    return family_totals(stock_positions(session), withhold=not grant.per_nation)


def family_totals(positions: list[Position], withhold: bool) -> list[FamilyTotalPublic]:
    """Sum positions per family; withhold families with fewer than MIN_HOLDERS holders."""
    by_family: dict[str, list[Position]] = defaultdict(list)
    for position in positions:
        by_family[position.family].append(position)
    totals = []
    for family in sorted(by_family):
        group = by_family[family]
        nations = len({p.nation for p in group})
        hidden = withhold and nations < MIN_HOLDERS
        totals.append(FamilyTotalPublic(
            family=family, nations=nations, withheld=hidden,
            on_hand=None if hidden else sum(p.on_hand for p in group),
            floor=None if hidden else sum(p.floor for p in group),
            target=None if hidden else sum(p.target for p in group),
        ))
    return totals
