"""Which limits to try: shadow prices of capacity, budgets, floors and committed pledges.

Duals only choose the candidates (DESIGN.md "Explanations"); `measure.py` re-plans with each
relaxed by the step stated here and reports what actually changed. Each candidate carries its
`change`, the scenario edit as data: the file, the row's key columns, the column and the cell
texts before and after.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from replenish.model.records import Scenario
from replenish.planning.build import BuiltModel
from replenish.planning.floors import floor_reduced_costs
from replenish.planning.solve import Solution
from replenish.scenario.writer import format_number

#: candidates kept from the duals, largest shadow value first
TOP = 6


def round_step(value: float, least: float = 1.0) -> float:
    """A round step of about a tenth of `value` (1, 2 or 5 times a power of ten), at least
    `least`: the relaxation an explanation tries."""
    if value / 10 <= least:
        return least
    power = 10.0 ** math.floor(math.log10(value / 10))
    return max(m * power for m in (1.0, 2.0, 5.0) if m * power <= value / 10)


def change(file: str, match: dict[str, str], column: str, before: Any, after: Any
           ) -> dict[str, Any]:
    """A scenario edit as DESIGN.md states it: cell texts as the scenario writer writes them."""
    def text(x: Any) -> str:
        return x if isinstance(x, str) else format_number(x)
    return {"file": file, "match": match, "column": column, "from": text(before),
            "to": text(after)}


def capacity_change(scenario: Scenario, producer: str, item: str) -> dict[str, Any]:
    line = next(ln for ln in scenario.lines if (ln.producer, ln.item) == (producer, item))
    return change("production_lines.csv", {"producer": producer, "item": item}, "capacity",
                  line.capacity, line.capacity + round_step(line.capacity))


def lead_time_change(scenario: Scenario, producer: str, item: str) -> dict[str, Any] | None:
    line = next(ln for ln in scenario.lines if (ln.producer, ln.item) == (producer, item))
    if line.lead_time < 1:
        return None
    return change("production_lines.csv", {"producer": producer, "item": item}, "lead_time",
                  line.lead_time, line.lead_time - 1)


def budget_change(scenario: Scenario, member: str) -> dict[str, Any] | None:
    budget = next(n.annual_budget for n in scenario.nations if n.code == member)
    if budget is None:
        return None
    return change("nations.csv", {"code": member}, "annual_budget", budget,
                  budget + round_step(budget, 1e6))


def floor_change(scenario: Scenario, nation: str, item: str) -> dict[str, Any]:
    stock = next(s for s in scenario.stocks if (s.nation, s.item) == (nation, item))
    lower = max(0.0, stock.floor - round_step(stock.floor))
    return change("stocks.csv", {"nation": nation, "item": item}, "floor", stock.floor, lower)


def round_up(value: float) -> float:
    """The least of 1, 2 or 5 times a power of ten that is at least `value` (> 0)."""
    power = 10.0 ** math.floor(math.log10(value))
    return min(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= value * (1 - 1e-12))


def transport_step(scenario: Scenario, capacity: float) -> float:
    """How much more a hub or route is tried with: a round tenth of its capacity, but room for
    at least one more unit of the heaviest item (2 t more a month moves no 15 t howitzer)."""
    heaviest = max((i.tonnes_per_unit for i in scenario.items), default=0.0)
    return max(round_step(capacity), round_up(heaviest) if heaviest > 0 else 1.0)


def transport_change(scenario: Scenario, kind: str, code: str) -> dict[str, Any] | None:
    """A hub's or a route's capacity_tonnes a step higher (None where it has none)."""
    rows = scenario.hubs if kind == "hub" else scenario.routes
    cap = next(r.capacity_tonnes for r in rows if r.code == code)
    if cap is None:
        return None
    return change("hubs.csv" if kind == "hub" else "routes.csv", {"code": code},
                  "capacity_tonnes", cap, cap + transport_step(scenario, cap))


def pledge_change(pledge_id: str) -> dict[str, Any]:
    return change("pledges.csv", {"id": pledge_id}, "status", "committed", "announced")


def binding_candidates(built: BuiltModel, sol: Solution) -> list[dict[str, Any]]:
    """The limits with the largest shadow value, each with the change to try."""
    if sol.row_dual is None:
        return []
    found = (_capacity(built, sol) + _budgets(built, sol) + _floors(built, sol)
             + _pledges(built, sol) + _transport(built, sol))
    found = [f for f in found if f["value"] > 1e-6 and f["change"] is not None]
    found.sort(key=lambda f: (-f["value"], f["name"]))
    return found[:TOP]


def _block(built: BuiltModel, sol: Solution, name: str) -> np.ndarray:
    b = built.model.blocks.get(name)
    if b is None or sol.row_dual is None:
        return np.zeros(0)
    return np.asarray(sol.row_dual[b.start:b.start + b.size]) * built.scale


def _capacity(built: BuiltModel, sol: Solution) -> list[dict[str, Any]]:
    """A line whose capacity binds; its lead time a month shorter is tried beside it."""
    ix, H = built.index, built.index.H
    duals = _block(built, sol, "capacity").reshape(len(ix.lines), H) if ix.lines else None
    if duals is None or duals.size == 0:
        return []
    out = []
    for li, line in enumerate(ix.lines):
        gain = float((-duals[li]).clip(min=0).sum())
        if gain <= 1e-9:
            continue
        name = f"{line.producer}/{line.item}"
        step = round_step(line.capacity)
        out.append(dict(kind="capacity", name=name, value=gain * step, shadow_price=gain,
                        change=capacity_change(ix.scenario, line.producer, line.item)))
        out.append(dict(kind="lead_time", name=name, value=gain * step * 0.5, shadow_price=gain,
                        change=lead_time_change(ix.scenario, line.producer, line.item)))
    return out


def _budgets(built: BuiltModel, sol: Solution) -> list[dict[str, Any]]:
    info = built.info
    members, years = info.get("budget_members", []), info.get("budget_years", 0)
    duals = _block(built, sol, "budget")
    if duals.size == 0:
        return []
    out = []
    for k, b in enumerate(members):
        price = max(-float(duals[k * years + y]) for y in range(years)) * 1e6
        if price > 1e-6:
            budget = next(n.annual_budget for n in built.index.scenario.nations if n.code == b)
            step = round_step(budget or 0.0, 1e6)
            out.append(dict(kind="budget", name=b, value=price * step / 1e6,
                            shadow_price=price / 1e6,
                            change=budget_change(built.index.scenario, b)))
    return out


def _floors(built: BuiltModel, sol: Solution) -> list[dict[str, Any]]:
    """Reduced costs of stock held at its floor bound: how much a floor holds back aid."""
    ix, v = built.index, built.vars
    if sol.col_dual is None or v["s"].size == 0 or ix.scenario.settings.readiness != "above_aid":
        return []
    rc = floor_reduced_costs(ix, v, sol.col_dual) * built.scale
    out = []
    for p in np.flatnonzero(ix.floor > 0):
        gain = float(rc[p].clip(min=0).sum())
        if gain > 1e-6:
            nation, item = ix.pos_nation[p], ix.items[ix.pos_item[p]]
            out.append(dict(kind="floor", name=f"{nation}/{item}",
                            value=gain * round_step(float(ix.floor[p])), shadow_price=gain,
                            change=floor_change(ix.scenario, nation, item)))
    return out


def _pledges(built: BuiltModel, sol: Solution) -> list[dict[str, Any]]:
    ix = built.index
    duals = _block(built, sol, "pledge_committed")
    out = []
    for k, pl in enumerate(ix.committed):
        gain = float(duals[k]) if k < len(duals) else 0.0
        if gain > 1e-6:
            out.append(dict(kind="pledge", name=pl.id, value=gain * pl.quantity,
                            shadow_price=gain, change=pledge_change(pl.id)))
    return out


def _transport(built: BuiltModel, sol: Solution) -> list[dict[str, Any]]:
    """A hub or route whose tonnes a month bind (DESIGN.md, "Delivery")."""
    sc = built.index.scenario
    out = []
    for kind, block, rows in (("hub", "hub_capacity", sc.hubs),
                              ("route", "route_capacity", sc.routes)):
        duals = _block(built, sol, block)
        gain: dict[int, float] = {}
        for (k, _), d in zip(built.info.get(f"{kind}_rows", []), duals, strict=False):
            gain[k] = gain.get(k, 0.0) + max(0.0, -float(d))
        for k, g in gain.items():
            cap = rows[k].capacity_tonnes
            if g > 1e-9 and cap is not None:
                out.append(dict(kind=kind, name=rows[k].code,
                                value=g * transport_step(sc, cap),
                                shadow_price=g, change=transport_change(sc, kind, rows[k].code)))
    return out
