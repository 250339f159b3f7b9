"""A what-if that adds a route (planning.measure.apply_change with `add`): the scenario gains
that route, read from cells as routes.csv holds them; planning it uses the route; a row the
scenario cannot take is refused; and the change is said in words, in English and Danish."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from replenish import i18n
from replenish.model.records import Route, Scenario
from replenish.plan.totals import plan_totals
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.measure import apply_change, change_words
from replenish.scenario import read_scenario

DELIVERY = Path(__file__).parents[1] / "scenarios" / "delivery"
OPTIONS = PlanOptions(compare_greedy=False, explain="never")


def _road(**cells: Any) -> dict[str, Any]:
    """A direct road route from AAA to RCP, a month long, without a limit: cells as
    routes.csv holds them."""
    return {"file": "routes.csv", "add": {
        "code": "AAA-RCP-ROAD", "origin": "AAA", "hub": "", "recipient": "RCP", "mode": "road",
        "lead_months": "1", "capacity_tonnes": "", **cells}}


def _slow_delivery() -> Scenario:
    """The delivery scenario with AAA's rail and air routes taking 6 months: AAA's howitzers
    for R1 (6 by 2025-06, priority 1) arrive late."""
    scenario = read_scenario(DELIVERY)
    for code, before in (("A-RAIL", "2"), ("A-AIR", "0")):
        scenario = apply_change(scenario, {"file": "routes.csv", "match": {"code": code},
                                           "column": "lead_months", "from": before, "to": "6"})
    return scenario


def test_an_added_route_is_appended_and_planned_over() -> None:
    scenario = _slow_delivery()
    changed = apply_change(scenario, _road())
    assert changed.routes == (*scenario.routes,
                              Route("AAA-RCP-ROAD", "AAA", None, "RCP", "road", 1, None))
    assert changed.hubs == scenario.hubs and changed.stocks == scenario.stocks
    assert len(scenario.routes) == 3  # the scenario it was applied to is as it was

    before = plan_totals(plan_scenario(scenario, OPTIONS), scenario)
    plan = plan_scenario(changed, OPTIONS)
    after = plan_totals(plan, changed)
    assert before["by_priority"]["1"]["late"] > 0
    assert after["on_time"] > before["on_time"]
    assert after["by_priority"]["1"]["on_time"] > before["by_priority"]["1"]["on_time"]
    assert any(d.route == "AAA-RCP-ROAD" and d.item == "PZH" for d in plan.donations)


@pytest.mark.parametrize("cells", [
    {"hub": None, "lead_months": 2, "capacity_tonnes": 600},
    {"hub": "", "lead_months": "2", "capacity_tonnes": "600"},
    {"hub": " ", "lead_months": "2.0", "capacity_tonnes": "600.0"},
])
def test_an_added_route_reads_texts_and_numbers_alike(cells: dict[str, Any]) -> None:
    scenario = read_scenario(DELIVERY)
    added = apply_change(scenario, _road(**cells)).routes[-1]
    assert added == Route("AAA-RCP-ROAD", "AAA", None, "RCP", "road", 2, 600.0)
    assert isinstance(added.lead_months, int)
    through = apply_change(scenario, _road(hub="RZE", capacity_tonnes=None)).routes[-1]
    assert (through.hub, through.capacity_tonnes) == ("RZE", None)


@pytest.mark.parametrize(("cells", "said"), [
    ({"code": "A-RAIL"}, "'A-RAIL' is taken"),
    ({"code": "a road"}, "is not a code"),
    ({"origin": "RCP"}, "origin 'RCP' is not a member"),
    ({"recipient": "BBB"}, "recipient 'BBB' is not a recipient"),
    ({"hub": "NOPE"}, "hub 'NOPE'"),
    ({"mode": "ship"}, "mode 'ship'"),
    ({"lead_months": "1.5"}, "lead_months"),
    ({"lead_months": "-1"}, "lead_months"),
    ({"capacity_tonnes": "-3"}, "capacity_tonnes"),
    ({"capacity_tonnes": "nan"}, "capacity_tonnes"),
])
def test_a_route_the_scenario_cannot_take_is_refused(cells: dict[str, Any], said: str) -> None:
    with pytest.raises(ValueError, match=said):
        apply_change(read_scenario(DELIVERY), _road(**cells))


def test_a_cell_change_of_routes_is_as_before() -> None:
    scenario = read_scenario(DELIVERY)
    changed = apply_change(scenario, {"file": "routes.csv", "match": {"code": "A-AIR"},
                                      "column": "capacity_tonnes", "from": "150", "to": "300"})
    assert [r.capacity_tonnes for r in changed.routes] == [5000.0, 300.0, None]
    assert change_words({"file": "routes.csv", "match": {"code": "A-AIR"},
                         "column": "capacity_tonnes", "from": "150", "to": "300"}) == (
        "route A-AIR carrying 300 tonnes a month instead of 150")


def test_an_added_route_is_said_in_words() -> None:
    road: dict[str, Any] = {"file": "routes.csv", "add": {
        "code": "ALD-PTR-ROAD2", "origin": "ALD", "hub": "", "recipient": "PTR", "mode": "road",
        "lead_months": "1", "capacity_tonnes": "600"}}
    rail = {"file": "routes.csv", "add": {**road["add"], "code": "ALD-PTR-RAIL", "mode": "rail",
                                          "hub": "RHD", "lead_months": 2,
                                          "capacity_tonnes": None}}
    assert change_words(road) == ("a new route ALD-PTR-ROAD2 from ALD to PTR by road, direct, "
                                  "1 month, 600 tonnes a month")
    assert change_words(rail) == ("a new route ALD-PTR-RAIL from ALD to PTR by rail, through "
                                  "hub RHD, 2 months, no limit on tonnes")
    with i18n.speaking("da"):
        assert change_words(road) == ("en ny rute ALD-PTR-ROAD2 fra ALD til PTR (landevej), "
                                      "direkte, 1 måned, 600 ton om måneden")
        assert change_words(rail) == ("en ny rute ALD-PTR-RAIL fra ALD til PTR (jernbane), "
                                      "via knudepunkt RHD, 2 måneder, ingen grænse for tonnage")


def test_a_first_route_is_not_added_to_a_scenario_without_routes() -> None:
    scenario = dataclasses.replace(read_scenario(DELIVERY), routes=(), hubs=())
    with pytest.raises(ValueError, match="has no routes"):
        apply_change(scenario, _road())
