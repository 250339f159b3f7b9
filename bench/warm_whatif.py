"""A warm what-if against a cold plan of the same change (issue 19): one line's capacity one
unit/month higher (on the largest item group, then on a group of one item) and a member's
budget a tenth higher, each planned again warm from the plan before
(decompose.GroupPlanner.replan) and from scratch, in the same run.

    .venv/bin/python bench/warm_whatif.py --items 200 --seed 1      # generated M
    .venv/bin/python bench/warm_whatif.py --scenario DIR

Prints a markdown table (seconds, objective, gap, groups built and planned again) to paste
into RESULTS.md, with the 1-minute load before and after. A measurement, not a test."""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from pathlib import Path

from replenish.model.records import Scenario
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.decompose import GroupPlanner
from replenish.scenario.generator import generate_scenario
from replenish.scenario.reader import read_scenario


def _one_more(scenario: Scenario, groups: list[list[str]],
              largest: bool) -> tuple[Scenario, str]:
    """One unit/month more on the first line of the largest of the item groups `groups`
    (or of the last group of one item)."""
    group = max(groups, key=len) if largest else [g for g in groups if len(g) == 1][-1]
    line = next(ln for ln in scenario.lines if ln.item in set(group))
    lines = tuple(dataclasses.replace(ln, capacity=ln.capacity + 1) if ln is line else ln
                  for ln in scenario.lines)
    return (dataclasses.replace(scenario, lines=lines),
            f"{line.producer} {line.item} ({len(group)}-item group) +1/month")


def _richer(scenario: Scenario) -> tuple[Scenario, str]:
    """The first member with a budget given a tenth more a year."""
    member = next(n for n in scenario.members if n.annual_budget is not None)
    budget = member.annual_budget or 0.0
    nations = tuple(dataclasses.replace(n, annual_budget=budget * 1.1) if n is member else n
                    for n in scenario.nations)
    return dataclasses.replace(scenario, nations=nations), f"{member.code} budget +10 %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, help="a scenario folder (else generated)")
    parser.add_argument("--nations", type=int, default=32)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = (read_scenario(args.scenario) if args.scenario else
                generate_scenario(args.nations, args.items, args.months, args.seed))
    options = PlanOptions(compare_greedy=False, decompose="always", explain="never")
    load = os.getloadavg()[0]
    rows = []
    t0 = time.perf_counter()
    with GroupPlanner(scenario, options, lambda step, f: None) as planner:
        base_s = time.perf_counter() - t0
        rows.append(("plan (kept warm)", "-", base_s, planner.plan))
        for changed, what in (_one_more(scenario, planner.parts, True),
                              _one_more(scenario, planner.parts, False), _richer(scenario)):
            t1 = time.perf_counter()
            warm = planner.replan(changed)
            rows.append((f"warm what-if: {what}", what, time.perf_counter() - t1, warm))
            t1 = time.perf_counter()
            cold = plan_scenario(changed, options)
            rows.append(("cold plan of the same change", what, time.perf_counter() - t1,
                         cold))
    print(f"{scenario.settings.name}: load {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    print("| run | seconds | objective | gap | groups built / planned again |")
    print("|---|---|---|---|---|")
    for name, _what, seconds, plan in rows:
        d = plan.extra["model"]["decomposition"]
        warm_of = d.get("warm")
        groups = (f"{warm_of['groups_rebuilt']} / {warm_of['groups_planned_again']}"
                  if warm_of else f"{d['groups']} / {d['groups']}")
        print(f"| {name} | {seconds:.1f} | {plan.objective:.6e} | "
              f"{100 * plan.extra['model']['relaxation_gap']:.2f} % | {groups} |")


if __name__ == "__main__":
    main()
