"""Build the planning model: every constraint group in turn over one shared index."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from replenish.model import Scenario
from replenish.planning.balance import define_stock_balance
from replenish.planning.budgets import define_budgets
from replenish.planning.builder import Model
from replenish.planning.delivery import check_pledges_carriable, define_delivery
from replenish.planning.donations import check_pledges_coverable, define_donations, define_pledges
from replenish.planning.floors import define_stock, stock_lower_bounds
from replenish.planning.index import PlanIndex, build_index
from replenish.planning.options import Info, PlanOptions, Vars
from replenish.planning.production import (
    define_capacity,
    define_commitment,
    define_expansion,
    define_orders,
)
from replenish.planning.requirements import define_requirements
from replenish.planning.sustainment import define_sustainment


@dataclass
class BuiltModel:
    model: Model
    index: PlanIndex
    vars: Vars
    info: Info
    scale: float


def value_scale(scenario: Scenario) -> float:
    """Objective scale: item values are divided by this to keep coefficients near 1."""
    costs = [i.unit_cost for i in scenario.items if i.unit_cost > 0]
    return float(np.median(costs)) if costs else 1.0


def build_model(scenario: Scenario, options: PlanOptions,
                scale: float | None = None) -> BuiltModel:
    """Index the scenario and define every constraint group; raise InfeasiblePlan early for
    committed pledges nothing can cover. `scale` overrides the objective scale (so that parts
    of one scenario planned apart share one unit)."""
    ix = build_index(scenario, set(options.exported_munitions))
    check_pledges_coverable(ix)
    check_pledges_carriable(scenario)
    m = Model()
    v: Vars = {}
    info: Info = {}
    scale = value_scale(scenario) if scale is None else scale
    define_orders(m, ix, v, scale)
    define_expansion(m, ix, v, info, scale)
    define_donations(m, ix, v, info, scale)
    define_pledges(m, ix, v, info, scale)
    define_stock(m, ix, v, info, stock_lower_bounds(ix), scale)
    define_stock_balance(m, ix, v, info)
    define_capacity(m, ix, v, info)
    define_commitment(m, ix, v, info)
    define_requirements(m, ix, v, info, scale, options.shared_requirements)
    define_sustainment(m, ix, v, info, scale, options.imported_munitions,
                       options.exported_munitions)
    define_delivery(m, ix, v, info, options.transport)
    define_budgets(m, ix, v, info, options)
    if not options.integer:
        m.integer = [np.zeros_like(a) for a in m.integer]
    return BuiltModel(m, ix, v, info, scale)
