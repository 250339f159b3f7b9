"""Sustainment of a plan: idle system-months by platform and the fleet it leaves the recipient
to support, read from a plan folder written by `replenish plan`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from replenish.model import Scenario
from replenish.plan.reader import plan_scenario_path, read_plan

__all__ = ["PlatformIdle", "delivered_platforms", "idle_by_platform", "idle_headline",
           "plan_scenario_path"]


@dataclass(frozen=True)
class PlatformIdle:
    recipient: str
    platform: str
    idle_no_ammo: float
    idle_no_crew: float
    operational_end: float
    fleet_end: float


def idle_by_platform(plan_dir: Path, start: str | None = None) -> list[PlatformIdle]:
    """Idle system-months (no ammunition, no crew) per platform over the horizon.

    `start` is the scenario's start month, if known (default: the plan's own).
    """
    plan = read_plan(Path(plan_dir), start, files=("sustainment.csv",))
    ammo: dict[tuple[str, str], float] = defaultdict(float)
    crew: dict[tuple[str, str], float] = defaultdict(float)
    last: dict[tuple[str, str], tuple[int, float, float]] = {}
    for r in plan.sustainment:
        key = (r.recipient, r.platform)
        ammo[key] += r.idle_no_ammo
        crew[key] += r.idle_no_crew
        if key not in last or r.month >= last[key][0]:
            last[key] = (r.month, r.operational, r.operational + r.idle_no_crew)
    return [PlatformIdle(k[0], k[1], ammo[k], crew[k], last[k][1], last[k][2])
            for k in sorted(last)]


def delivered_platforms(plan_dir: Path, scenario: Scenario) -> dict[str, float]:
    """Platforms the plan delivers to recipients by the end of the horizon (donations and
    orders arriving later are not counted: the fleet is the horizon's)."""
    plan = read_plan(Path(plan_dir), scenario.settings.start, files=("donations.csv",
                                                                     "orders.csv"))
    kinds = {i.code: i.kind for i in scenario.items}
    recipients = {n.code for n in scenario.recipients}
    out: dict[str, float] = defaultdict(float)
    horizon = scenario.horizon
    for d in plan.donations:
        if kinds.get(d.item) == "platform" and d.arrival_month < horizon:
            out[d.item] += d.quantity
    for o in plan.orders:
        if (o.destination in recipients and kinds.get(o.item) == "platform"
                and o.arrival_month < horizon):
            out[o.item] += o.quantity
    return dict(out)


def idle_headline(idle: list[PlatformIdle]) -> str:
    """One sentence on how usable the recipient's systems are over the plan."""
    if not idle:
        return "No systems to sustain: the scenario has no fielded systems or consumption."
    ammo = sum(p.idle_no_ammo for p in idle)
    crew = sum(p.idle_no_crew for p in idle)
    op = sum(p.operational_end for p in idle)
    fleet = sum(p.fleet_end for p in idle)
    return (f"{ammo + crew:,.0f} idle system-months over the horizon ({ammo:,.0f} without "
            f"ammunition, {crew:,.0f} waiting for a crew); {op:,.0f} of {fleet:,.0f} systems "
            f"operational in the last month.")
