"""One run of a sweep, as a Dask worker runs it: draw, then plan again or replay the plan."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Literal

import numpy as np

from replenish.errors import InfeasiblePlan, NoPlanInTime, ScenarioError
from replenish.model.records import Scenario
from replenish.plan.records import Plan
from replenish.plan.totals import idle_system_months
from replenish.planning import PlanOptions, plan_scenario
from replenish.scenario.uncertainty import Uncertainty
from replenish.sweep.draws import draw, perturb
from replenish.sweep.metrics import RunResult, measure
from replenish.sweep.simulate import idle_estimate, simulate

Mode = Literal["fixed", "replan"]


@dataclass(frozen=True)
class SweepJob:
    """What every run shares (shipped to each worker once): the scenario, what is uncertain,
    the question, and the plan that `fixed` replays."""

    scenario: Scenario
    uncertainty: Uncertainty
    mode: Mode
    options: PlanOptions
    plan: Plan | None = None


def sweep_options(time_limit: float) -> PlanOptions:
    """Planning options of a run: one thread (a worker per core), no greedy comparison, no
    measuring what binds (each re-plan costs a plan)."""
    return PlanOptions(time_limit=time_limit, threads=1, compare_greedy=False, explain="never")


def run_one(job: SweepJob, run: int, seed: np.random.SeedSequence) -> RunResult:
    """Run `run` of the sweep; a run that cannot be planned or measured is a failed run."""
    try:
        d = draw(job.scenario, job.uncertainty, seed)
        world = perturb(job.scenario, d)
        if job.mode == "replan":
            plan = plan_scenario(world, job.options)
            return measure(run, plan, world, idle_system_months(plan))
        assert job.plan is not None, "a fixed sweep replays a plan"
        happened = simulate(job.plan, job.scenario, d)
        return measure(run, happened, job.scenario, idle_estimate(job.plan, d))
    except (InfeasiblePlan, NoPlanInTime, ScenarioError) as exc:
        kind = {InfeasiblePlan: "infeasible plan", NoPlanInTime: "no plan within the time "
                "limit", ScenarioError: "invalid drawn scenario"}[type(exc)]
        return RunResult(run=run, status="failed", error=f"{kind}: {_short(str(exc))}")
    except Exception as exc:     # a bug in one run must not lose the others
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return RunResult(run=run, status="failed", error=(
            f"{type(exc).__name__}: {_short(str(exc))} ({where.filename}:{where.lineno})"))


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
