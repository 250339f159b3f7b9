"""Read back what the recipient holds and how its systems fare: the sustainment rule of
plan/sustain.py applied to what the solution delivers, so that the recipient's stock rows and
sustainment rows follow from the plan's donations and orders."""

from __future__ import annotations

import numpy as np

from replenish.plan.records import StockLevel, SustainmentRow
from replenish.plan.sustain import Pair, simulate_sustainment, train_crews
from replenish.planning.build import BuiltModel

#: a delivered quantity below this is none, as the plan's donations and orders write it
EPS = 1e-6


def sustained(built: BuiltModel, val: np.ndarray
              ) -> tuple[list[StockLevel], list[SustainmentRow]]:
    """The recipients' end-of-month holdings (what arrived less what was fired) and their
    sustainment rows (operational systems, idle for want of ammunition or of a crew, months
    of ammunition cover): the rule applied to the solution's deliveries, crews trained for
    them as soon as seats allow (ahead of arrival, as the model may: its crews columns are no
    more than that)."""
    sc = built.index.scenario
    arrivals = solution_arrivals(built, val)
    return simulate_sustainment(sc, arrivals, train_crews(sc, arrivals, ahead=True))


def solution_arrivals(built: BuiltModel, val: np.ndarray) -> dict[Pair, np.ndarray]:
    """Units arriving at each recipient per item and month, each delivery rounded as the plan's
    donations and orders write it (whole for whole-number items, else to 6 decimals)."""
    ix, H = built.index, built.index.H
    rows, cols = built.info["arrival_rows"], built.info["arrival_cols"]
    if len(rows) == 0:
        return {}
    pair = rows // H
    q = val[cols]
    q = np.where(ix.integer[ix.ri_item[pair]], np.round(q), np.round(q, 6))
    q[np.abs(q) < EPS] = 0.0
    per_pair = np.zeros((len(ix.ri_rec), H))
    np.add.at(per_pair, (pair, rows % H), q)
    return {(ix.recipients[ix.ri_rec[k]], ix.items[ix.ri_item[k]]): per_pair[k]
            for k in np.flatnonzero(per_pair.any(axis=1)).tolist()}
