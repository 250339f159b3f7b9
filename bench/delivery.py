"""Delivery through hubs against no transport limits (issue 24): the same generated scenario
planned without and with `--hubs N` (the rest of the scenario is the same, byte for byte), in
the same run, end to end as `replenish plan --no-greedy --explain never` plans it.

    .venv/bin/python bench/delivery.py --nations 32 --items 200 --months 36 --seed 7 --hubs 4

Prints a markdown table (seconds, status, gap to the bound, transport coupling rows, the
busiest hub's use, requirement units on time) to paste into RESULTS.md, with the 1-minute load
before and after. A measurement, not a test."""

from __future__ import annotations

import argparse
import os
import time

from replenish.plan.delivery import peak_use
from replenish.plan.writer import summary_dict
from replenish.planning import PlanOptions, plan_scenario
from replenish.scenario.generator import generate_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nations", type=int, default=32)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hubs", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=600.0)
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f}")
    print("| scenario | seconds | status | gap | transport rows | busiest hub | on time |")
    print("|---|---|---|---|---|---|---|")
    for hubs in (0, args.hubs):
        sc = generate_scenario(nations=args.nations, items=args.items, months=args.months,
                               seed=args.seed, hubs=hubs)
        t0 = time.perf_counter()
        plan = plan_scenario(sc, PlanOptions(compare_greedy=False, explain="never",
                                             time_limit=args.time_limit))
        seconds = time.perf_counter() - t0
        s = summary_dict(plan, sc)
        rows = ((s["model"].get("decomposition") or {}).get("coupling_rows") or {}).get(
            "transport", 0)
        peaks = sorted(peak_use(plan, sc), key=lambda p: -(p["use"] or 0.0))
        busiest = f"{peaks[0]['hub']} {100 * (peaks[0]['use'] or 0):.0f} %" if peaks else "—"
        gap = s["model"]["gap"]
        print(f"| {args.nations}x{args.items}x{args.months} seed {args.seed}, hubs {hubs} | "
              f"{seconds:.1f} | {s['status']} | "
              f"{'—' if gap is None else f'{100 * gap:.2f} %'} | {rows} | {busiest} | "
              f"{s['requirements']['on_time']:,.0f} of {s['requirements']['quantity']:,.0f} |",
              flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
