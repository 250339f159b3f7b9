"""Joint versus national on the pages: the stored scenario planned in both procurement modes as
two plan jobs (change {"procurement": MODE}), compared with reports/compare.py's outcome of each
plan, read through the plan reader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.model.records import Scenario
from replenish.reports.compare import (
    MODES,
    CompareResult,
    ModeOutcome,
    budget_years,
    initial_shortfall,
    outcome,
    with_procurement,
    within_budget,
    year_label,
    year_words,
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
    return [{"member": member, "year": year_words(year), "mode": mode, "spent": spent,
             "budget": result.budgets.get(member)}
            for mode in MODES
            for member, years in sorted(result.mode(mode).spending.items())
            for year, spent in zip(result.years, years, strict=False)]


def recovery(result: CompareResult) -> list[dict[str, Any]]:
    """Per month and mode: the value of stock still below target."""
    return [{"month": month, "mode": mode, "shortfall": value}
            for mode in MODES
            for month, value in zip(result.months, result.mode(mode).shortfall, strict=False)]


@dataclass(frozen=True)
class MemberRow:
    """A member on the page: its annual budget and, for each budget year, what it pays
    jointly and alone in that year (as reports/compare.py bills it: plan.totals)."""

    member: str
    budget: float | None
    years: list[tuple[float, float]]

    def over(self, spent: float) -> bool:
        """Whether a year's spending is over the annual budget."""
        return not within_budget(spent, self.budget)


def member_rows(result: CompareResult) -> list[MemberRow]:
    """Per member: annual budget, and spending per budget year jointly and alone."""
    def years(o: ModeOutcome, member: str) -> list[float]:
        spent = o.spending.get(member, [])
        return [spent[y] if y < len(spent) else 0.0 for y in range(len(result.years))]

    return [MemberRow(m, result.budgets.get(m),
                      list(zip(years(result.joint, m), years(result.national, m), strict=True)))
            for m in result.members]
