"""One item group's pricings replayed at the prices a plan asked, under HiGHS options.

Plans a generated scenario by item groups once (in this process, as `replenish plan` plans
it), recording the prices per part each group was asked at each pass; then builds one group
alone (the largest by default) and, per set of options, solves its first relaxation and
every pricing the plan asked of it, one after the other from the last basis, as the
coordination does. Prints seconds and dual simplex iterations. The iterations are the same
from run to run, where seconds on a shared machine are not (the same plan of generated M
took 29 s and 41 s within the hour on m10, session 30): compare options by iterations first.

    .venv/bin/python bench/pricing_replay.py --seed 1
    .venv/bin/python bench/pricing_replay.py --seed 1 --group 1 \\
        --options simplex_update_limit=1000 --options dual_simplex_cost_perturbation_multiplier=0
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from replenish.model import Scenario
from replenish.planning import decompose, plan_scenario
from replenish.planning.build import value_scale
from replenish.planning.coordinate import Proposal
from replenish.planning.options import PlanOptions
from replenish.scenario.generator import generate_scenario
from run import SIZES


@contextmanager
def recording() -> Iterator[dict[tuple[str, ...], list[np.ndarray]]]:
    """The prices per part each group (by its items) is asked while the block runs."""
    asked: dict[tuple[str, ...], list[np.ndarray]] = {}
    propose = decompose._Group.propose

    def record(group: decompose._Group, part_prices: np.ndarray) -> Proposal:
        items = tuple(i.code for i in group.scenario.items)
        asked.setdefault(items, []).append(np.array(part_prices, copy=True))
        return propose(group, part_prices)

    decompose._Group.propose = record    # type: ignore[method-assign,assignment]
    try:
        yield asked
    finally:
        decompose._Group.propose = propose   # type: ignore[method-assign]


def asked_prices(scenario: Scenario, options: PlanOptions
                 ) -> dict[tuple[str, ...], list[np.ndarray]]:
    """Plan `scenario` by `options`; the prices per part each group was asked, by its items
    (none where it was planned as one model or its groups share no row)."""
    with recording() as asked:
        plan_scenario(scenario, options)
    return asked


def chosen(asked: dict[tuple[str, ...], list[np.ndarray]], group: int) -> tuple[str, ...]:
    """The items of the `group`-th largest group priced (0: the largest); ValueError, saying
    why, where the plan priced none or fewer."""
    if not asked:
        raise ValueError("the plan priced no group (planned as one model, or no coupling rows)")
    groups = sorted(asked, key=len, reverse=True)
    if not 0 <= group < len(groups):
        raise ValueError(f"--group must be from 0 to {len(groups) - 1}, not {group}")
    return groups[group]


def parse_options(text: str) -> dict[str, Any]:
    """`name=value` as a HiGHS option: an int, a float or else a string."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected name=value, got {text!r}")
    for kind in (int, float):
        try:
            return {name: kind(value)}
        except ValueError:
            pass
    return {name: value}


def replay(scenario: Scenario, items: list[str], prices: list[np.ndarray],
           options: dict[str, Any]) -> dict[str, float]:
    """The group of `items` built alone, its first relaxation and then each of `prices`,
    with `options` set on its HiGHS: seconds and iterations of each phase."""
    group = decompose._Group(scenario, PlanOptions(), value_scale(scenario), items)
    for name, value in options.items():
        group.h.setOptionValue(name, value)
    t0 = time.perf_counter()
    group.first()
    first_s = time.perf_counter() - t0
    # the group's own count (`_Group.take_iterations`), as summary.json's: a warm start
    # gone wrong and solved again from scratch counts both runs
    first_it = group.take_iterations()
    t0 = time.perf_counter()
    for part_prices in prices:
        group.propose(part_prices)
    pricing_s = time.perf_counter() - t0
    pricing_it = group.take_iterations()
    return {"first_s": first_s, "first_it": first_it, "pricing_s": pricing_s,
            "pricing_it": pricing_it, "columns": group.built.model.n_cols}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", choices=sorted(SIZES), default="M")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--group", type=int, default=0,
                   help="which group by size, largest first (0: the largest)")
    p.add_argument("--options", type=parse_options, action="append", default=[],
                   help="HiGHS option name=value for one replay (repeat for more replays)")
    args = p.parse_args(argv)
    scenario = generate_scenario(*SIZES[args.size], args.seed)
    asked = asked_prices(scenario, PlanOptions(compare_greedy=False, explain="never"))
    try:
        key = chosen(asked, args.group)
    except ValueError as exc:
        print(exc)
        return 1
    items, prices = list(key), asked[key]
    print(f"{args.size} seed {args.seed}: group {args.group}, {len(items)} items "
          f"({items[0]}, ...), {len(prices)} pricings")
    print("| options | columns | first s | first iterations | pricings s "
          "| pricing iterations |")
    print("|---|---|---|---|---|---|")
    for options in [{}, *args.options]:
        r = replay(scenario, items, prices, options)
        print(f"| {options or 'as planned'} | {r['columns']:,.0f} | {r['first_s']:.2f} "
              f"| {r['first_it']:,.0f} | {r['pricing_s']:.2f} | {r['pricing_it']:,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
