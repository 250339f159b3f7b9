"""Fragmentation metrics on small fleets whose numbers are computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from replenish.model import Compatibility, Fielded, Item, Nation, Scenario, Settings
from replenish.reports.fragmentation import (
    FamilyMetrics,
    effective_types,
    fleet_metrics,
    plot_fragmentation,
    scenario_fleet,
)

PNG = b"\x89PNG\r\n\x1a\n"


def _items(*specs: tuple[str, str, str]) -> dict[str, Item]:
    return {code: Item(code, code, family, kind, 0.0, kind == "platform")
            for code, family, kind in specs}


ITEMS = _items(("pzh", "art155", "platform"), ("m777", "art155", "platform"),
               ("caesar", "art155", "platform"), ("d30", "art122", "platform"),
               ("s155", "ammo", "munition"), ("s155_er", "ammo", "munition"),
               ("s122", "ammo", "munition"))
LINKS = [Compatibility("s155", "pzh"), Compatibility("s155", "m777"),
         Compatibility("s155_er", "pzh"), Compatibility("s155_er", "caesar"),
         Compatibility("s122", "d30")]


def test_equal_shares_give_as_many_effective_types_as_types() -> None:
    assert effective_types([50, 50]) == pytest.approx(2.0)
    assert effective_types([7, 7, 7]) == pytest.approx(3.0)


def test_a_dominant_type_counts_for_little_more_than_one() -> None:
    assert effective_types([90, 10]) == pytest.approx(1 / (0.81 + 0.01))
    assert effective_types([5]) == pytest.approx(1.0)


def test_zero_quantities_are_not_types() -> None:
    assert effective_types([30, 0, 10]) == pytest.approx(1 / (0.75**2 + 0.25**2))
    assert effective_types([0, 0]) == 0.0


def test_fleet_metrics_per_family() -> None:
    fleet = {"pzh": 90.0, "m777": 10.0, "caesar": 0.0, "d30": 24.0}
    art122, art155 = fleet_metrics(fleet, ITEMS, LINKS)
    assert art122 == FamilyMetrics("art122", 1, 1.0, 1, 24.0)
    assert (art155.family, art155.types, art155.munitions, art155.systems) == (
        "art155", 2, 2, 100.0)
    assert art155.effective_types == pytest.approx(1 / 0.82)


def test_munitions_count_only_those_of_fielded_platforms() -> None:
    """s155_er fits the PzH (fielded) and the Caesar (not): it counts once; s122 not at all."""
    metrics = fleet_metrics({"pzh": 3.0, "caesar": 0.0}, ITEMS, LINKS)
    assert [(m.family, m.types, m.munitions) for m in metrics] == [("art155", 1, 2)]
    only_caesar = fleet_metrics({"caesar": 4.0}, ITEMS, LINKS)
    assert only_caesar[0].munitions == 1


def test_munitions_in_a_fleet_are_not_platform_types() -> None:
    metrics = fleet_metrics({"m777": 4.0, "s155": 1000.0}, ITEMS, LINKS)
    assert [(m.family, m.types, m.systems) for m in metrics] == [("art155", 1, 4.0)]


def test_unknown_platform_is_refused() -> None:
    with pytest.raises(ValueError, match="ghost"):
        fleet_metrics({"ghost": 1.0}, ITEMS, LINKS)


def test_scenario_fleet_adds_planned_deliveries() -> None:
    scenario = Scenario(
        settings=Settings("s", "2025-01", 12),
        nations=(Nation("A", "A", "member"), Nation("UA", "Ukraine", "recipient"),
                 Nation("XX", "Other", "recipient")),
        items=tuple(ITEMS.values()),
        stocks=(),
        fielded=(Fielded("UA", "pzh", 8), Fielded("UA", "m777", 2), Fielded("XX", "pzh", 1)),
    )
    assert scenario_fleet(scenario) == {"pzh": 9.0, "m777": 2.0}
    assert scenario_fleet(scenario, recipient="UA") == {"pzh": 8.0, "m777": 2.0}
    assert scenario_fleet(scenario, {"m777": 6.0, "caesar": 3.0}, recipient="UA") == {
        "pzh": 8.0, "m777": 8.0, "caesar": 3.0}


def test_plot_writes_a_png(tmp_path: Path) -> None:
    metrics = fleet_metrics({"pzh": 90.0, "m777": 10.0, "d30": 24.0}, ITEMS, LINKS)
    path = plot_fragmentation(metrics, tmp_path / "charts" / "fragmentation.png")
    assert path.read_bytes().startswith(PNG)
    empty = plot_fragmentation([], tmp_path / "empty.png")
    assert empty.read_bytes().startswith(PNG)
