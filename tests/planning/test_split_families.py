"""Planning by groups with family requirements priced between groups (issue 23, L's groups):
a family's items planned apart, each group meeting its part of the family's requirements
within a coupling row. The groups' models must together cost what one model costs, their
bound hold below the exact optimum, and the merged plan pass the independent checker."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.decompose import (
    AUTO_COLUMNS,
    groups_of,
    item_groups,
    order_columns,
    shared_requirements,
)
from replenish.scenario.generator import generate_scenario

from .support import checked

SPLIT = PlanOptions(compare_greedy=False, decompose="always", split_families="always",
                    explain="never")
NEVER = PlanOptions(compare_greedy=False, decompose="never", explain="never")


def test_split_families_leave_only_sustainment_joining_items() -> None:
    sc = generate_scenario(8, 60, 24, 1)
    joined, split = item_groups(sc), item_groups(sc, split_families=True)
    assert len(split) > len(joined)
    where = {c: k for k, g in enumerate(split) for c in g}
    assert sorted(where) == sorted(i.code for i in sc.items)
    fits: dict[str, set[str]] = defaultdict(set)
    for c in sc.compatibility:
        fits[c.platform].add(c.munition)
    for u in sc.consumption:
        assert len({where[c] for c in {u.platform, u.munition} | fits[u.platform]}) == 1
    families = [q for q in sc.requirements if q.family]
    assert any(len({where[c] for c in sc.family_items(q.family or "")}) > 1 for q in families)


def test_each_requirement_met_in_part_is_shared_out_whole_at_the_familys_value() -> None:
    sc = generate_scenario(8, 60, 24, 1)
    groups = item_groups(sc, split_families=True)
    parts: dict[str, float] = defaultdict(float)
    for items in groups:
        for q, part, value in shared_requirements(sc, items):
            req = next(r for r in sc.requirements if r.id == q)
            family = sc.family_items(req.family or "")
            assert part == sum(c in items for c in family) / len(family)
            assert value == np.mean([sc.item(c).unit_cost for c in family])
            parts[q] += part
    assert parts and all(abs(p - 1.0) < 1e-12 for p in parts.values())
    # a family wholly within one group is not shared
    for items in item_groups(sc):
        assert shared_requirements(sc, items) == ()


def test_auto_splits_families_only_where_planning_by_groups_would_be_chosen() -> None:
    small = generate_scenario(8, 60, 24, 1)
    assert order_columns(small) < AUTO_COLUMNS
    auto = dataclasses.replace(SPLIT, split_families="auto")
    assert groups_of(small, auto) == item_groups(small)
    assert groups_of(small, SPLIT) == item_groups(small, split_families=True)
    assert groups_of(small, dataclasses.replace(SPLIT, split_families="never")) == \
        item_groups(small)


def test_groups_meeting_families_in_part_cost_what_one_model_costs() -> None:
    # the combined relaxation of the coordination is a plan of the whole relaxation (never
    # below its optimum) and the bound never above it: were a group's part of a requirement
    # valued or counted otherwise than one model does, one side would break
    sc = generate_scenario(8, 60, 24, 1)
    relaxed = plan_scenario(sc, dataclasses.replace(NEVER, integer=False))
    apart = plan_scenario(sc, dataclasses.replace(SPLIT, integer=False))
    info = apart.extra["model"]["decomposition"]
    assert info["coupling_rows"]["requirement"] > 0
    scale = abs(relaxed.objective)
    assert info["lower_bound"] <= relaxed.objective + 1e-6 * scale
    assert info["coordinated_relaxation"] >= relaxed.objective - 1e-6 * scale
    assert info["coordinated_relaxation"] - info["lower_bound"] <= 2e-3 * scale


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True)
@given(st.tuples(st.integers(2, 6), st.integers(12, 40), st.integers(3, 12),
                 st.integers(0, 2**20)))
def test_split_families_plan_valid_and_bounded_by_the_exact_optimum(
        size: tuple[int, ...]) -> None:
    sc = generate_scenario(*size)
    apart = plan_scenario(sc, SPLIT)
    checked(sc, apart)
    exact = plan_scenario(sc, dataclasses.replace(NEVER, mip_rel_gap=0.0))
    scale = max(1.0, abs(exact.objective))
    bound = apart.extra["model"]["bound"]
    assert bound <= exact.objective + 1e-6 * scale
    assert apart.objective >= exact.objective - 1e-6 * scale
    met: dict[str, float] = defaultdict(float)
    for f in apart.fulfilment:
        met[f.requirement] += f.quantity
    assert all(met[q.id] <= q.quantity + 1e-6 for q in sc.requirements)
    gap = apart.extra["model"]["relaxation_gap"]
    assert apart.status == ("optimal" if gap <= 1e-3 else "feasible")
