"""summary.json → model: `bound` is a proven lower bound on `objective`, `gap` is
(objective − bound) / |objective|, and `status` is `optimal` only when gap ≤ 0.001."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from replenish.plan.records import Plan
from replenish.plan.writer import model_bound, summary_dict, write_plan
from replenish.planning import PlanOptions, plan_scenario
from replenish.scenario.generator import generate_scenario
from replenish.scenario.reader import read_scenario

ROOT = Path(__file__).parents[2]


def _check(summary: dict[str, object]) -> None:
    model = summary["model"]
    assert isinstance(model, dict)
    objective = summary["objective"]
    assert isinstance(objective, float | int)
    bound, gap = model["bound"], model["gap"]
    assert bound is not None and gap is not None
    assert bound <= objective + 1e-9 * abs(objective)
    if objective:
        assert gap == pytest.approx((objective - bound) / abs(objective), abs=1e-8)
    else:       # nothing to improve: a bound of 0 proves it
        assert bound == pytest.approx(0.0, abs=1e-9) and gap == 0
    if summary["status"] == "optimal":
        assert gap <= 1e-3


@pytest.mark.parametrize("name", ["opt_priority", "opt_budget", "plan_sustain", "opt_family",
                                  "joint_tiers", "joint_pool"])
def test_small_plans_report_a_bound_below_their_objective(name: str, tmp_path: Path) -> None:
    scenario = read_scenario(ROOT / "tests" / "scenarios" / name)
    plan = plan_scenario(scenario, PlanOptions(compare_greedy=False, explain="never"))
    write_plan(plan, scenario, tmp_path)
    _check(json.loads((tmp_path / "summary.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("decompose", ["never", "always"])
def test_generated_plans_report_a_bound_below_their_objective(decompose: str) -> None:
    scenario = generate_scenario(4, 16, 12, 3)
    plan = plan_scenario(scenario, PlanOptions(compare_greedy=False, explain="never",
                                               decompose=decompose))
    _check(summary_dict(plan, scenario))


@pytest.mark.parametrize("name", ["plan_priority", "joint_tiers"])
def test_a_greedy_plan_has_the_relaxations_bound(name: str) -> None:
    scenario = read_scenario(ROOT / "tests" / "scenarios" / name)
    greedy = plan_scenario(scenario, PlanOptions(method="greedy"))
    best = plan_scenario(scenario, PlanOptions(compare_greedy=False, explain="never"))
    summary = summary_dict(greedy, scenario)
    _check(summary)
    assert summary["model"]["bound"] <= summary_dict(best, scenario)["objective"] * (1 + 1e-9)


def test_a_plan_far_from_its_bound_is_not_called_optimal() -> None:
    scenario = generate_scenario(3, 8, 6, 1)
    plan = plan_scenario(scenario, PlanOptions(compare_greedy=False, explain="never"))
    objective = summary_dict(plan, scenario)["objective"]
    far = dataclasses.replace(plan, status="optimal",
                              extra={**plan.extra, "model": {"bound": 0.9 * objective}})
    summary = summary_dict(far, scenario)
    assert summary["model"]["gap"] == pytest.approx(0.1, rel=1e-6)
    assert summary["status"] == "feasible"


def test_no_known_bound_is_null_and_never_optimal() -> None:
    plan = Plan(method="optimal", status="optimal", objective=5.0, procurement="joint",
                extra={"model": {"bound": float("nan")}})
    assert model_bound(plan, 5.0)["bound"] is None
    scenario = generate_scenario(2, 8, 3, 1)
    assert summary_dict(plan, scenario)["status"] == "feasible"
