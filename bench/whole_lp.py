"""The whole model's LP relaxation solved once as one model, to set beside the bound that
planning by item groups reports (issue 23): the two should nearly meet.

    .venv/bin/python bench/whole_lp.py --items 200 --seed 1     # generated M, seed 1
    .venv/bin/python bench/whole_lp.py --scenario DIR

HiGHS's interior point method without crossover (the simplex took 757 s on M on a busy
machine); prints the objective, its time and the planner's bound from `--plan DIR`'s
summary.json when given. A measurement, not a test: copy the line into bench/RESULTS.md."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from replenish.planning import PlanOptions
from replenish.planning.build import build_model
from replenish.planning.solve import new_highs, pass_model
from replenish.scenario.generator import generate_scenario
from replenish.scenario.reader import read_scenario
from replenish.scenario.writer import write_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, help="a scenario folder (else generated)")
    parser.add_argument("--nations", type=int, default=32)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plan", type=Path, help="a plan folder by item groups to compare")
    parser.add_argument("--solver", default="ipm", help="HiGHS solver: ipm or simplex")
    parser.add_argument("--time-limit", type=float, default=3600.0)
    args = parser.parse_args()
    if args.scenario:
        scenario = read_scenario(args.scenario)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            write_scenario(generate_scenario(args.nations, args.items, args.months, args.seed),
                           Path(tmp))
            scenario = read_scenario(Path(tmp))
    options = PlanOptions(time_limit=args.time_limit)
    t0 = time.perf_counter()
    built = build_model(scenario, options)
    h = new_highs(options)
    h.setOptionValue("solver", args.solver)
    h.setOptionValue("run_crossover", "off")
    pass_model(h, built, integrality=False)
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    status = h.modelStatusToString(h.getModelStatus())
    objective = float(h.getInfo().objective_function_value) * built.scale
    line = {"status": status, "objective": objective, "build_s": round(t1 - t0, 2),
            "solve_s": round(t2 - t1, 2), "solver": args.solver,
            "columns": built.model.n_cols, "rows": built.model.n_rows,
            "load_1min": os.getloadavg()[0]}
    if args.plan:
        model = json.loads((args.plan / "summary.json").read_text())["model"]
        line["plan_bound"] = model.get("bound")
        if model.get("bound"):
            line["bound_below_lp"] = (objective - model["bound"]) / abs(objective)
    print(json.dumps(line))


if __name__ == "__main__":
    main()
