"""How planning by item groups scales with workers (issue 19): measured task times, a simulated
schedule on W workers, and real runs on a Dask LocalCluster to compare.

    .venv/bin/python bench/scale.py --items 200 --seed 1 --out /tmp/scale-M.json   # generated M
    .venv/bin/python bench/scale.py --scenario DIR --workers 2,4

1. The scenario is planned by groups in threads of this process (`--threads`, default 1, so
   that each group's call is timed alone on a core), with `ThreadGroups.call` wrapped here
   (this script only) to time every group's call of every batch: wall seconds per (batch,
   method, group). Building the groups' models is batch 0 ("create", each group's own build
   seconds). Everything between batches in the main process (the master LP of coordination,
   merging) is serial time: the plan's wall time less the batches' wall times.
2. Simulated wall time on W workers: per batch, the makespan of a largest-first list schedule
   of its task times on W workers, plus the serial time; and the same with each group pinned
   to one worker as `DaskGroups` places its actors (largest first on the worker with the
   fewest items), where a worker runs its groups' calls one after another. A simulation from
   the measured task times: communication, scattering the scenario and Dask's own overhead
   are left out.
3. The same plan for real on a `LocalCluster` of W single-threaded worker processes for each
   W of `--workers` (`PlanOptions(scheduler=...)`), its batches timed from outside, and its
   objective compared with the plan in threads; each call's result is kept as one number, so
   that the first batch where the two runs part ways is named.

Prints Markdown tables for bench/RESULTS.md and writes the task times to `--out` (JSON). A
measurement, never a test."""

from __future__ import annotations

import argparse
import dataclasses
import heapq
import json
import logging
import os
import platform
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from replenish.model import Scenario
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning import decompose as dec
from replenish.planning.on_dask import DaskGroups
from replenish.scenario.generator import generate_scenario
from replenish.scenario.reader import read_scenario
from replenish.scenario.writer import write_scenario

SIMULATED = (1, 2, 4, 8, 32)
Record = dict[str, Any]


class Recorder:
    """The batches of one plan by groups: each call's wall seconds, the serial time before it
    and, where timed per group, each group's seconds."""

    def __init__(self) -> None:
        self.batches: list[Record] = []
        self.items: list[int] = []      # items of each group, from its info
        self.last_end = time.perf_counter()
        self.last_cpu = time.thread_time()

    def start(self) -> None:
        self.batches = []
        self.last_end = time.perf_counter()
        self.last_cpu = time.thread_time()

    def batch(self, method: str, run: Callable[[], Any],
              tasks: dict[int, float] | None = None, cpu: dict[int, float] | None = None
              ) -> Any:
        t0, c0 = time.perf_counter(), time.thread_time()
        out = run()
        t1 = time.perf_counter()
        self.batches.append({"index": len(self.batches), "method": method,
                             "wall_s": t1 - t0, "serial_before_s": t0 - self.last_end,
                             "serial_before_cpu_s": c0 - self.last_cpu,
                             "tasks": tasks if tasks is not None else {},
                             "tasks_cpu": cpu if cpu is not None else {},
                             "values": _values(out)})
        self.last_end, self.last_cpu = t1, time.thread_time()
        return out


def _values(out: Any) -> list[float | None]:
    """What each group's call returned, as one number (a proposal's value, a relaxation's
    objective, a group plan's objective), to find where two runs of a plan part ways."""
    if not isinstance(out, list):
        return []
    found: list[float | None] = []
    for x in out:
        if isinstance(x, float):
            found.append(x)
        elif hasattr(x, "plan"):
            found.append(float(x.plan.objective))
        elif hasattr(x, "value"):
            found.append(float(x.value))
        else:
            found.append(None)
    return found


def first_apart(a: list[Record], b: list[Record]) -> str:
    """The first batch whose calls returned something else in `b` than in `a`."""
    for x, y in zip(a, b, strict=False):
        if x["method"] != y["method"] or x["values"] != y["values"]:
            return f"batch {x['index']} ({x['method']} / {y['method']})"
    return "none" if len(a) == len(b) else f"batch {min(len(a), len(b))} (one run has more)"


class _Timed:
    """A group whose `method` is timed into `tasks[k]` (wall) and `cpu[k]` (its thread's CPU
    seconds: HiGHS solves in the calling thread with one thread); every other attribute is
    the group's."""

    def __init__(self, group: Any, k: int, method: str, tasks: dict[int, float],
                 cpu: dict[int, float]) -> None:
        self._group, self._k, self._method = group, k, method
        self._tasks, self._cpu = tasks, cpu

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._group, name)
        if name != self._method:
            return attr

        def timed(*args: Any) -> Any:
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return attr(*args)
            finally:
                self._tasks[self._k] = time.perf_counter() - t0
                self._cpu[self._k] = time.thread_time() - c0
        return timed


def instrument(recorder: Recorder) -> None:
    """Wrap ThreadGroups' and DaskGroups' `create` and `call` to record every batch; only
    threads' calls are timed per group (a Dask actor's call is timed from outside)."""
    thread_call, thread_create = dec.ThreadGroups.call, dec.ThreadGroups.create
    dask_call, dask_create = DaskGroups.call, DaskGroups.create

    def t_create(self: dec.ThreadGroups, *a: Any) -> None:
        recorder.batch("create", lambda: thread_create(self, *a))

    def t_call(self: dec.ThreadGroups, method: str, which: list[int],
               args: list[tuple[Any, ...]], report: Callable[[int], None] = lambda d: None
               ) -> list[Any]:
        tasks: dict[int, float] = {}
        cpu: dict[int, float] = {}
        real = self.groups
        self.groups = [_Timed(g, k, method, tasks, cpu)  # type: ignore[misc]
                       for k, g in enumerate(real)]
        try:
            out = recorder.batch(method, lambda: thread_call(self, method, which, args, report),
                                 tasks, cpu)
        finally:
            self.groups = real
        if method == "info":     # each group's build seconds: the create batch's tasks
            built = {k: i.build_s for k, i in zip(which, out, strict=True)}
            recorder.batches[0]["tasks"] = recorder.batches[0]["tasks_cpu"] = built
            recorder.items = [i.items for i in out]
        return out

    def d_create(self: DaskGroups, *a: Any) -> None:
        recorder.batch("create", lambda: dask_create(self, *a))

    def d_call(self: DaskGroups, method: str, which: list[int], args: list[tuple[Any, ...]],
               report: Callable[[int], None] = lambda d: None) -> list[Any]:
        return recorder.batch(method, lambda: dask_call(self, method, which, args, report))

    for cls, create, call in ((dec.ThreadGroups, t_create, t_call),
                              (DaskGroups, d_create, d_call)):
        setattr(cls, "create", create)  # noqa: B010 (a method replaced, in this script only)
        setattr(cls, "call", call)  # noqa: B010


def makespan_list(times: list[float], workers: int) -> float:
    """Largest-first list schedule: each task, longest first, to the least loaded worker."""
    loads = [0.0] * min(workers, max(1, len(times)))
    for t in sorted(times, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + t)
    return max(loads)


def pinned(items: list[int], workers: int) -> list[int]:
    """The worker of each group as DaskGroups places its actors: largest first (by items) on
    the worker with the fewest items so far."""
    load, where = [0] * workers, [0] * len(items)
    for k in sorted(range(len(items)), key=lambda k: (-items[k], k)):
        w = min(range(workers), key=lambda w: (load[w], w))
        where[k], load[w] = w, load[w] + items[k]
    return where


def makespan_pinned(tasks: dict[int, float], where: list[int], workers: int) -> float:
    loads = [0.0] * workers
    for k, t in tasks.items():
        loads[where[k]] += t
    return max(loads, default=0.0)


def simulate(batches: list[Record], serial: float, items: list[int], key: str,
             workers: int) -> tuple[float, float]:
    """Seconds on `workers` (0: without limit) from the task times `key` of each batch:
    largest-first list schedule, and groups pinned as DaskGroups places them."""
    if not workers:
        longest = sum(max(b[key].values(), default=0.0) for b in batches)
        return longest + serial, longest + serial
    where = pinned(items, workers)
    listed = sum(makespan_list(list(b[key].values()), workers) for b in batches)
    fixed = sum(makespan_pinned(b[key], where, workers) for b in batches)
    return listed + serial, fixed + serial


def simulations(run: Record, items: list[int]) -> list[Record]:
    """Simulated seconds on each W of SIMULATED and without limit, from the task's wall
    seconds and from their CPU seconds (what they would take on a quiet machine)."""
    rows = []
    for w in (*SIMULATED, 0):
        list_s, pinned_s = simulate(run["batches"], run["serial_s"], items, "tasks", w)
        list_cpu, pinned_cpu = simulate(run["batches"], run["serial_cpu_s"], items,
                                        "tasks_cpu", w)
        rows.append({"workers": w, "list_s": list_s, "pinned_s": pinned_s,
                     "list_cpu_s": list_cpu, "pinned_cpu_s": pinned_cpu})
    return rows


def load_scenario(args: argparse.Namespace) -> tuple[Scenario, str]:
    if args.scenario:
        return read_scenario(args.scenario), str(args.scenario)
    with tempfile.TemporaryDirectory() as tmp:
        write_scenario(generate_scenario(args.nations, args.items, args.months, args.seed),
                       Path(tmp))
        return (read_scenario(Path(tmp)),
                f"generated {args.nations} x {args.items} x {args.months} seed {args.seed}")


def plan_once(scenario: Scenario, options: PlanOptions, recorder: Recorder) -> Record:
    """Plan by groups, recording its batches; wall, serial and the plan's figures."""
    recorder.start()
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    plan = plan_scenario(scenario, options)
    wall = time.perf_counter() - t0
    tail_cpu = time.thread_time() - recorder.last_cpu
    batches = recorder.batches
    decomposition = plan.extra.get("model", {}).get("decomposition", {})
    return {"wall_s": wall, "serial_s": wall - sum(b["wall_s"] for b in batches),
            "serial_cpu_s": tail_cpu + sum(b["serial_before_cpu_s"] for b in batches),
            "objective": plan.objective, "status": plan.status,
            "gap": plan.extra.get("model", {}).get("relaxation_gap"),
            "passes": decomposition.get("price_passes"), "groups": decomposition.get("groups"),
            "shared_relaxation": decomposition.get("shared_relaxation"),
            "whole_numbers": decomposition.get("whole_numbers"),
            "replanned": decomposition.get("replanned_with_leftovers"),
            "batches": batches, "load_before": load_before, "load_after": os.getloadavg()[0]}


def on_dask(scenario: Scenario, options: PlanOptions, workers: int,
            recorder: Recorder) -> Record:
    """The same plan with the groups as actors on a LocalCluster of `workers` processes."""
    from distributed import LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0", host="127.0.0.1",
                      silence_logs=logging.ERROR) as cluster:
        started = time.perf_counter() - t0
        run = plan_once(scenario, dataclasses.replace(
            options, scheduler=cluster.scheduler_address), recorder)
    return {"workers": workers, "cluster_start_s": started, **run}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}"


def by_method(batches: list[Record]) -> list[Record]:
    """Per method: batches, summed task seconds, summed largest task, summed batch wall."""
    rows: dict[str, Record] = {}
    for b in batches:
        r = rows.setdefault(b["method"], {"method": b["method"], "batches": 0, "tasks_s": 0.0,
                                          "tasks_cpu_s": 0.0, "largest_s": 0.0, "wall_s": 0.0,
                                          "serial_s": 0.0})
        r["batches"] += 1
        r["tasks_s"] += sum(b["tasks"].values())
        r["tasks_cpu_s"] += sum(b["tasks_cpu"].values())
        r["largest_s"] += max(b["tasks"].values(), default=0.0)
        r["wall_s"] += b["wall_s"]
        r["serial_s"] += b["serial_before_s"]
    return list(rows.values())


def dask_by_method(batches: list[Record]) -> dict[str, float]:
    out: dict[str, float] = {}
    for b in batches:
        out[b["method"]] = out.get(b["method"], 0.0) + b["wall_s"]
    return out


def render(result: Record) -> str:
    """The Markdown to paste into bench/RESULTS.md."""
    threads = result["threads"]
    tail = threads["serial_s"] - sum(b["serial_before_s"] for b in threads["batches"])
    lines = [f"Scale-out, {result['date']}, {result['machine']}; {result['scenario']}, "
             f"{threads['groups']} groups, {threads['passes']} passes of coordination; "
             f"threads run ({result['threads_n']} thread) {threads['wall_s']:.1f} s, serial "
             f"(main process between batches) {threads['serial_s']:.1f} s, of which "
             f"{tail:.1f} s after the last batch ({threads['serial_cpu_s']:.1f} CPU s); load "
             f"{threads['load_before']:.2f} / {threads['load_after']:.2f}. Simulated from the "
             "measured task times (wall, and CPU of the task's thread), communication "
             "ignored.", "",
             "| workers | simulated, list schedule (s) | simulated, actors pinned (s) | "
             "simulated from CPU s, list / pinned | real on Dask (s) | real / pinned | "
             "objective vs threads | relaxation within shares vs threads | passes | first "
             "batch apart from threads | load before / after |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    real = {r["workers"]: r for r in result["dask"]}
    for s in result["simulated"]:
        lines.append("| " + " | ".join(_scale_row(s, real.get(s["workers"]), threads)) + " |")
    return "\n".join(lines + ["", *_method_table(result)])


def _scale_row(s: Record, r: Record | None, threads: Record) -> list[str]:
    cells = [str(s["workers"]) if s["workers"] else "unlimited", f"{s['list_s']:.1f}",
             f"{s['pinned_s']:.1f}", f"{s['list_cpu_s']:.1f} / {s['pinned_cpu_s']:.1f}"]
    if r is None:
        return cells + [""] * 7
    return cells + [f"{r['wall_s']:.1f}", f"{r['wall_s'] / s['pinned_s']:.2f}",
                    _apart(r["objective"], threads["objective"]),
                    _apart(r["shared_relaxation"], threads["shared_relaxation"]),
                    str(r["passes"]), first_apart(threads["batches"], r["batches"]),
                    f"{r['load_before']:.2f} / {r['load_after']:.2f}"]


def _apart(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return ""
    return "equal" if a == b else f"{(a - b) / max(1.0, abs(b)):+.2e}"


def _method_table(result: Record) -> list[str]:
    """Seconds by method: the threads run's tasks and batches, and the Dask runs' batches."""
    lines = ["| method | batches | task s (sum) | task CPU s (sum) | largest task s (sum over "
             "batches) | threads wall s | serial before s | " + " | ".join(
                 f"Dask {r['workers']} wall s" for r in result["dask"]) + " |",
             "|---|---|---|---|---|---|---|" + "---|" * len(result["dask"])]
    dask = [dask_by_method(r["batches"]) for r in result["dask"]]
    for m in by_method(result["threads"]["batches"]):
        lines.append(f"| {m['method']} | {m['batches']} | {m['tasks_s']:.1f} | "
                     f"{m['tasks_cpu_s']:.1f} | {m['largest_s']:.1f} | {m['wall_s']:.1f} | "
                     f"{m['serial_s']:.1f} | "
                     + " | ".join(f"{d.get(m['method'], 0.0):.1f}" for d in dask) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, help="a scenario folder (else generated)")
    parser.add_argument("--nations", type=int, default=32)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="2,4", help="real Dask runs: worker counts")
    parser.add_argument("--threads", type=int, default=1, help="threads of the timed run")
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--out", type=Path, default=Path("scale.json"))
    args = parser.parse_args()
    scenario, name = load_scenario(args)
    options = PlanOptions(time_limit=args.time_limit, threads=args.threads,
                          compare_greedy=False, decompose="always")
    recorder = Recorder()
    instrument(recorder)
    result: Record = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                      "machine": machine(), "scenario": name, "threads_n": args.threads,
                      "time_limit": args.time_limit}
    result["threads"] = plan_once(scenario, options, recorder)
    result["group_items"] = recorder.items
    result["simulated"] = simulations(result["threads"], recorder.items)
    print(f"threads: {result['threads']['wall_s']:.1f} s", flush=True)
    result["dask"] = []
    for w in (int(x) for x in args.workers.split(",") if x):
        result["dask"].append(on_dask(scenario, options, w, recorder))
        print(f"Dask {w} workers: {result['dask'][-1]['wall_s']:.1f} s", flush=True)
        args.out.write_text(json.dumps(result, indent=1))
    args.out.write_text(json.dumps(result, indent=1))
    print(render(result))


if __name__ == "__main__":
    main()
