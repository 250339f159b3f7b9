"""Joint against national procurement on small fixtures: pooling carries an expansion no member
can carry alone, pooled quantities earn price tiers, and the demo shows the difference."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from replenish import cli
from replenish.model.records import PriceBreak, Scenario
from replenish.plan.check import check_plan
from replenish.plan.records import Plan
from replenish.plan.writer import write_plan
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.build import build_model
from replenish.planning.pricing import apply_price_breaks, tier_price
from replenish.planning.readback import _expansion_by_line, money_safe
from replenish.reports.compare import MODES, Mode, with_procurement
from replenish.scenario.generator import generate_scenario
from replenish.scenario.reader import read_scenario

SCENARIOS = Path(__file__).parent.parent / "scenarios"
DEMO = Path(__file__).parent.parent.parent / "examples" / "coalition"
OPTIONS = PlanOptions(compare_greedy=False)


def _plan(name: str, mode: Mode, out: Path) -> tuple[Scenario, Plan, Path]:
    """Plan fixture `name` in `mode` with volume pricing; write it (and its contracts)."""
    sc = with_procurement(read_scenario(SCENARIOS / name), mode)
    plan = apply_price_breaks(plan_scenario(sc, OPTIONS), sc)
    folder = out / f"{name}-{mode}"
    write_plan(plan, sc, folder)  # a joint plan's contracts.csv comes with it
    return sc, plan, folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _final_stock(folder: Path, nation: str, item: str) -> float:
    rows = [r for r in _rows(folder / "stocks.csv") if (r["nation"], r["item"]) == (nation, item)]
    return float(max(rows, key=lambda r: r["month"])["on_hand"])


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Scenario, Plan, Path]]:
    out = tmp_path_factory.mktemp("pool")
    return {mode: _plan("joint_pool", mode, out) for mode in ("joint", "national")}


def test_pooling_carries_an_expansion_no_member_can_carry_alone(
        pool: dict[str, tuple[Scenario, Plan, Path]]) -> None:
    # PX makes nothing unless it expands by at least 6/month against 36 committed units; each
    # member's budget buys 22 units, the three together need 60 for their targets.
    _, _, joint = pool["joint"]
    _, _, national = pool["national"]
    (row,) = _rows(joint / "expansions.csv")
    assert (row["producer"], row["item"], row["buyer"]) == ("PX", "shell", "")
    assert float(row["added_capacity"]) == pytest.approx(10, abs=1e-4)
    assert _rows(national / "expansions.csv") == []
    assert _rows(national / "orders.csv") == []
    for member in ("AA", "BB", "CC"):
        assert _final_stock(joint, member, "shell") == 30
        assert _final_stock(national, member, "shell") == 10


@pytest.mark.parametrize("name", ["joint_pool", "joint_tiers", "joint_signal"])
@pytest.mark.parametrize("mode", ["joint", "national"])
def test_plans_of_the_joint_fixtures_pass_the_checker(name: str, mode: Mode,
                                                      tmp_path: Path) -> None:
    sc, _, folder = _plan(name, mode, tmp_path)
    assert check_plan(sc, folder) == []


def test_joint_expansion_cost_shares_stay_within_budgets(tmp_path: Path) -> None:
    sc, _, folder = _plan("joint_budget", "joint", tmp_path)
    assert [v for v in check_plan(sc, folder) if v.startswith("[budget]")] == []


def test_price_tier_reached_only_by_pooling(tmp_path: Path) -> None:
    # Each member buys 15; the tier at 40 (price 90) needs the three pooled, 20 (95) one alone.
    _, joint, _ = _plan("joint_tiers", "joint", tmp_path)
    _, national, _ = _plan("joint_tiers", "national", tmp_path)
    assert sum(o.quantity for o in joint.orders) == 45
    assert {o.unit_price for o in joint.orders} == {90}
    bought: dict[str, float] = defaultdict(float)
    for o in national.orders:
        bought[o.buyer] += o.quantity
    assert bought == {"AA": 15, "BB": 15, "CC": 15}
    assert {o.unit_price for o in national.orders} == {100}
    assert joint.extra["volume_pricing"]["saved"] == 450


def test_pricing_is_idempotent_and_never_above_list(
        pool: dict[str, tuple[Scenario, Plan, Path]]) -> None:
    sc, plan, _ = pool["joint"]
    assert {o.unit_price for o in plan.orders} == {90}        # 60 pooled: tier 50, not 500
    assert apply_price_breaks(plan, sc).orders == plan.orders
    line = sc.lines[0]
    dearer = (PriceBreak("PX", "shell", 1, 150.0),)
    assert tier_price(line, dearer, 60) == line.unit_price
    repriced = apply_price_breaks(plan, dataclasses.replace(sc, price_breaks=dearer))
    assert {o.unit_price for o in repriced.orders} == {line.unit_price}


def test_demo_compare_shows_joint_expanding_more_lines(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cmp"
    assert cli.run(["compare", str(DEMO), "--out", str(out)]) == 0
    data = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert data["joint"]["lines_expanded"] > data["national"]["lines_expanded"]
    assert data["only_joint_lines"]
    printed = capsys.readouterr().out
    assert "Buying together" in printed and "no member alone could justify" in printed
    assert (out / "recovery.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _rows(out / "joint" / "contracts.csv")
    for mode in MODES:
        sc = with_procurement(read_scenario(DEMO), mode)
        assert check_plan(sc, out / mode) == []


def test_a_lines_expansion_is_its_buyers_shares_summed_then_rounded() -> None:
    # two buyers' shares of 0.4999994 and 0.5000002 (a solver's tolerance) are one unit of
    # expansion; rounded one by one first they were 0.999999, below a minimum of 1
    built = build_model(generate_scenario(4, 24, 8, 5), PlanOptions())
    pairs = built.info["expansion_pairs"]
    buyers: dict[int, list[int]] = defaultdict(list)
    for k, (li, _b) in enumerate(pairs):
        buyers[li].append(k)
    li, ks = next((li, ks) for li, ks in buyers.items() if len(ks) >= 2)
    val = np.zeros(built.model.n_cols)
    val[built.vars["e"][ks[0]]], val[built.vars["e"][ks[1]]] = 0.4999994, 0.5000002
    total = _expansion_by_line(built.index, built, val)
    assert total[li] == 1.0
    assert np.count_nonzero(total) == 1


@pytest.mark.parametrize(("size", "procurement"), [((6, 20, 12, 3), "joint"),
                                                   ((10, 30, 24, 3), "national")])
def test_written_expansion_shares_hold_every_budget_to_the_cent(
        size: tuple[int, int, int, int], procurement: Mode, tmp_path: Path) -> None:
    # before: shares rounded to nearest at 6 decimals, N02 spent 396,000,001.24 of
    # 396,000,000 (joint) and N08 191,000,000.97 of 191,000,000 (national)
    sc = with_procurement(generate_scenario(*size), procurement)
    plan = plan_scenario(sc, PlanOptions(compare_greedy=False))
    assert plan.expansion_shares                       # some member pays for an expansion
    write_plan(plan, sc, tmp_path)
    assert check_plan(sc, tmp_path) == []


def test_a_share_is_rounded_down_unless_noise_below_a_national_minimum() -> None:
    values = np.array([0.2137695, 0.213769, 1.4454309695, 0.9999996, 0.9999996, 0.99])
    least = np.array([0.0, 0.0, 0.0, 1.0, 0.0, 1.0])
    assert money_safe(values, least).tolist() == [0.213769, 0.213769, 1.44543, 1.0, 0.999999,
                                                  0.99]
