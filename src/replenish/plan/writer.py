"""Plan files of DESIGN.md ("Plan format"): rows as dicts, summary.json, and the writer."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from replenish.model import Scenario
from replenish.plan.contracts import COLUMNS as CONTRACT_COLUMNS
from replenish.plan.contracts import contract_rows
from replenish.plan.delivery import peak_use, throughput
from replenish.plan.records import Plan
from replenish.plan.score import objective_terms, plan_spending
from replenish.plan.totals import (
    budget_use,
    idle_system_months,
    requirement_totals,
    unit_months_below_floor,
)
from replenish.scenario.writer import format_number

Row = dict[str, Any]

COLUMNS: dict[str, list[str]] = {
    "donations.csv": ["donor", "recipient", "item", "dispatch_month", "arrival_month",
                      "quantity", "pledge", "route"],
    "orders.csv": ["buyer", "destination", "producer", "item", "production_month",
                   "arrival_month", "quantity", "unit_price", "contract", "route"],
    "production.csv": ["producer", "item", "month", "quantity", "capacity"],
    "expansions.csv": ["producer", "item", "buyer", "added_capacity", "available_from"],
    "stocks.csv": ["nation", "item", "month", "on_hand", "floor", "target"],
    "fulfilment.csv": ["requirement", "item", "arrival_month", "quantity", "late"],
    "sustainment.csv": ["recipient", "platform", "month", "operational", "idle_no_ammo",
                        "idle_no_crew", "ammo_cover_months"],
    "throughput.csv": ["kind", "code", "month", "tonnes", "capacity_tonnes"],
}


def plan_tables(plan: Plan, scenario: Scenario) -> dict[str, list[Row]]:
    """Each plan file's rows as dicts, months written YYYY-MM; contracts.csv for a joint
    plan by the optimiser (each buyer paying the expansion share the plan gave it)."""
    tables = _record_tables(plan, scenario)
    if scenario.routes:
        tables["throughput.csv"] = [dict(kind=t.kind, code=t.code,
                                         month=scenario.settings.month(t.month),
                                         tonnes=t.tonnes, capacity_tonnes=t.capacity_tonnes)
                                    for t in throughput(plan, scenario)]
    if plan.procurement == "joint" and plan.method == "optimal":
        tables["contracts.csv"] = contract_rows(plan, scenario, plan.expansion_shares)
    return tables


def _record_tables(plan: Plan, scenario: Scenario) -> dict[str, list[Row]]:
    m = scenario.settings.month
    return {
        "donations.csv": [dict(donor=d.donor, recipient=d.recipient, item=d.item,
                               dispatch_month=m(d.dispatch_month),
                               arrival_month=m(d.arrival_month), quantity=d.quantity,
                               pledge=d.pledge, route=d.route) for d in plan.donations],
        "orders.csv": [dict(buyer=o.buyer, destination=o.destination, producer=o.producer,
                            item=o.item, production_month=m(o.production_month),
                            arrival_month=m(o.arrival_month), quantity=o.quantity,
                            unit_price=o.unit_price, contract=o.contract, route=o.route)
                       for o in plan.orders],
        "production.csv": [dict(producer=p.producer, item=p.item, month=m(p.month),
                                quantity=p.quantity, capacity=p.capacity)
                           for p in plan.production],
        "expansions.csv": [dict(producer=e.producer, item=e.item, buyer=e.buyer,
                                added_capacity=e.added_capacity,
                                available_from=m(e.available_from)) for e in plan.expansions],
        "stocks.csv": [dict(nation=s.nation, item=s.item, month=m(s.month), on_hand=s.on_hand,
                            floor=s.floor, target=s.target) for s in plan.stocks],
        "fulfilment.csv": [dict(requirement=f.requirement, item=f.item,
                                arrival_month=m(f.arrival_month), quantity=f.quantity,
                                late=f.late) for f in plan.fulfilment],
        "sustainment.csv": [dict(recipient=s.recipient, platform=s.platform, month=m(s.month),
                                 operational=s.operational, idle_no_ammo=s.idle_no_ammo,
                                 idle_no_crew=s.idle_no_crew,
                                 ammo_cover_months=s.ammo_cover_months)
                            for s in plan.sustainment],
    }


def _cell(value: Any) -> str:
    if type(value) is float:          # most cells: tested first
        return format_number(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return format_number(float(value))
    return str(value)


def floor_breaches(plan: Plan, scenario: Scenario) -> list[Row]:
    """Committed pledges dispatched from a donor that ends the month below its floor."""
    floors = {(s.nation, s.item): s.floor for s in scenario.stocks}
    level = {(s.nation, s.item, s.month): s.on_hand for s in plan.stocks}
    out = []
    for d in plan.donations:
        if d.pledge is None:
            continue
        floor = floors.get((d.donor, d.item), 0.0)
        on_hand = level.get((d.donor, d.item, d.dispatch_month), 0.0)
        if on_hand < floor - 1e-9:
            out.append(dict(pledge=d.pledge, nation=d.donor, item=d.item,
                            month=scenario.settings.month(d.dispatch_month),
                            on_hand=on_hand, floor=floor))
    return out


#: status `optimal` only when the plan is this close to its proven bound (DESIGN.md)
OPTIMAL_GAP = 1e-3


def model_bound(plan: Plan, objective: float) -> dict[str, Any]:
    """`model` of summary.json: the planner's figures, with `bound` (a proven lower bound on
    the objective, null when none is known) and `gap` = (objective - bound) / |objective|."""
    model = dict(plan.extra.get("model", {}))
    bound = model.get("bound")
    if bound is None or not math.isfinite(bound):
        return {**model, "bound": None, "gap": None}
    # the model's bound may exceed the score of its own plan by the solver's tolerance
    bound = min(float(bound), objective) if bound - objective <= 1e-9 * abs(objective) + 1e-6 \
        else float(bound)
    gap = (objective - bound) / abs(objective) if objective else 0.0
    return {**model, "bound": round(bound, 4), "gap": round(gap, 9)}


def summary_dict(plan: Plan, scenario: Scenario) -> dict[str, Any]:
    """The summary.json of a plan."""
    line_cost = {(ln.producer, ln.item): ln.expansion_cost for ln in scenario.lines}
    expansion_cost = sum(e.added_capacity * line_cost.get((e.producer, e.item), 0.0)
                         for e in plan.expansions)
    terms = objective_terms(scenario, plan)
    objective = sum(terms.values())
    model = model_bound(plan, objective)
    status = plan.status
    if status == "optimal" and (model["gap"] is None or model["gap"] > OPTIMAL_GAP):
        status = "feasible"
    extra = {k: v for k, v in plan.extra.items() if k != "model"}
    return {
        "status": status,
        "method": plan.method,
        "objective": round(objective, 4),
        "objective_terms": {k: round(v, 4) for k, v in terms.items()},
        "procurement": plan.procurement,
        "start": scenario.settings.start,
        "horizon_months": scenario.horizon,
        "requirements": requirement_totals(plan, scenario),
        "readiness": round(unit_months_below_floor(plan, scenario), 6),
        "cost": round(plan_spending(scenario, plan), 2),
        "spending": budget_use(plan, scenario),
        "expansion": round(sum(e.added_capacity for e in plan.expansions), 6),
        "expansion_cost": round(expansion_cost, 2),
        "lines_expanded": len({(e.producer, e.item) for e in plan.expansions}),
        "idle_system_months": round(idle_system_months(plan), 6),
        "floor_breaches": floor_breaches(plan, scenario),
        **({"delivery": peak_use(plan, scenario)} if scenario.routes else {}),
        "timings": {k: round(v, 3) for k, v in plan.timings.items()},
        "model": model,
        **extra,
        "binding": plan.binding,
    }


def write_plan(plan: Plan, scenario: Scenario, out: Path,
               summary: dict[str, Any] | None = None) -> None:
    """Write summary.json and every plan CSV into `out` (created if needed)."""
    write_plan_files(plan, scenario, out)
    write_summary(out, summary if summary is not None else summary_dict(plan, scenario))


def write_plan_files(plan: Plan, scenario: Scenario, out: Path) -> None:
    """Every plan CSV into `out` (created if needed); summary.json is `write_summary`'s."""
    out.mkdir(parents=True, exist_ok=True)
    tables = plan_tables(plan, scenario)
    for name, rows in tables.items():
        columns = COLUMNS.get(name) or CONTRACT_COLUMNS
        with open(out / name, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(columns)
            for row in rows:
                w.writerow([_cell(row[c]) for c in columns])
    for name in ("contracts.csv", "throughput.csv"):
        if name not in tables:
            # an earlier plan's would not match this plan's orders
            (out / name).unlink(missing_ok=True)


def write_summary(out: Path, summary: dict[str, Any]) -> None:
    """summary.json into the plan folder `out`."""
    (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=False) + "\n",
                                      encoding="utf-8")
