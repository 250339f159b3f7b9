"""Planning by groups with the recipients' munitions priced between groups (issue 19, L's
257-item group): a platform planned apart from the munitions it fires imports rounds from
their stock, their own group exports them, and a coupling row per (recipient, munition,
month) keeps imports within exports. The merged plan must pass the independent checker,
its sustainment be the rule applied to all its deliveries, and its bound hold below the
exact optimum."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np
import pytest

from replenish.plan.sustain import plan_arrivals, simulate_sustainment, train_crews
from replenish.planning import PlanOptions, decompose, plan_scenario
from replenish.planning.coordinate import (
    FIRST_PRICES,
    WORTH_UNITS,
    Coordinated,
    Coupling,
    PriceAll,
    Proposal,
    coordinate,
    spread_unused,
)
from replenish.planning.decompose import (
    GroupPlanner,
    fired_across,
    groups_of,
    item_groups,
    largest_order_columns,
)
from replenish.scenario.generator import generate_scenario

from .support import checked

SPLIT = PlanOptions(compare_greedy=False, decompose="always", split_families="always",
                    split_sustainment="always", explain="never")
NEVER = PlanOptions(compare_greedy=False, decompose="never", explain="never")


def test_split_sustainment_leaves_platforms_apart_from_their_munitions() -> None:
    sc = generate_scenario(8, 60, 24, 1)
    joined = item_groups(sc, split_families=True)
    apart = item_groups(sc, split_families=True, split_sustainment=True)
    assert len(apart) > len(joined)
    assert sorted(c for g in apart for c in g) == sorted(i.code for i in sc.items)
    where = {c: k for k, g in enumerate(apart) for c in g}
    assert any(where[u.platform] != where[u.munition] for u in sc.consumption)


def test_what_a_group_imports_another_exports() -> None:
    sc = generate_scenario(8, 60, 24, 1)
    groups = item_groups(sc, split_families=True, split_sustainment=True)
    imported: dict[tuple[str, str], int] = defaultdict(int)
    exported: dict[tuple[str, str], int] = defaultdict(int)
    for items in groups:
        into, out = fired_across(sc, items)
        assert not {m for _r, m in into} & set(items)
        assert {m for _r, m in out} <= set(items)
        for pair in into:
            imported[pair] += 1
        for pair in out:
            exported[pair] += 1
    assert imported
    # every munition imported has exactly one group exporting it, and each exported one is
    # fired by some platform of another group
    assert set(imported) == set(exported)
    assert set(exported.values()) == {1}
    # groups joined by sustainment neither import nor export
    for items in item_groups(sc, split_families=True):
        assert fired_across(sc, items) == ((), ())


def test_auto_splits_sustainment_only_for_a_group_too_large(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sc = generate_scenario(8, 60, 24, 1)
    auto = dataclasses.replace(SPLIT, split_sustainment="auto")
    joined = item_groups(sc, split_families=True)
    assert groups_of(sc, auto) == joined
    assert groups_of(sc, dataclasses.replace(SPLIT, split_sustainment="never")) == joined
    monkeypatch.setattr(decompose, "SPLIT_SUSTAINMENT_COLUMNS",
                        largest_order_columns(sc, joined))
    assert groups_of(sc, auto) == item_groups(sc, split_families=True,
                                              split_sustainment=True)


def test_shares_of_a_row_given_to_lessen_what_its_givers_give() -> None:
    # row 0: a munition's stock (limit 0), group 0 imports 3, group 1 imports 1, group 2
    # exports 6: 2 rounds left, given back to the exporter, who need export only 4
    # row 1: a budget (limit 10): 4 and 2 used, 4 left shared in proportion
    used = [np.array([3.0, 4.0]), np.array([1.0, 2.0]), np.array([-6.0])]
    rows = [np.array([0, 1]), np.array([0, 1]), np.array([0])]
    shares = spread_unused(used, rows, np.array([0.0, 10.0]))
    assert shares[0] == pytest.approx([3.0, 4.0 + 4.0 * 4 / 6])
    assert shares[1] == pytest.approx([1.0, 2.0 + 4.0 * 2 / 6])
    assert shares[2] == pytest.approx([-4.0])
    # importers beyond what is exported (by tolerance) are scaled down to it
    over = spread_unused([np.array([4.0]), np.array([-3.0])], [np.array([0]), np.array([0])],
                         np.array([0.0]))
    assert over[0] == pytest.approx([3.0]) and over[1] == pytest.approx([-3.0])


def test_rows_of_limit_zero_counted_by_their_worth() -> None:
    c = Coupling("x", [("a",), ("b",), ("c",)], np.array([5.0, 0.0, 0.0]),
                 [np.array([0, 1, 2])], np.array([0.0, 2.0, 0.0]))
    assert c.scales(10.0) == pytest.approx([5.0, WORTH_UNITS * 10.0 / 2.0, 1.0])
    assert Coupling("y", [("a",)], np.array([0.0]), [np.array([0])]).scales(10.0) == \
        pytest.approx([1.0])


def test_a_round_is_priced_at_most_its_worth() -> None:
    c = Coupling("x", [("a",), ("b",), ("c",)], np.array([5.0, 0.0, 0.0]),
                 [np.array([0, 1, 2])], np.array([7.0, 2.0, 0.0]))
    # a budget (limit 5) has no ceiling, nor a stock whose worth is not known
    assert c.ceiling().tolist() == [np.inf, 2.0, np.inf]
    assert Coupling("y", [("a",)], np.array([0.0]), [np.array([0])]).ceiling().tolist() == \
        [np.inf]


def test_coordination_asks_no_more_for_a_round_than_it_is_worth(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # after the ladder (whose first rung asks ten times a round's worth, so that no group
    # takes any), the prices asked of the munitions' stocks stay within their worth
    sc = generate_scenario(8, 60, 24, 1)
    asked: list[tuple[np.ndarray, np.ndarray]] = []     # per part: its price, its ceiling
    def watched(coupling: Coupling, first: list[Proposal], price_all: PriceAll,
                *args: object, **kwargs: object) -> Coordinated:
        passes = [0]
        top = coupling.ceiling()

        def priced(which: list[int], prices: list[np.ndarray]) -> list[Proposal]:
            passes[0] += 1
            if passes[0] > len(FIRST_PRICES):
                asked.extend((p, top[coupling.part_rows[g]])
                             for g, p in zip(which, prices, strict=True))
            return price_all(which, prices)

        return coordinate(coupling, first, priced, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(decompose, "coordinate", watched)
    checked(sc, plan_scenario(sc, SPLIT))
    capped = [(p[np.isfinite(top)], top[np.isfinite(top)]) for p, top in asked]
    assert sum(p.size for p, _top in capped) > 0, "no round priced after the ladder"
    assert all((p <= top * (1 + 1e-12)).all() for p, top in capped)
    # ... and some reach it: the cap is what holds them
    assert any((p >= top * (1 - 1e-12)).any() for p, top in capped)


def test_split_sustainment_plan_valid_bounded_and_sustained_by_the_rule() -> None:
    sc = generate_scenario(8, 60, 24, 1)
    apart = plan_scenario(sc, SPLIT)
    checked(sc, apart)
    info = apart.extra["model"]["decomposition"]
    assert info["coupling_rows"]["ammunition"] > 0
    exact = plan_scenario(sc, dataclasses.replace(NEVER, mip_rel_gap=0.0))
    scale = abs(exact.objective)
    assert apart.extra["model"]["bound"] <= exact.objective + 1e-6 * scale
    assert apart.objective >= exact.objective - 1e-6 * scale
    # the recipients' stocks and sustainment are the rule applied to every delivery, not
    # each group's part of them
    arrivals = plan_arrivals(sc, apart)
    stocks, rows = simulate_sustainment(sc, arrivals, train_crews(sc, arrivals, ahead=True))
    recipients = {n.code for n in sc.recipients}
    assert sorted(apart.sustainment, key=str) == sorted(rows, key=str)
    assert sorted((s for s in apart.stocks if s.nation in recipients), key=str) == \
        sorted(stocks, key=str)
    assert any(r.operational > 0 for r in apart.sustainment)


def test_groups_with_munitions_apart_cost_what_one_model_costs() -> None:
    # imports and exports must value a round as one model does: the combined relaxation is
    # a plan of the whole relaxation and the bound never above its optimum
    sc = generate_scenario(8, 60, 24, 1)
    relaxed = plan_scenario(sc, dataclasses.replace(NEVER, integer=False))
    apart = plan_scenario(sc, dataclasses.replace(SPLIT, integer=False))
    info = apart.extra["model"]["decomposition"]
    scale = abs(relaxed.objective)
    assert info["lower_bound"] <= relaxed.objective + 1e-6 * scale
    assert info["coordinated_relaxation"] >= relaxed.objective - 1e-6 * scale


def test_a_warm_replan_rebuilds_the_group_whose_platform_fires_apart() -> None:
    # a platform's rate changed: its own group is rebuilt (its model fires at the new rate),
    # the munitions' groups are not (what they export to is the same), and the plan holds
    sc = generate_scenario(8, 60, 24, 1)
    groups = item_groups(sc, split_families=True, split_sustainment=True)
    row = next(u for u in sc.consumption
               if fired_across(sc, next(g for g in groups if u.platform in g))[0])
    changed = dataclasses.replace(sc, consumption=tuple(
        dataclasses.replace(u, per_platform_month=2 * u.per_platform_month) if u is row else u
        for u in sc.consumption))
    with GroupPlanner(sc, SPLIT, lambda step, f: None) as planner:
        warm = planner.replan(changed)
    checked(changed, warm)
    assert warm.extra["model"]["decomposition"]["warm"]["groups_rebuilt"] == 1


def test_a_warm_replan_after_a_new_compatible_munition_rebuilds_the_platforms_group() -> None:
    # a platform may fire one more munition, of another group, already fired there by
    # another platform: the platform's group now imports it, though none of its own rows
    # changed; the munition's group exports it as before
    sc = generate_scenario(8, 60, 24, 1)
    groups = item_groups(sc, split_families=True, split_sustainment=True)
    fired = {pair for g in groups for pair in fired_across(sc, g)[1]}
    use = sc.consumption[0]
    usable = {use.munition} | {c.munition for c in sc.compatibility
                               if c.platform == use.platform}
    munition = next(m for r, m in sorted(fired) if r == use.recipient and m not in usable)
    changed = dataclasses.replace(sc, compatibility=(
        *sc.compatibility, dataclasses.replace(sc.compatibility[0], platform=use.platform,
                                               munition=munition)))
    with GroupPlanner(sc, SPLIT, lambda step, f: None) as planner:
        warm = planner.replan(changed)
    checked(changed, warm)
    assert warm.extra["model"]["decomposition"]["warm"]["groups_rebuilt"] == 1
