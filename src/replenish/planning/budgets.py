"""Budgets: a member's spending — orders at unit price in their production month, plus its
share of expansion cost in month 0 — stays within its annual budget in each 12-month year."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from replenish.planning.builder import Model
from replenish.planning.index import PlanIndex
from replenish.planning.options import Info, PlanOptions, Vars


def define_budgets(m: Model, ix: PlanIndex, v: Vars, info: Info, options: PlanOptions) -> None:
    """One row per (member with a budget, year of the horizon).

    Spending per (member, year, item) is kept as a sparse matrix over the columns,
    `info["item_spend"]`, with its keys in `info["spend_keys"]`, so that a plan's spending can
    be measured and shared out even where `options.budgets` is off (see planning.decompose).
    """
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
    line_item = np.array([ix.item_pos[ix.lines[li].item] for li in ix.ord_line], np.int64)
    year = np.arange(H) // 12
    rows, items, cols, vals = [], [], [], []
    sel = buyer_row >= 0
    if sel.any():
        x = v["x"][sel]
        rows.append((buyer_row[sel][:, None] * years + year[None, :]).ravel())
        items.append(np.repeat(line_item[sel], H))
        cols.append(x.ravel())
        vals.append(np.repeat(price[sel], H))
    for k, (li, b) in enumerate(info.get("expansion_pairs", [])):
        if b in row_of and ix.lines[li].expansion_cost > 0:
            rows.append(np.array([row_of[b] * years]))
            items.append(np.array([ix.item_pos[ix.lines[li].item]]))
            cols.append(v["e"][k:k + 1])
            vals.append(np.array([ix.lines[li].expansion_cost]))
    info["budget_members"], info["budget_years"] = members, years
    if not rows:
        info["spend_keys"], info["item_spend"] = [], sp.csr_matrix((0, m.n_cols))
        return
    r, c, val = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    keys, key_row = np.unique(r * len(ix.items) + np.concatenate(items), return_inverse=True)
    info["spend_keys"] = [(members[k // len(ix.items) // years], int(k // len(ix.items) % years),
                           ix.items[k % len(ix.items)]) for k in keys.tolist()]
    info["item_spend"] = sp.csr_matrix((val, (key_row, c)), shape=(len(keys), m.n_cols))
    if options.budgets:
        m.add_rows("budget", len(members) * years, r, c, val,
                   upper=np.repeat([budget[b] for b in members], years))
