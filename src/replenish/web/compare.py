"""Joint versus national on the pages: the stored scenario planned in both procurement modes as
two plan jobs (change {"procurement": MODE}), compared with reports/compare.py's outcome of each
plan, read through the plan reader."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.model.records import Scenario
from replenish.reports.compare import (
    MODES,
    CompareResult,
    budget_years,
    initial_shortfall,
    outcome,
    with_procurement,
    year_label,
)
from replenish.store.server_tables import PlanJob
from replenish.web.whatif import job_plan


@dataclass(frozen=True)
class Pair:
    """The two plan jobs of one comparison, the joint one first."""

    joint: PlanJob
    national: PlanJob

    @property
    def jobs(self) -> tuple[PlanJob, PlanJob]:
        return self.joint, self.national

    @property
    def done(self) -> bool:
        return all(job.status == "done" for job in self.jobs)

    @property
    def over(self) -> bool:
        return all(job.status not in ("queued", "running") for job in self.jobs)


def latest_pair(session: Session) -> Pair | None:
    """The newest comparison's jobs: a national plan job and the joint one it names."""
    for job in session.scalars(select(PlanJob).where(PlanJob.change.is_not(None))
                               .order_by(PlanJob.id.desc()).limit(40)):
        change = job.change or {}
        if change.get("procurement") == "national" and change.get("pair"):
            joint = session.get(PlanJob, change["pair"])
            if joint is not None:
                return Pair(joint, job)
    return None


def compare_pair(pair: Pair, scenario: Scenario) -> CompareResult:
    """Both plans of `pair` compared, as `reports.compare.plan_both` compares them."""
    outcomes = {mode: outcome(job_plan(job), with_procurement(scenario, mode))
                for mode, job in zip(MODES, pair.jobs, strict=True)}
    return CompareResult(
        scenario.settings.name, [scenario.settings.month(t) for t in range(scenario.horizon)],
        [m.code for m in scenario.members], outcomes["joint"], outcomes["national"],
        round(initial_shortfall(scenario), 2),
        sorted({ln.producer + " " + ln.item for ln in scenario.lines}),
        {m.code: m.annual_budget for m in scenario.members},
        [year_label(scenario, y) for y in range(budget_years(scenario.horizon))])


def payments(result: CompareResult) -> list[dict[str, Any]]:
    """Per member, year and mode: spending and the annual budget (None: unlimited)."""
    return [{"member": member, "year": year, "mode": mode, "spent": spent,
             "budget": result.budgets.get(member)}
            for mode in MODES
            for member, years in sorted(result.mode(mode).spending.items())
            for year, spent in zip(result.years, years, strict=False)]


def recovery(result: CompareResult) -> list[dict[str, Any]]:
    """Per month and mode: the value of stock still below target."""
    return [{"month": month, "mode": mode, "shortfall": value}
            for mode in MODES
            for month, value in zip(result.months, result.mode(mode).shortfall, strict=False)]


def member_rows(result: CompareResult) -> Sequence[tuple[str, float | None, float, float]]:
    """Per member: annual budget, and spending over the plan jointly and alone."""
    return [(m, result.budgets.get(m), result.joint.member_cost.get(m, 0.0),
             result.national.member_cost.get(m, 0.0)) for m in result.members]
