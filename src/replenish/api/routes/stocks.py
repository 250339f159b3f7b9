"""GET /stocks (one nation's positions, or all for coordinators) and GET /stocks/totals."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.disclosure import may_disclose
from replenish.api.schemas.common import Code, errors
from replenish.api.schemas.stocks import FamilyTotalPublic, PositionPublic
from replenish.ledger import Position, stock_positions

router = APIRouter(prefix="/stocks", tags=["stocks"])


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
    asker = None if grant.per_nation else grant.user.nation
    return family_totals(stock_positions(session), withhold=not grant.per_nation, asker=asker)


def family_totals(
    positions: list[Position], withhold: bool, asker: str | None = None,
) -> list[FamilyTotalPublic]:
    """Sum positions per family; where `withhold`, show a family's sums to `asker` only if
    `may_disclose` allows each of them (on hand, floor and target)."""
    by_family: dict[str, list[Position]] = defaultdict(list)
    for position in positions:
        by_family[position.family].append(position)
    totals = []
    for family in sorted(by_family):
        group = by_family[family]
        sums = {measure: _by_member(group, measure) for measure in MEASURES}
        hidden = withhold and not all(may_disclose(s, asker) for s in sums.values())
        shown = {measure: None if hidden else sum(s.values()) for measure, s in sums.items()}
        totals.append(FamilyTotalPublic(family=family, nations=len({p.nation for p in group}),
                                        withheld=hidden, **shown))
    return totals


MEASURES = ("on_hand", "floor", "target")


def _by_member(group: list[Position], measure: str) -> dict[str, float]:
    """Each member's sum of `measure` over the positions of one family."""
    sums: dict[str, float] = defaultdict(float)
    for position in group:
        sums[position.nation] += getattr(position, measure)
    return dict(sums)
