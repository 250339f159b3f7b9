"""Solve a built model with HiGHS through its matrix interface; never show a solver log
unless asked, and turn infeasibility into a named InfeasiblePlan."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from replenish.errors import InfeasiblePlan
from replenish.planning.build import BuiltModel
from replenish.planning.options import PlanOptions


@dataclass
class Solution:
    status: str
    objective: float
    x: np.ndarray
    row_dual: np.ndarray | None
    col_dual: np.ndarray | None
    mip: bool
    gap: float


def solve_model(built: BuiltModel, options: PlanOptions) -> Solution:
    """Pass the arrays to HiGHS, solve, and return primal (and duals for an LP)."""
    m = built.model
    lower, upper, cost, integer = m.column_arrays()
    a = m.matrix()
    row_lo, row_up = m.row_bounds()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = m.n_cols, m.n_rows
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
    lp.row_lower_, lp.row_upper_ = row_lo, row_up
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    mip = bool(integer.any())
    if mip:
        lp.integrality_ = [highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous
                           for b in integer]
    h = highspy.Highs()
    h.setOptionValue("output_flag", options.verbose)
    h.setOptionValue("time_limit", float(options.time_limit))
    h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
    h.setOptionValue("random_seed", 0)
    if options.threads:
        h.setOptionValue("threads", int(options.threads))
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status in (highspy.HighsModelStatus.kInfeasible,
                  highspy.HighsModelStatus.kUnboundedOrInfeasible):
        raise InfeasiblePlan(["the hard rules cannot all hold: committed pledges, floors, "
                              "capacity and budgets conflict (run `replenish validate` and "
                              "check committed pledges against stocks and lines)"])
    sol = h.getSolution()
    info = h.getInfo()
    if not sol.value_valid:
        raise InfeasiblePlan([f"the solver found no plan ({h.modelStatusToString(status)})"])
    values = np.asarray(sol.col_value)
    duals_ok = (not mip) and sol.dual_valid
    return Solution(
        status="optimal" if status == highspy.HighsModelStatus.kOptimal else
        h.modelStatusToString(status).lower().replace(" ", "_"),
        objective=float(info.objective_function_value),
        x=values,
        row_dual=np.asarray(sol.row_dual) if duals_ok else None,
        col_dual=np.asarray(sol.col_dual) if duals_ok else None,
        mip=mip,
        gap=float(info.mip_gap) if mip else 0.0,
    )
