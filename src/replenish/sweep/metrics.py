"""What one run of a sweep measures, from a plan (replan) or a simulated one (fixed).

Months are offsets from the scenario's start; None is "not within the horizon" (back at floor
or target) or "nothing due yet" (the on-time share of a month before any requirement is due).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from replenish.model.records import Scenario
from replenish.plan.records import Plan
from replenish.plan.totals import back_at, spending_by_year
from replenish.reports.compare import shortfall_by_month


@dataclass(frozen=True)
class RunResult:
    """One run: `status` "done" with its measures, or "failed" with `error`."""

    run: int
    status: str
    error: str = ""
    #: share of required units on time: "all", then by priority ("1", "2", ...)
    on_time: dict[str, float] = field(default_factory=dict)
    back_at_floor: dict[str, int | None] = field(default_factory=dict)
    back_at_target: dict[str, int | None] = field(default_factory=dict)
    idle_system_months: float = 0.0
    #: each member's spending over the horizon
    cost: dict[str, float] = field(default_factory=dict)
    #: value (unit_cost x units) of members' stock below target at each month's end
    below_target_value: list[float] = field(default_factory=list)
    #: share of the units due by each month that arrived on time (None: nothing due yet)
    on_time_share: list[float | None] = field(default_factory=list)

    @property
    def coalition_back_at_floor(self) -> int | None:
        return coalition_month(self.back_at_floor)

    @property
    def coalition_back_at_target(self) -> int | None:
        return coalition_month(self.back_at_target)


def coalition_month(by_member: dict[str, int | None]) -> int | None:
    """The month every member is back (None if one is not within the horizon)."""
    months = list(by_member.values())
    if any(m is None for m in months):
        return None
    return max((m for m in months if m is not None), default=0)


def measure(run: int, plan: Plan, scenario: Scenario, idle: float) -> RunResult:
    """The measures of `plan` (what happened in run `run`) against `scenario`'s requirements,
    floors and targets."""
    on_time: dict[str, float] = defaultdict(float)
    for f in plan.fulfilment:
        if not f.late:
            on_time[f.requirement] += f.quantity
    asked: dict[str, float] = defaultdict(float)
    met: dict[str, float] = defaultdict(float)
    for r in sorted(scenario.requirements, key=lambda r: r.priority):
        for key in ("all", str(r.priority)):
            asked[key] += r.quantity
            met[key] += min(r.quantity, on_time[r.id])
    shares = {k: round(met[k] / asked[k], 6) if asked[k] else 1.0 for k in asked}
    return RunResult(
        run=run, status="done", on_time=shares or {"all": 1.0},
        back_at_floor=back_at(plan, scenario, "floor"),
        back_at_target=back_at(plan, scenario, "target"),
        idle_system_months=round(idle, 6),
        cost={m: round(sum(years.values()), 2)
              for m, years in sorted(spending_by_year(plan, scenario).items())},
        below_target_value=[round(v, 2) for v in shortfall_by_month(plan, scenario)],
        on_time_share=on_time_by_month(scenario, on_time))


def on_time_by_month(scenario: Scenario, on_time: dict[str, float]) -> list[float | None]:
    """For each month: of the units required by then, the share that arrived on time."""
    asked = [0.0] * scenario.horizon
    met = [0.0] * scenario.horizon
    for r in scenario.requirements:
        if 0 <= r.needed_by < scenario.horizon:
            asked[r.needed_by] += r.quantity
            met[r.needed_by] += min(r.quantity, on_time.get(r.id, 0.0))
    out: list[float | None] = []
    total_asked = total_met = 0.0
    for a, m in zip(asked, met, strict=True):
        total_asked += a
        total_met += m
        out.append(round(total_met / total_asked, 6) if total_asked else None)
    return out
