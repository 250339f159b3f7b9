"""The plan explorer's data: a member's stock of one item over the plan, against its floor and
target, with its donations out and orders in; and a production line's capacity, committed
orders and expansion (the demand signal of reports/signal.py). Read from the latest plan job's
files through the plan reader."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from replenish.model.records import Scenario
from replenish.plan.reader import read_plan
from replenish.reports.signal import SIGNAL_FILES, build_signal
from replenish.store.server_tables import PlanJob
from replenish.web.unreadable import reading

STOCK_FILES = ("stocks.csv", "donations.csv", "orders.csv")


def _files(job: PlanJob) -> dict[str, Any]:
    files: dict[str, Any] = dict(job.rows or {})
    if job.summary is not None:
        files["summary.json"] = job.summary
    return files


@dataclass(frozen=True)
class StockMonth:
    """A member's stock of an item in one month of the plan, and what moved."""

    month: str
    on_hand: float
    floor: float
    target: float
    donated: float
    ordered: float


def read_stock(job: PlanJob, scenario: Scenario, nation: str, item: str) -> list[StockMonth]:
    """`nation`'s stock of `item` by month: on hand, floor, target, units donated (by dispatch
    month) and units ordered for it (by arrival month)."""
    start = scenario.settings.start
    with reading(job):
        plan = read_plan(_files(job), start, STOCK_FILES)
    donated: dict[int, float] = defaultdict(float)
    ordered: dict[int, float] = defaultdict(float)
    for d in plan.donations:
        if d.donor == nation and d.item == item:
            donated[d.dispatch_month] += d.quantity
    for o in plan.orders:
        if o.destination == nation and o.item == item:
            ordered[o.arrival_month] += o.quantity
    return [StockMonth(scenario.settings.month(s.month), s.on_hand, s.floor or 0.0,
                       s.target if s.target is not None else (s.floor or 0.0),
                       donated[s.month], ordered[s.month])
            for s in sorted(plan.stocks, key=lambda s: s.month)
            if s.nation == nation and s.item == item]


@dataclass(frozen=True)
class LineMonth:
    """A production line in one month of the plan: the demand signal's numbers."""

    month: str
    capacity: float
    base: float
    expansion: float
    committed: float
    announced: float


@dataclass(frozen=True)
class LineView:
    """A line over the plan, and the expansion its committed orders justify."""

    months: list[LineMonth]
    justified: float
    planned: float


def read_line(job: PlanJob, scenario: Scenario, producer: str, item: str) -> LineView | None:
    """Line `producer`/`item` month by month (None if the scenario has no such line)."""
    with reading(job):
        plan = read_plan(_files(job), scenario.settings.start, SIGNAL_FILES)
    signal = build_signal(plan, scenario)
    found = next((s for s in signal.lines if s.line.key == (producer, item)), None)
    if found is None:
        return None
    months = [LineMonth(m, c, found.line.capacity, e, o, a)
              for m, c, e, o, a in zip(signal.months, found.capacity, found.expansion,
                                       found.committed, found.announced, strict=True)]
    return LineView(months, found.justified(len(signal.months)),
                    max(found.expansion, default=0.0))
