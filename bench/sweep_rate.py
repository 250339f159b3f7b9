"""Sweep throughput (issue 19): plans per minute in `replan` mode and draws per minute in
`fixed` mode, by running `replenish sweep` on a generated scenario with a small
uncertainty.toml written here.

    .venv/bin/python bench/sweep_rate.py              # generated M: replan 2 runs, fixed 20
    .venv/bin/python bench/sweep_rate.py --items 80 --replan-runs 4 --workers 1,2

For each worker count of `--workers`: `replenish sweep DIR --mode replan --runs R --workers W
--time-limit T`, then `--mode fixed --runs F --plan PLAN` (the plan made once beforehand by
`replenish plan DIR --no-greedy --time-limit T`, timed apart, so that the fixed sweep's time
is its draws'). The rate is runs done per minute of the sweep's own "runs done in X s" (from
starting the local cluster to the last run); the process's wall time, with reading the scenario
and writing the results, is recorded beside it. Prints a Markdown table for bench/RESULTS.md.
A measurement, never a test."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Record = dict[str, Any]
UNCERTAINTY = """\
[line_shortfall]
distribution = "triangular"
low = 0.0
mode = 0.05
high = 0.2

[lead_time]
distribution = "poisson"
mean = 0.3

[consumption]
distribution = "lognormal"
mean = 1.1
sd = 0.15

[pledge_slip]
distribution = "poisson"
mean = 0.5
"""
DONE = re.compile(r"(\d+) of (\d+) runs done in ([\d.]+) s")


def replenish(*args: str) -> tuple[float, str]:
    """Run the `replenish` next to this Python; its wall seconds and stdout."""
    exe = str(Path(sys.executable).with_name("replenish"))
    t0 = time.perf_counter()
    proc = subprocess.run([exe, *args], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"replenish {' '.join(args)} failed ({proc.returncode}):\n"
                         f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return wall, proc.stdout


def sweep(scenario: Path, out: Path, mode: str, runs: int, workers: int, time_limit: float,
          plan: Path | None) -> Record:
    """One `replenish sweep`, timed; runs done and failed from its sweep.json."""
    args = [str(scenario), "--runs", str(runs), "--out", str(out), "--mode", mode,
            "--workers", str(workers), "--time-limit", f"{time_limit:g}"]
    if plan is not None:
        args += ["--plan", str(plan)]
    before = os.getloadavg()[0]
    wall, stdout = replenish("sweep", *args)
    found = DONE.search(stdout)
    data = json.loads((out / "sweep.json").read_text())
    runs_s = float(found.group(3)) if found else wall
    done = int(data["done"])
    return {"mode": mode, "workers": workers, "runs": runs, "done": done,
            "failed": len(data["failed"]), "runs_s": runs_s, "wall_s": wall,
            "per_minute": 60.0 * done / runs_s, "load_before": before,
            "load_after": os.getloadavg()[0], "command": "replenish sweep " + " ".join(args)}


def render(result: Record) -> str:
    lines = [f"Sweep throughput, {result['date']}, {result['machine']}; {result['scenario']}; "
             f"time limit {result['time_limit']:g} s per plan; the fixed mode's plan "
             f"{result['plan_s']:.1f} s (not counted below).", "",
             "| mode | workers | runs | done | failed | runs done in (s) | process wall (s) | "
             "per minute | load before / after |", "|---|---|---|---|---|---|---|---|---|"]
    for r in result["sweeps"]:
        unit = "plans" if r["mode"] == "replan" else "draws"
        lines.append(f"| {r['mode']} | {r['workers']} | {r['runs']} | {r['done']} | "
                     f"{r['failed']} | {r['runs_s']:.1f} | {r['wall_s']:.1f} | "
                     f"{r['per_minute']:.2f} {unit} | "
                     f"{r['load_before']:.2f} / {r['load_after']:.2f} |")
    return "\n".join(lines)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               "?")
    return f"{cpu}, {os.cpu_count()} cores, Linux {os.uname().release}"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, help="a scenario folder (else generated); "
                        "its uncertainty.toml is used if it has one")
    parser.add_argument("--nations", type=int, default=32)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="1,2", help="local cluster sizes")
    parser.add_argument("--modes", default="replan,fixed")
    parser.add_argument("--replan-runs", type=int, default=2, help="runs per replan sweep")
    parser.add_argument("--fixed-runs", type=int, default=20, help="runs per fixed sweep")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="seconds per plan (replenish sweep's default, 60)")
    parser.add_argument("--keep", type=Path, help="keep the scenario, plan and sweeps here")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    return parser.parse_args()


def prepare(args: argparse.Namespace, work: Path) -> tuple[Path, str]:
    """The scenario folder with an uncertainty.toml, and how to name it."""
    if args.scenario:
        scenario = work / "scenario"
        shutil.copytree(args.scenario, scenario)
        name = str(args.scenario)
    else:
        scenario = work / "scenario"
        replenish("generate", "--nations", str(args.nations), "--items", str(args.items),
                  "--months", str(args.months), "--seed", str(args.seed), str(scenario))
        name = f"generated {args.nations} x {args.items} x {args.months} seed {args.seed}"
    if not (scenario / "uncertainty.toml").exists():
        (scenario / "uncertainty.toml").write_text(UNCERTAINTY)
    return scenario, name


def measure(args: argparse.Namespace, work: Path) -> Record:
    scenario, name = prepare(args, work)
    modes = args.modes.split(",")
    result: Record = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                      "machine": machine(), "scenario": name, "time_limit": args.time_limit,
                      "plan_s": 0.0, "sweeps": []}
    if "fixed" in modes:
        result["plan_s"], _ = replenish("plan", str(scenario), "--out", str(work / "plan"),
                                        "--no-greedy", "--time-limit", f"{args.time_limit:g}")
    for w in (int(x) for x in args.workers.split(",") if x):
        for mode in modes:
            runs = args.replan_runs if mode == "replan" else args.fixed_runs
            plan = work / "plan" if mode == "fixed" else None
            result["sweeps"].append(sweep(scenario, work / f"{mode}-{w}", mode, runs, w,
                                          args.time_limit, plan))
            print(json.dumps(result["sweeps"][-1]), flush=True)
    return result


def main() -> None:
    args = arguments()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        result = measure(args, work)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))
    print(render(result))


if __name__ == "__main__":
    main()
