"""Sustainment of the Oryx import (the public file in ../shared/data beside the checkout): its
vehicles have no consumption rows, so none is ever idle for want of ammunition (issue 17: the
M113s and ambulances were, every month)."""

from __future__ import annotations

from pathlib import Path

import pytest

from replenish.model.records import Scenario
from replenish.plan.check import check_plan
from replenish.plan.writer import write_plan
from replenish.planning import PlanOptions, plan_scenario
from replenish.scenario.oryx import import_oryx
from replenish.scenario.reader import read_scenario

DATA = Path(__file__).parents[2] / ".." / "shared" / "data" / "oryx-donated-vehicles.csv"


@pytest.fixture(scope="module")
def oryx(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    if not DATA.is_file():
        pytest.skip(f"the public Oryx file is not at {DATA.resolve()} (../shared/data beside "
                    "the checkout)")
    out = tmp_path_factory.mktemp("oryx") / "scenario"
    import_oryx(DATA, out)
    return read_scenario(out)


@pytest.mark.parametrize("method", ["optimal", "greedy"])
def test_vehicles_without_consumption_are_never_idle_for_ammunition(
        oryx: Scenario, method: str, tmp_path: Path) -> None:
    plan = plan_scenario(oryx, PlanOptions(method=method, compare_greedy=False))
    m113 = [r for r in plan.sustainment if r.platform.startswith("M113")]
    assert {r.platform for r in m113} >= {"M113", "M113_Armoured_Medical_Treatment_Vehicle"}
    assert all(r.idle_no_ammo == 0 for r in m113)
    assert next(r for r in m113 if r.platform == "M113").operational == 560
    firing = {(c.recipient, c.platform) for c in oryx.consumption}
    assert all(r.idle_no_ammo == 0 for r in plan.sustainment
               if (r.recipient, r.platform) not in firing)
    write_plan(plan, oryx, tmp_path)
    assert check_plan(oryx, tmp_path) == []
