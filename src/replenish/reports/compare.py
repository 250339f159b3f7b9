"""Joint against national procurement: the same scenario planned both ways, side by side.

For each mode: requirement fulfilment on time, months until each member is back at target,
capacity added per line, total and per-member cost, distinct equipment types bought per
family, and the value-weighted stock shortfall below target month by month.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from replenish.model.records import Scenario
from replenish.plan.contracts import member_spending, write_contracts
from replenish.plan.records import Plan
from replenish.plan.writer import requirement_totals, summary_dict, write_plan
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.pricing import apply_price_breaks

Mode = Literal["joint", "national"]
MODES: tuple[Mode, Mode] = ("joint", "national")
TOL = 1e-6


@dataclass
class ModeOutcome:
    """What one procurement mode achieves."""

    procurement: str
    plan: Plan
    requirements: dict[str, Any]
    months_to_target: dict[str, int | None]     # member -> months, None = not in horizon
    capacity_added: dict[str, float]            # "producer item" -> units/month
    cost: float
    member_cost: dict[str, float]
    types_by_family: dict[str, int]
    shortfall: list[float]                      # value below target, per month

    @property
    def restocked(self) -> int:
        """Members back at target within the horizon."""
        return sum(1 for m in self.months_to_target.values() if m is not None)

    @property
    def on_time_share(self) -> float:
        """Fraction of required units delivered on time (1 when nothing is required)."""
        asked = self.requirements["quantity"]
        return self.requirements["on_time"] / asked if asked else 1.0


@dataclass
class CompareResult:
    """Both modes of one scenario."""

    scenario: str
    months: list[str]
    members: list[str]
    joint: ModeOutcome
    national: ModeOutcome
    initial_shortfall: float = 0.0              # value below target before the plan
    lines: list[str] = field(default_factory=list)

    def mode(self, name: str) -> ModeOutcome:
        return self.joint if name == "joint" else self.national

    def closed(self, o: ModeOutcome) -> float:
        """Fraction of the initial shortfall below target closed by the horizon's end."""
        if self.initial_shortfall <= 0 or not o.shortfall:
            return 1.0
        return max(0.0, 1.0 - o.shortfall[-1] / self.initial_shortfall)


def with_procurement(scenario: Scenario, procurement: Mode) -> Scenario:
    """A copy of the scenario planned in the given procurement mode."""
    settings = dataclasses.replace(scenario.settings, procurement=procurement)
    return dataclasses.replace(scenario, settings=settings)


def months_to_target(plan: Plan, scenario: Scenario) -> dict[str, int | None]:
    """Per member: months from the start until all its positions are at or above target for
    the rest of the horizon (0 = already there at the start; None = not in the horizon).
    A position without rows in the plan keeps its starting stock."""
    targets = {(s.nation, s.item): s.target for s in scenario.stocks}
    last_below: dict[tuple[str, str], int] = {}
    for s in scenario.stocks:
        if s.on_hand < s.target - TOL:
            last_below[(s.nation, s.item)] = scenario.horizon - 1
    seen: set[tuple[str, str]] = set()
    for row in sorted(plan.stocks, key=lambda r: r.month):
        key = (row.nation, row.item)
        if key not in targets or not 0 <= row.month < scenario.horizon:
            continue
        if key not in seen:
            seen.add(key)
            if key in last_below:
                last_below[key] = -1
        if row.on_hand < targets[key] - TOL:
            last_below[key] = row.month
    out: dict[str, int | None] = {}
    for m in scenario.members:
        last = max((t for (n, _), t in last_below.items() if n == m.code), default=None)
        if last is None:
            out[m.code] = 0
        elif last >= scenario.horizon - 1:
            out[m.code] = None
        else:
            out[m.code] = last + 2        # at target from the end of month last + 1
    return out


def initial_shortfall(scenario: Scenario) -> float:
    """Value of members' stock below target before the plan (stocks.csv)."""
    return sum(max(0.0, s.target - s.on_hand) * scenario.item(s.item).unit_cost
               for s in scenario.stocks)


def shortfall_by_month(plan: Plan, scenario: Scenario) -> list[float]:
    """Value (unit_cost x units) of members' stock below target, at the end of each month."""
    targets = {(s.nation, s.item): s.target for s in scenario.stocks}
    members = {m.code for m in scenario.members}
    out = [0.0] * scenario.horizon
    for row in plan.stocks:
        target = targets.get((row.nation, row.item))
        if row.nation in members and target is not None and 0 <= row.month < scenario.horizon:
            gap = max(0.0, target - row.on_hand)
            out[row.month] += gap * scenario.item(row.item).unit_cost
    return out


def types_by_family(plan: Plan, scenario: Scenario) -> dict[str, int]:
    """Distinct items per family ordered for members or delivered to a recipient."""
    recipients = {n.code for n in scenario.recipients}
    bought = {o.item for o in plan.orders}
    bought |= {d.item for d in plan.donations if d.recipient in recipients}
    families: dict[str, set[str]] = defaultdict(set)
    for code in bought:
        families[scenario.item(code).family].add(code)
    return {f: len(families[f]) for f in sorted(families)}


def capacity_added(plan: Plan) -> dict[str, float]:
    """Units/month added per line ("producer item"), buyers' shares summed."""
    out: dict[str, float] = defaultdict(float)
    for e in plan.expansions:
        out[f"{e.producer} {e.item}"] += e.added_capacity
    return {k: round(v, 6) for k, v in sorted(out.items())}


def outcome(plan: Plan, scenario: Scenario) -> ModeOutcome:
    """Everything compared, for one plan of `scenario` (already in the plan's mode)."""
    spend = member_spending(plan, scenario)
    return ModeOutcome(
        procurement=plan.procurement, plan=plan,
        requirements={k: v for k, v in requirement_totals(plan, scenario).items()
                      if k != "by_priority"},
        months_to_target=months_to_target(plan, scenario),
        capacity_added=capacity_added(plan), cost=round(sum(spend.values()), 2),
        member_cost={k: round(v, 2) for k, v in spend.items()},
        types_by_family=types_by_family(plan, scenario),
        shortfall=[round(v, 2) for v in shortfall_by_month(plan, scenario)])


Progress = Callable[[str, float], None]


def plan_both(scenario: Scenario, options: PlanOptions | None = None,
              progress: Progress | None = None) -> tuple[CompareResult, dict[Mode, Plan]]:
    """Plan the scenario jointly and nationally (volume pricing applied) and compare."""
    opts = options or PlanOptions(compare_greedy=False)
    report = progress or (lambda step, fraction: None)
    plans: dict[Mode, Plan] = {}
    for k, mode in enumerate(MODES):
        sc = with_procurement(scenario, mode)
        report(f"{mode}: planning", k / 2)
        plans[mode] = apply_price_breaks(plan_scenario(sc, opts), sc)
    outcomes = {m: outcome(plans[m], with_procurement(scenario, m)) for m in MODES}
    lines = sorted({ln.producer + " " + ln.item for ln in scenario.lines})
    result = CompareResult(scenario.settings.name,
                           [scenario.settings.month(t) for t in range(scenario.horizon)],
                           [m.code for m in scenario.members], outcomes["joint"],
                           outcomes["national"], round(initial_shortfall(scenario), 2), lines)
    report("done", 1.0)
    return result, plans


def only_joint_lines(result: CompareResult) -> dict[str, float]:
    """Lines expanded in the joint plan but not in the national one, with capacity added."""
    return {k: v for k, v in result.joint.capacity_added.items()
            if v > 0 and result.national.capacity_added.get(k, 0.0) <= 0}


def headline(result: CompareResult) -> str:
    """One sentence a minister understands: what buying together achieves."""
    j, n, m = result.joint, result.national, len(result.members)
    clauses = []
    if j.restocked or n.restocked:
        clauses.append(f"restocks {j.restocked} of {m} members to target within the horizon "
                       f"(national: {n.restocked})")
    clauses.append(f"closes {100 * result.closed(j):.0f}% of the members' stock gap below "
                   f"target by {result.months[-1]} (national: {100 * result.closed(n):.0f}%)")
    extra = only_joint_lines(result)
    if extra:
        lines = "line" if len(extra) == 1 else "lines"
        clauses.append(f"adds {sum(extra.values()):,.0f} units/month of capacity on "
                       f"{len(extra)} {lines} that no member alone could justify")
    text = "Buying together " + (", ".join(clauses[:-1]) + " and " if len(clauses) > 1
                                 else "") + clauses[-1]
    if j.requirements["quantity"]:
        text += (f"; the partner gets {100 * j.on_time_share:.0f}% of what it asked for on time "
                 f"(national: {100 * n.on_time_share:.0f}%)")
    return text + "."


def at_target_from(result: CompareResult, months: int | None) -> str:
    """The month from whose end a member stays at target: YYYY-MM, 'start' or 'not in horizon'."""
    if months is None:
        return "not in horizon"
    return result.months[months - 1] if months else "start"


def compare_dict(result: CompareResult) -> dict[str, Any]:
    """compare.json: both modes' figures and the headline."""
    def mode(o: ModeOutcome) -> dict[str, Any]:
        return {"requirements": o.requirements, "on_time_share": round(o.on_time_share, 6),
                "members_at_target": o.restocked, "months_to_target": o.months_to_target,
                "at_target_from": {k: at_target_from(result, v)
                                   for k, v in o.months_to_target.items()},
                "capacity_added": o.capacity_added,
                "capacity_added_total": round(sum(o.capacity_added.values()), 6),
                "lines_expanded": sum(1 for v in o.capacity_added.values() if v > 0),
                "shortfall_closed": round(result.closed(o), 6),
                "cost": o.cost, "member_cost": o.member_cost,
                "types_by_family": o.types_by_family, "shortfall_by_month": o.shortfall}

    return {"scenario": result.scenario, "months": result.months, "members": result.members,
            "headline": headline(result), "initial_shortfall": result.initial_shortfall,
            "only_joint_lines": only_joint_lines(result),
            "joint": mode(result.joint), "national": mode(result.national)}


def write_compare(result: CompareResult, plans: dict[Mode, Plan], scenario: Scenario,
                  out: Path, scenario_path: Path | None = None) -> dict[str, Path]:
    """Write OUT/joint and OUT/national plan folders, OUT/compare.json and the chart."""
    from replenish.reports.charts import plot_recovery

    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for mode in MODES:
        sc, folder = with_procurement(scenario, mode), out / mode
        summary = summary_dict(plans[mode], sc)
        if scenario_path is not None:
            summary["scenario"] = str(scenario_path.resolve())
        write_plan(plans[mode], sc, folder, summary)
        if mode == "joint":
            write_contracts(plans[mode], sc, folder)
        paths[mode] = folder
    paths["json"] = out / "compare.json"
    paths["json"].write_text(json.dumps(compare_dict(result), indent=2) + "\n",
                             encoding="utf-8")
    paths["chart"] = plot_recovery(result, out / "recovery.png")
    return paths
