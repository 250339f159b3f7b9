"""Usable aid: idle systems without ammunition or crew, and the planner weighing them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from replenish.model import (
    Compatibility,
    Consumption,
    Fielded,
    Item,
    Nation,
    Requirement,
    Scenario,
    Settings,
    Stock,
    Training,
)
from replenish.plan.check import check_plan
from replenish.plan.writer import write_plan
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.build import build_model
from replenish.planning.readback import assign_solution
from replenish.planning.recipient import recipient_stocks
from replenish.planning.solve import solve_model

OPTS = PlanOptions(compare_greedy=False)


def _scenario(stocks: list[Stock], requirements: list[Requirement],
              consumption: list[Consumption], training: tuple[Training, ...] = (),
              horizon: int = 8) -> Scenario:
    items = (
        Item("L1", "launcher one", "launcher", "platform", 1000.0, True),
        Item("L2", "launcher two", "launcher", "platform", 1000.0, True),
        Item("M1", "missile one", "missile", "munition", 10.0, True),
        Item("M2", "missile two", "missile", "munition", 10.0, True),
    )
    return Scenario(
        settings=Settings("sust", "2027-01", horizon),
        nations=(Nation("A", "Alpha", "member"), Nation("B", "Bravo", "member"),
                 Nation("R", "Recipient", "recipient")),
        items=items, stocks=tuple(stocks),
        compatibility=(Compatibility("M1", "L1"), Compatibility("M2", "L2")),
        requirements=tuple(requirements), consumption=tuple(consumption),
        training=training,
    )


def _rows(plan, platform: str) -> list:  # type: ignore[no-untyped-def]
    return sorted((r for r in plan.sustainment if r.platform == platform),
                  key=lambda r: r.month)


def test_launcher_without_ammunition_is_idle(tmp_path: Path) -> None:
    sc = _scenario([Stock("A", "L1", 2, 0, 0)],
                   [Requirement("q1", "R", "L1", None, 2, 1, 1)],
                   [Consumption("R", "M1", "L1", 5, 1)])
    plan = plan_scenario(sc, OPTS)
    assert sum(d.quantity for d in plan.donations if d.item == "L1") == 2
    rows = _rows(plan, "L1")
    after = [r for r in rows if r.month >= 1]
    assert all(r.idle_no_ammo == 2 for r in after)
    assert all(r.operational == 2 for r in after)
    assert all(r.ammo_cover_months == 0 for r in after)
    write_plan(plan, sc, tmp_path)
    assert check_plan(sc, tmp_path) == []


def test_planner_prefers_launcher_it_can_supply() -> None:
    sc = _scenario(
        [Stock("A", "L1", 1, 0, 0), Stock("B", "L2", 1, 0, 0), Stock("A", "M1", 100, 0, 0)],
        [Requirement("q1", "R", None, "launcher", 1, 1, 1)],
        [Consumption("R", "M1", "L1", 2, 1), Consumption("R", "M2", "L2", 2, 1)])
    plan = plan_scenario(sc, OPTS)
    given = {d.item: d.quantity for d in plan.donations}
    assert given.get("L1") == 1
    assert "L2" not in given
    # the launcher's ammunition goes with it, so it is never idle for want of it after month 1
    assert given.get("M1", 0) > 0
    assert all(r.idle_no_ammo == 0 for r in _rows(plan, "L1") if r.month >= 1)


def test_crews_gate_operational_dates() -> None:
    sc = _scenario([Stock("A", "L1", 3, 0, 0), Stock("A", "M1", 1000, 0, 0)],
                   [Requirement("q1", "R", "L1", None, 3, 1, 1)],
                   [Consumption("R", "M1", "L1", 1, 1)],
                   training=(Training("L1", 2, 1),))
    plan = plan_scenario(sc, OPTS)
    rows = _rows(plan, "L1")
    # at most one crew starts a month and a course lasts two: 1, 2, 3 crews from months 2, 3, 4
    for r in rows:
        assert r.operational <= max(0, min(3, r.month - 1)) + 1e-9
    assert rows[1].idle_no_crew == 3
    assert rows[4].operational == 3
    assert sum(r.idle_no_crew for r in rows) > 0


def _firing() -> Scenario:
    """A fielded launcher that fires 2.5 missiles a month, with nine missiles to give it."""
    return dataclasses.replace(
        _scenario([Stock("A", "M1", 9, 0, 0)], [], [Consumption("R", "M1", "L1", 2.5, 1)]),
        fielded=(Fielded("R", "L1", 1),))


def test_whole_rounds_are_used_whole(tmp_path: Path) -> None:
    # the recipient's missile stock must still be whole in every month, so the launcher
    # fires 2 or 3, never 2.5
    sc = _firing()
    plan = plan_scenario(sc, OPTS)
    held = [s.on_hand for s in plan.stocks if s.nation == "R" and s.item == "M1"]
    assert sum(d.quantity for d in plan.donations if d.item == "M1") == 9
    assert held and all(abs(q - round(q)) < 1e-6 for q in held)
    write_plan(plan, sc, tmp_path)
    assert check_plan(sc, tmp_path) == []


def test_a_munition_used_up_to_solver_tolerance_leaves_no_negative_stock() -> None:
    sc = _firing()
    sc = dataclasses.replace(sc, items=tuple(dataclasses.replace(i, integer=False)
                                             if i.code == "M1" else i for i in sc.items))
    built = build_model(sc, OPTS)
    sol = solve_model(built, OPTS)
    plan = assign_solution(built, sol)
    val = sol.x.copy()
    val[built.vars["use"][0, -1]] += 2e-6      # a solver's tolerance in the last month
    levels = [s.on_hand for s in recipient_stocks(built, plan, val) if s.item == "M1"]
    assert levels[-1] == 0.0 and min(levels) >= 0.0
