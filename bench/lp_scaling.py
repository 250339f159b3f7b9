"""How HiGHS's simplex scaling strategy changes the time of one item group's LP.

Generates a scenario as bench/run.py does (M by default), builds its largest item group's
model as planning by groups does (budgets measured, not enforced) and solves that LP from
scratch once per strategy, in this process, one after the other. Prints seconds, simplex
iterations and the objective of each; planning by groups solves relaxations with strategy 4
("max value 0", see planning/decompose.py).

    .venv/bin/python bench/lp_scaling.py                 # M, strategies 1 (HiGHS's default) and 4
    .venv/bin/python bench/lp_scaling.py --strategies 0,1,2,3,4,5
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import highspy

from replenish.planning.build import build_model, value_scale
from replenish.planning.decompose import item_groups, sub_scenario
from replenish.planning.options import PlanOptions
from replenish.planning.solve import new_highs, pass_model
from replenish.scenario.generator import generate_scenario
from run import SEED, SIZES


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", choices=sorted(SIZES), default="M")
    p.add_argument("--strategies", default="1,4", help="comma-separated simplex_scale_strategy")
    args = p.parse_args(argv)
    scenario = generate_scenario(*SIZES[args.size], SEED)
    largest = max(item_groups(scenario), key=len)
    options = PlanOptions(budgets=False, threads=1)
    built = build_model(sub_scenario(scenario, largest), options, scale=value_scale(scenario))
    print(f"{args.size}: largest item group, {len(largest)} items, "
          f"{built.model.n_cols:,} columns, {built.model.n_rows:,} rows")
    print("| simplex_scale_strategy | seconds | iterations | objective |")
    print("|---|---|---|---|")
    for strategy in (int(s) for s in args.strategies.split(",")):
        h = new_highs(dataclasses.replace(options, time_limit=3600.0))
        h.setOptionValue("simplex_scale_strategy", strategy)
        pass_model(h, built, integrality=False)
        t0 = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - t0
        status = h.getModelStatus()
        objective = (f"{h.getInfo().objective_function_value * built.scale:,.0f}"
                     if status == highspy.HighsModelStatus.kOptimal
                     else h.modelStatusToString(status))
        print(f"| {strategy} | {seconds:.1f} | {h.getInfo().simplex_iteration_count:,} "
              f"| {objective} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
