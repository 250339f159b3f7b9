"""Budgets: a member's spending — orders at unit price in their production month, plus its
share of expansion cost in month 0 — stays within its annual budget in each 12-month year."""

from __future__ import annotations

import numpy as np

from replenish.planning.builder import Model
from replenish.planning.index import PlanIndex
from replenish.planning.options import Info, Vars


def define_budgets(m: Model, ix: PlanIndex, v: Vars, info: Info) -> None:
    """One row per (member with a budget, year of the horizon)."""
    H = ix.H
    budget = {n.code: n.annual_budget for n in ix.scenario.members
              if n.annual_budget is not None}
    if not budget:
        return
    members = list(budget)
    years = (H + 11) // 12
    row_of = {b: k for k, b in enumerate(members)}
    buyer_row = np.array([row_of.get(b, -1) for b in ix.ord_buyer], np.int64)
    price = np.array([ix.lines[li].unit_price for li in ix.ord_line])
    year = np.arange(H) // 12
    rows, cols, vals = [], [], []
    sel = buyer_row >= 0
    if sel.any():
        x = v["x"][sel]
        rows.append((buyer_row[sel][:, None] * years + year[None, :]).ravel())
        cols.append(x.ravel())
        vals.append(np.repeat(price[sel], H))
    for k, (li, b) in enumerate(info.get("expansion_pairs", [])):
        if b in row_of and ix.lines[li].expansion_cost > 0:
            rows.append(np.array([row_of[b] * years]))
            cols.append(v["e"][k:k + 1])
            vals.append(np.array([ix.lines[li].expansion_cost]))
    if not rows:
        return
    m.add_rows("budget", len(members) * years, np.concatenate(rows), np.concatenate(cols),
               np.concatenate(vals), upper=np.repeat([budget[b] for b in members], years))
    info["budget_members"], info["budget_years"] = members, years
