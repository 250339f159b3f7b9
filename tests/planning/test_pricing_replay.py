"""bench/pricing_replay.py: the prices a plan asked of each group, replayed on one group alone."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from replenish.planning import decompose
from replenish.planning.options import PlanOptions
from replenish.scenario.generator import generate_scenario

BENCH = Path(__file__).parents[2] / "bench"


@pytest.fixture(scope="module")
def replay() -> ModuleType:
    sys.path.insert(0, str(BENCH))      # the script imports bench/run.py as `run`
    try:
        spec = importlib.util.spec_from_file_location("bench_pricing_replay",
                                                      BENCH / "pricing_replay.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.parametrize(("text", "expected"), [
    ("simplex_update_limit=1000", {"simplex_update_limit": 1000}),
    ("dual_feasibility_tolerance=1e-6", {"dual_feasibility_tolerance": 1e-6}),
    ("solver=ipm", {"solver": "ipm"}),
])
def test_an_option_is_read_as_an_int_a_float_or_a_string(replay: ModuleType, text: str,
                                                         expected: dict[str, object]) -> None:
    assert replay.parse_options(text) == expected
    assert type(replay.parse_options(text)[text.split("=")[0]]) is type(
        next(iter(expected.values())))


@pytest.mark.parametrize("text", ["simplex_update_limit", "=3", ""])
def test_an_option_without_a_name_or_a_value_is_refused(replay: ModuleType, text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="expected name=value"):
        replay.parse_options(text)


def test_the_prices_each_group_was_asked_replay_to_the_same_iterations(
        replay: ModuleType) -> None:
    scenario = generate_scenario(3, 12, 8, 5)
    propose = decompose._Group.propose
    asked = replay.asked_prices(scenario, PlanOptions(compare_greedy=False, decompose="always",
                                                      explain="never"))
    assert decompose._Group.propose is propose      # put back after the plan
    assert asked, "a plan by groups with budgets prices its groups"
    items = max(asked, key=lambda k: sum(float(np.abs(p).sum()) for p in asked[k]))
    prices = asked[items]
    assert all(p.shape == prices[0].shape and (p >= 0).all() for p in prices)
    first = replay.replay(scenario, list(items), prices, {})
    again = replay.replay(scenario, list(items), prices, {})
    assert first["pricing_it"] == again["pricing_it"] > 0
    assert first["first_it"] == again["first_it"]


def test_a_scenario_planned_as_one_model_has_nothing_to_replay(replay: ModuleType) -> None:
    scenario = generate_scenario(3, 12, 8, 5)
    assert replay.asked_prices(scenario, PlanOptions(compare_greedy=False, decompose="never",
                                                     explain="never")) == {}


def test_the_group_replayed_is_chosen_by_size_and_one_beyond_them_is_refused(
        replay: ModuleType) -> None:
    asked = {("A",): [np.zeros(1)], ("B", "C", "D"): [np.zeros(2)], ("E", "F"): [np.zeros(1)]}
    assert replay.chosen(asked, 0) == ("B", "C", "D")
    assert replay.chosen(asked, 2) == ("A",)
    for group in (3, -1):
        with pytest.raises(ValueError, match=f"--group must be from 0 to 2, not {group}"):
            replay.chosen(asked, group)
    with pytest.raises(ValueError, match="the plan priced no group"):
        replay.chosen({}, 0)
