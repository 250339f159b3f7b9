"""Solve a built model with HiGHS through its matrix interface; never show a solver log
unless asked, and turn infeasibility into a named InfeasiblePlan."""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from replenish.errors import InfeasiblePlan, NoPlanInTime
from replenish.planning.build import BuiltModel
from replenish.planning.options import PlanOptions


@dataclass
class Solution:
    status: str
    objective: float
    x: np.ndarray
    row_dual: np.ndarray | None   # of the LP (or, for a MIP, of its relaxation)
    col_dual: np.ndarray | None
    mip: bool
    gap: float
    #: a proven lower bound on `objective` (the LP relaxation's optimum), nan when unknown
    bound: float = float("nan")


def solve_model(built: BuiltModel, options: PlanOptions) -> Solution:
    """Pass the arrays to HiGHS, solve, and return primal (and duals for an LP)."""
    h = new_highs(options)
    integer = pass_model(h, built, integrality=True)
    mip = bool(integer.any())
    lp_bound = None
    duals: dict[str, np.ndarray] = {}
    if mip:
        lower, upper, _cost, _int = built.model.column_arrays()
        lp_bound = _solve_guided_by_relaxation(h, integer, lower, upper, duals)
    else:
        run_counted(h)
    if mip and not _settled(h):
        # the restricted problems had no whole-number completion: solve the full MIP
        h = new_highs(options)
        pass_model(h, built, integrality=True)
        run_counted(h)
    return exactly_whole(h, built, read_solution(h, mip, lp_bound, duals), options.whole_noise)


def exactly_whole(h: highspy.Highs, built: BuiltModel, sol: Solution,
                  noise: float) -> Solution:
    """A MIP's plan made exactly whole. A MIP's rows hold only to HiGHS's tolerance (a line
    expanding by 0.999999 where at least 1 is allowed, its yes at exactly 1): with the
    whole-number columns held at their rounded values, the LP is solved once more. Not solved
    again where rounding moves no value by more than `noise` (`PlanOptions.whole_noise`), see
    `whole_as_is`. (Rounds fired are made whole by the firing rule, plan.sustain.)"""
    if not sol.mip:
        return sol
    lower, upper, _cost, integer = built.model.column_arrays()
    held = np.flatnonzero(integer)
    lower, upper = lower.copy(), upper.copy()
    lower[held] = upper[held] = np.round(sol.x[held])
    as_is = whole_as_is(h, sol.x, held, lower[held], noise)
    if as_is is not None:
        return dataclasses.replace(sol, x=as_is)
    if not resolve_held(h, lower, upper):
        return sol     # cannot happen: stocks only rise and the systems may always stand
    objective = float(h.getInfo().objective_function_value)
    bound = sol.objective - sol.gap * max(1.0, abs(sol.objective))
    return dataclasses.replace(sol, x=np.asarray(h.getSolution().col_value),
                               objective=objective, gap=relative_gap(objective, bound))


def whole_as_is(h: highspy.Highs, x: np.ndarray, held: np.ndarray,
                whole: np.ndarray, noise: float) -> np.ndarray | None:
    """`x` with its columns `held` set to `whole`, if that moves them by no more than
    `noise` and every row and bound of the model in `h` still holds to it (relative);
    None where the plan must be solved once more with them held (a MIP holds its rows only to
    its tolerance, 1e-6: a line expanding by 0.999999 where at least 1 is allowed)."""
    if np.abs(whole - x[held]).max(initial=0.0) > noise:
        return None
    values = np.array(x)
    values[held] = whole
    lp = h.getLp()
    a = lp_matrix(lp)
    if (_within(values, np.asarray(lp.col_lower_), np.asarray(lp.col_upper_), noise)
            and _within(a @ values, np.asarray(lp.row_lower_), np.asarray(lp.row_upper_),
                        noise)):
        return values
    return None


def lp_matrix(lp: highspy.HighsLp) -> sp.csc_matrix:
    """The constraint matrix of a model HiGHS holds (`Highs.getLp()`), column-wise."""
    m = lp.a_matrix_
    return sp.csc_matrix((np.asarray(m.value_), np.asarray(m.index_), np.asarray(m.start_)),
                         shape=(lp.num_row_, lp.num_col_))


def _within(values: np.ndarray, lo: np.ndarray, up: np.ndarray, noise: float) -> bool:
    """Whether every value is within its bounds to `noise` (relative)."""
    size = np.maximum(np.abs(np.nan_to_num(lo, posinf=0.0, neginf=0.0)),
                      np.abs(np.nan_to_num(up, posinf=0.0, neginf=0.0)))
    slack = noise * np.maximum(1.0, size)
    return bool(((values >= lo - slack) & (values <= up + slack)).all())


def resolve_held(h: highspy.Highs, lower: np.ndarray, upper: np.ndarray) -> bool:
    """Solve the model in `h` once more as an LP within column bounds `lower`..`upper` (the
    whole values held), without time limit; whether it is optimal. From scratch: presolve
    removes the held columns and leaves a small LP, where a warm start from a relaxation's
    basis with most of its columns moved took 23 s on a group of M, and failed."""
    n = len(lower)
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.zeros(n, np.uint8))
    h.changeColsBounds(n, np.arange(n, dtype=np.int32), lower, upper)
    h.setOptionValue("time_limit", float("inf"))
    h.clearSolver()
    h.run()
    return bool(h.getModelStatus() == highspy.HighsModelStatus.kOptimal)


def pass_model(h: highspy.Highs, built: BuiltModel, integrality: bool) -> np.ndarray:
    """Give HiGHS the built model (as an LP unless `integrality`); returns which columns are
    integer."""
    m = built.model
    lower, upper, cost, integer = m.column_arrays()
    row_lo, row_up = m.row_bounds()
    pass_arrays(h, m.matrix(), cost, lower, upper, row_lo, row_up,
                integer if integrality else None, m.offset)
    return integer


def pass_arrays(h: highspy.Highs, a: sp.csc_matrix, cost: np.ndarray, lower: np.ndarray,
                upper: np.ndarray, row_lo: np.ndarray, row_up: np.ndarray,
                integer: np.ndarray | None, offset: float = 0.0) -> None:
    """Give HiGHS a model as arrays (`a` column-wise), with whole-number columns where
    `integer` marks any (None: an LP), and a constant `offset` in its objective. Through
    highspy's array overload of passModel: filling a HighsLp's fields copies each array value
    by value (1.5 ms for a block of 2,500 columns against 0.12 ms; a warm what-if passes 33)."""
    n = a.shape[1]
    whole = (np.asarray(integer, np.int32) if integer is not None and integer.any()
             else np.zeros(n, np.int32))
    h.passModel(n, a.shape[0], int(a.nnz), int(highspy.MatrixFormat.kColwise),
                int(highspy.ObjSense.kMinimize), float(offset), _floats(cost), _floats(lower),
                _floats(upper), _floats(row_lo), _floats(row_up),
                a.indptr.astype(np.int32), a.indices.astype(np.int32), _floats(a.data), whole)


def _floats(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64)


def solve_guided(h: highspy.Highs, integer: np.ndarray, lower: np.ndarray,
                 upper: np.ndarray, relaxed: tuple[float, np.ndarray] | None = None,
                 patient: bool = False,
                 duals: dict[str, np.ndarray] | None = None,
                 release: bool = True, improve_seconds: float = float("inf")) -> Solution:
    """Solve a MIP already in `h` guided by its relaxation (see below), the full MIP if that
    fails; read the solution. With `relaxed`, `h` holds that relaxation's solution. A
    `patient` solve whose time runs out before any plan goes on to its first plan instead of
    failing (the time limit is then exceeded). `duals`, the relaxation's, are given where
    `h` has been solved since. Without `release`, only the MIP with the relaxation's whole
    values held is tried (a caller with a plan in hand to fall back on). A plan found with
    them held but far above the relaxation is improved with only the zeros held for at most
    `improve_seconds` (`release_used`)."""
    if duals is None:
        duals = {}
    if relaxed is not None and not duals:
        solution = h.getSolution()
        duals = {"row": np.asarray(solution.row_dual), "col": np.asarray(solution.col_dual)}
    lp_bound = _solve_guided_by_relaxation(h, integer, lower, upper, duals, relaxed, patient,
                                           release, improve_seconds)
    if release and not _settled(h):
        n = len(integer)
        h.changeColsBounds(n, np.arange(n, dtype=np.int32), lower, upper)
        _run(h, patient)
    return read_solution(h, True, lp_bound, duals)


#: per thread, how many searches a time limit stopped (see `stopped_by_time`)
_stopped = threading.local()


def stopped_by_time() -> int:
    """How many searches in this thread a time limit has stopped so far: a MIP stopped
    before it was done, or a loop of solves (blocks planned again) cut short. Where one was,
    the plan depends on how fast the machine was: the same scenario planned again, or on
    another machine, may give another plan (DESIGN.md: "a plan is a pure function of its
    scenario"). A caller takes the difference across its own work (`_Group`)."""
    return int(getattr(_stopped, "count", 0))


def note_stopped_by_time() -> None:
    """Count one search a time limit stopped (see `stopped_by_time`)."""
    _stopped.count = stopped_by_time() + 1


def run_counted(h: highspy.Highs) -> None:
    """Run `h`, counting it where its time limit stopped it (`stopped_by_time`)."""
    h.run()
    if h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit:
        note_stopped_by_time()


def _run(h: highspy.Highs, patient: bool) -> None:
    """Run `h`; if patient and its time runs out before any plan, on to the first plan (and
    every later run of `h` stops at its first plan too)."""
    run_counted(h)
    if (patient and h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
            and not h.getSolution().value_valid):
        h.setOptionValue("time_limit", float("inf"))
        h.setOptionValue("mip_max_improving_sols", 1)
        h.run()


def read_solution(h: highspy.Highs, mip: bool, lp_bound: float | None,
                  duals: dict[str, np.ndarray]) -> Solution:
    """The solution in `h`, or a named InfeasiblePlan."""
    status = h.getModelStatus()
    if status in (highspy.HighsModelStatus.kInfeasible,
                  highspy.HighsModelStatus.kUnboundedOrInfeasible):
        raise InfeasiblePlan(["the hard rules cannot all hold: committed pledges, floors, "
                              "capacity, budgets and transport limits conflict (run `replenish "
                              "validate` and check committed pledges against stocks, lines, "
                              "hubs and routes)"])
    sol = h.getSolution()
    info = h.getInfo()
    if not sol.value_valid:
        if status in _OUT_OF_TIME:
            raise NoPlanInTime([f"{'a whole-number plan' if mip else 'a plan'} of "
                                f"{h.getNumCol():,} columns and {h.getNumRow():,} rows "
                                f"({h.modelStatusToString(status)})"],
                               float(h.getOptionValue("time_limit")[1]))
        raise InfeasiblePlan([f"the solver found no plan ({h.modelStatusToString(status)})"])
    values = np.asarray(sol.col_value)
    if not mip and sol.dual_valid:
        duals = {"row": np.asarray(sol.row_dual), "col": np.asarray(sol.col_dual)}
    return Solution(
        status="optimal" if status == highspy.HighsModelStatus.kOptimal else
        "feasible" if status in (highspy.HighsModelStatus.kTimeLimit,
                                 highspy.HighsModelStatus.kSolutionLimit) else
        h.modelStatusToString(status).lower().replace(" ", "_"),
        objective=float(info.objective_function_value),
        x=values,
        row_dual=duals.get("row"),
        col_dual=duals.get("col"),
        mip=mip,
        gap=relative_gap(float(info.objective_function_value), lp_bound) if mip else 0.0,
        bound=(lp_bound if lp_bound is not None else float("nan")) if mip else
        float(info.objective_function_value) if status == highspy.HighsModelStatus.kOptimal
        else float("nan"),
    )


_OUT_OF_TIME = (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kIterationLimit,
                highspy.HighsModelStatus.kInterrupt)

_STDOUT_LOCK = threading.Lock()


@contextmanager
def _quiet_stdout(quiet: bool) -> Iterator[None]:
    """Silence HiGHS's banner, which it prints from C before any option can be set."""
    if not quiet:
        yield
        return
    # one thread at a time: two interleaved would save each other's /dev/null as "stdout"
    # and leave it there (blocks of a group are solved on every core, a HiGHS each)
    with _STDOUT_LOCK:
        sys.stdout.flush()
        saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)


def bare_highs(verbose: bool = False) -> highspy.Highs:
    """A HiGHS that prints nothing unless `verbose`: neither its banner (printed by the first
    HiGHS a process makes) nor its log. A plan on Dask makes its first in the planning
    process for the coordination's master, and printed the banner amid the command's
    output."""
    with _quiet_stdout(not verbose):
        h = highspy.Highs()
    h.setOptionValue("output_flag", verbose)
    return h


def limit_mip(h: highspy.Highs, seconds: float) -> None:
    """Let the next run of `h`, a MIP, take at most `seconds`. HiGHS (1.16) times a MIP from
    the start of its own run, an LP from the first run of its Highs (as `getRunTime`
    counts): generated M, seed 1, a 96,821-column group's MIP limited to `getRunTime()` +
    10 s after 15 s of its relaxations ran 25 s."""
    h.setOptionValue("time_limit", float(seconds))


def new_highs(options: PlanOptions) -> highspy.Highs:
    h = bare_highs(options.verbose)
    h.setOptionValue("time_limit", float(options.time_limit))
    h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
    h.setOptionValue("random_seed", 0)
    if options.threads:
        h.setOptionValue("threads", int(options.threads))
    return h


def _solve_guided_by_relaxation(h: highspy.Highs, integer: np.ndarray, lower: np.ndarray,
                                upper: np.ndarray, duals: dict[str, np.ndarray],
                                relaxed: tuple[float, np.ndarray] | None = None,
                                patient: bool = False, release: bool = True,
                                improve_seconds: float = float("inf")) -> float:
    """Solve the LP relaxation, then the MIP with the relaxation's whole values held.

    In these flow models almost every whole-number column of the relaxation's optimum is
    already whole (and most are zero). First every such column is held at its value, leaving
    HiGHS only the few fractional ones to settle; if that has no completion, only the unused (zero)
    columns stay held. Either way a small MIP that closes in moments where the full MIP takes
    minutes. `relaxed` (objective, values) skips solving a relaxation already solved; duals
    then come from `h`'s current solution. Returns the relaxation's bound.
    """
    if relaxed is None:
        h.setOptionValue("solve_relaxation", True)
        run_counted(h)
        h.setOptionValue("solve_relaxation", False)
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            run_counted(h)
            return float("nan")
        bound = float(h.getInfo().objective_function_value)
        solution = h.getSolution()
        x = np.asarray(solution.col_value)
        if solution.dual_valid:
            duals["row"] = np.asarray(solution.row_dual)
            duals["col"] = np.asarray(solution.col_dual)
    else:
        bound, x = relaxed
    whole = hold_whole_values(h, integer, x)
    _run(h, patient)
    if release:
        release_used(h, whole, x, lower, upper, bound, patient,
                     improve_seconds=improve_seconds)
    return bound


def release_used(h: highspy.Highs, held: np.ndarray, x: np.ndarray, lower: np.ndarray,
                 upper: np.ndarray, bound: float, patient: bool = False,
                 zeros: bool = False, improve_seconds: float = float("inf")) -> None:
    """After a MIP run with the whole values `held` at `x` (`hold_whole_values`): where it
    found no plan, or one FAR_ABOVE_RELAXATION above the relaxation `bound`, run it again
    with only the unused (zero) ones held, from the plan found if any, and then for at most
    `improve_seconds`; with `zeros`, where that is still FAR_ABOVE_WITH_ZEROS_HELD above,
    once more with none held, for at most NONE_HELD_SECONDS."""
    stages = [held[np.abs(x[held]) >= 1e-9]] + ([held] if zeros else [])
    for stage, free in enumerate(stages):
        far = FAR_ABOVE_RELAXATION if not stage else FAR_ABOVE_WITH_ZEROS_HELD
        if not free.size or (_settled(h) and not _far_from(h, bound, far)):
            continue
        # from the plan found, if any: the search only gets better
        start = h.getSolution() if h.getSolution().value_valid else None
        h.changeColsBounds(int(free.size), free.astype(np.int32), lower[free], upper[free])
        if start is not None:
            h.setSolution(start)
        seconds = NONE_HELD_SECONDS if stage else (
            improve_seconds if start is not None else float("inf"))
        if seconds == float("inf"):
            _run(h, patient)
            continue
        limit = float(h.getOptions().time_limit)
        limit_mip(h, min(limit, seconds))
        _run(h, patient)
        if float(h.getOptions().time_limit) < float("inf"):   # not gone on to a first plan
            h.setOptionValue("time_limit", limit)


#: a plan with its relaxation's whole values held this far above the relaxation is planned
#: again with only its zeros held: heavy items through a full hub (15 t howitzers, 50 t a
#: month) left one unmet where whole numbers everywhere met all on time (79 % above the
#: relaxation, against 0.1 % or less on generated M's groups)
FAR_ABOVE_RELAXATION = 0.01
#: ... and with nothing held where its zeros held leave it this far above: on generated M,
#: seed 1, a 1-item group 1.3 % above its relaxation with its zeros held spent 14 s in the root
#: of its MIP with nothing held (its limit then set from the Highs's first run, not the MIP's:
#: see `limit_mip`; HiGHS does check its time limit in the root) for no better
#: plan, where the plan it is there for was 40 % above (seed 7's AD-L09 line, see
#: decompose._Group.pooled)
FAR_ABOVE_WITH_ZEROS_HELD = 0.05
#: ... and then for at most this long (as far as HiGHS checks its time limit: between nodes):
#: on generated M, seed 2, a 1-item group 8.7 % above with its zeros held ran to its 5 s limit
#: with nothing held for a plan 0.005 % better, its other core idle
NONE_HELD_SECONDS = 1.0


def _far_from(h: highspy.Highs, bound: float, far: float = FAR_ABOVE_RELAXATION) -> bool:
    """Whether `h`'s plan is more than `far` (relative) above the relaxation `bound`."""
    objective = float(h.getInfo().objective_function_value)
    return objective - bound > far * max(1.0, abs(objective))


def holds(x: np.ndarray, lower: np.ndarray, upper: np.ndarray, integer: np.ndarray,
          ax: np.ndarray, row_lower: np.ndarray, row_upper: np.ndarray, tol: float,
          whole_tol: float = 0.0) -> bool:
    """Whether column values `x` are a plan: within their bounds to `tol`, their whole
    numbers (`integer`) within `whole_tol` of whole, and the rows' values `ax` within their
    bounds to `tol` (relative where large). A plan kept from before a change is checked so
    (decompose._Group.kept_if_better, blocks' blocks)."""
    whole = x[integer]
    if ((x < lower - tol).any() or (x > upper + tol).any()
            or (np.abs(whole - np.round(whole)) > whole_tol).any()):
        return False
    slack = tol * np.maximum(1.0, np.abs(ax))
    return bool(((ax >= row_lower - slack) & (ax <= row_upper + slack)).all())


def hold_whole_values(h: highspy.Highs, integer: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Hold every whole-number column that is whole in `x` at its value; returns them."""
    whole = np.flatnonzero(integer & (np.abs(x - np.round(x)) < 1e-9))
    if whole.size:
        held = np.round(x[whole])
        h.changeColsBounds(int(whole.size), whole.astype(np.int32), held, held)
    return whole


def _settled(h: highspy.Highs) -> bool:
    """Optimal, or stopped by the time or solution limit with a plan in hand."""
    status = h.getModelStatus()
    return status == highspy.HighsModelStatus.kOptimal or (
        status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kSolutionLimit)
        and h.getSolution().value_valid)


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """The dot product of two dense vectors, summed in a fixed order: `a @ b` goes through
    BLAS, whose order of summation depends on its threads, and a Dask worker runs BLAS on one
    thread where the planning process uses several (at M a group's cost differed in its 16th
    digit, and the plans by groups 0.05 % after coordination)."""
    return float(np.sum(np.multiply(a, b)))


def relative_gap(objective: float, bound: float | None) -> float:
    """Relative gap between the plan and the relaxation's bound (0 when unknown)."""
    if bound is None or not np.isfinite(bound):
        return 0.0
    return abs(objective - bound) / max(1.0, abs(objective))
