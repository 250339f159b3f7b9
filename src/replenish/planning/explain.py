"""What binds: shadow prices of capacity, budgets, floors and committed pledges, in words.

Duals come from the LP (for a MIP, from its relaxation, where a marginal unit has meaning).
A shadow price is the improvement of the objective — value-weighted unit-months, see
model.records.DEFAULT_WEIGHTS — from relaxing a limit by one unit; it is translated into
"units of the line's item delivered instead of unmet at priority 1" where that helps.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from replenish.planning.build import BuiltModel
from replenish.planning.floors import floor_reduced_costs
from replenish.planning.solve import Solution

TOP = 8


def explain_binding(built: BuiltModel, sol: Solution) -> list[dict[str, Any]]:
    """The limits that cost the plan most, largest first, each with a plain sentence."""
    if sol.row_dual is None:
        return []
    found = (_capacity(built, sol) + _budgets(built, sol) + _floors(built, sol)
             + _pledges(built, sol))
    found = [f for f in found if f["value"] > 1e-6]
    found.sort(key=lambda f: (-f["value"], f["name"]))
    return found[:TOP]


def _block(built: BuiltModel, sol: Solution, name: str) -> np.ndarray:
    b = built.model.blocks.get(name)
    if b is None or sol.row_dual is None:
        return np.zeros(0)
    return np.asarray(sol.row_dual[b.start:b.start + b.size]) * built.scale


def _capacity(built: BuiltModel, sol: Solution) -> list[dict[str, Any]]:
    ix, H = built.index, built.index.H
    duals = _block(built, sol, "capacity").reshape(len(ix.lines), H) if ix.lines else None
    if duals is None or duals.size == 0:
        return []
    w_unmet = ix.scenario.settings.weight("unmet")
    out = []
    for li, line in enumerate(ix.lines):
        gain = -duals[li]
        months = np.flatnonzero(gain > 1e-9)
        if months.size == 0:
            continue
        start = int(months[0])
        step = _step(line.capacity)
        value = float(gain[start:].sum()) * step
        cost = ix.unit_cost[ix.item_pos[line.item]]
        units = value / (w_unmet * cost) if cost > 0 else 0.0
        out.append(dict(
            kind="capacity", name=f"{line.producer}/{line.item}", value=round(value, 4),
            shadow_price=round(float(gain[start:].sum()), 6),
            message=(f"one more {step:,g} {line.item}/month at line {line.producer} from "
                     f"{ix.scenario.settings.month(start)} would improve the plan by "
                     f"{value:,.0f} — about {units:,.1f} more {line.item} delivered instead "
                     f"of left unmet at priority 1")))
    return out


def _step(capacity: float) -> float:
    """A round increment of capacity to talk about: about a tenth of the line, at least 1."""
    if capacity < 10:
        return 1.0
    mag = 10 ** int(np.floor(np.log10(capacity / 10)))
    return float(mag)


def _budgets(built: BuiltModel, sol: Solution) -> list[dict[str, Any]]:
    info = built.info
    members, years = info.get("budget_members", []), info.get("budget_years", 0)
    duals = _block(built, sol, "budget")
    if duals.size == 0:
        return []
    out = []
    for k, b in enumerate(members):
        for y in range(years):
            gain = -float(duals[k * years + y]) * 1e6
            if gain > 1e-6:
                out.append(dict(kind="budget", name=f"{b} year {y + 1}", value=round(gain, 4),
                                shadow_price=round(gain / 1e6, 9),
                                message=(f"one million more in {b}'s budget for year {y + 1} "
                                         f"would improve the plan by {gain:,.0f}")))
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
            out.append(dict(kind="floor", name=f"{nation}/{item}", value=round(gain, 4),
                            shadow_price=round(gain, 6),
                            message=(f"{nation}'s readiness floor on {item} holds back aid: "
                                     f"one unit lower would improve the plan by {gain:,.0f}")))
    return out


def _pledges(built: BuiltModel, sol: Solution) -> list[dict[str, Any]]:
    ix = built.index
    duals = _block(built, sol, "pledge_committed")
    out = []
    for k, pl in enumerate(ix.committed):
        gain = float(duals[k]) if k < len(duals) else 0.0
        if gain > 1e-6:
            out.append(dict(kind="pledge", name=pl.id, value=round(gain, 4),
                            shadow_price=round(gain, 6),
                            message=(f"committed pledge {pl.id} ({pl.donor} → {pl.recipient}, "
                                     f"{pl.item}) costs the plan {gain:,.0f} per unit")))
    return out
