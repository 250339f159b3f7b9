"""`replenish plan` and `replenish explain`: the coordinated plan and what binds."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from replenish.errors import InfeasiblePlan, Problem, ScenarioError
from replenish.plan.writer import summary_dict, write_plan
from replenish.planning import PlanOptions, plan_scenario
from replenish.scenario.reader import read_scenario

out = Console(highlight=False)


def plan(
    scenario: Annotated[Path, typer.Argument(help="scenario folder")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the plan files")],
    method: Annotated[str, typer.Option(help="optimal or greedy")] = "optimal",
    time_limit: Annotated[float, typer.Option(
        help="solver time limit, seconds; planning by item groups treats it as a target "
             "(each group still finishes its first whole-number plan)")] = 600.0,
    no_greedy: Annotated[bool, typer.Option("--no-greedy",
                                            help="skip the greedy comparison")] = False,
    verbose: Annotated[bool, typer.Option(help="show the solver log")] = False,
    decompose: Annotated[str, typer.Option(
        help="plan item groups apart: auto (large scenarios), always or never")] = "auto",
    threads: Annotated[int, typer.Option(
        help="cores to use (solver threads, item groups at once); 0 = every core")] = 0,
) -> None:
    """Plan donations, orders and expansion month by month; write the plan files."""
    if method not in ("optimal", "greedy"):
        raise ScenarioError([Problem("--method", None, None,
                                     f"expected optimal or greedy, got {method!r}")])
    if decompose not in ("auto", "always", "never"):
        raise ScenarioError([Problem("--decompose", None, None,
                                     f"expected auto, always or never, got {decompose!r}")])
    if not time_limit > 0:
        raise ScenarioError([Problem("--time-limit", None, None,
                                     f"expected seconds above 0, got {time_limit:g}")])
    if threads < 0:
        raise ScenarioError([Problem("--threads", None, None,
                                     f"expected 0 (every core) or more, got {threads}")])
    t0 = time.perf_counter()
    sc = read_scenario(scenario)
    read_s = time.perf_counter() - t0
    opts = PlanOptions(method=method, time_limit=time_limit, verbose=verbose,
                       compare_greedy=not no_greedy, decompose=decompose, threads=threads)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True,
                  disable=verbose) as bar:
        task = bar.add_task("planning", total=1.0)
        try:
            result = plan_scenario(sc, opts, lambda step, f: bar.update(
                task, description=step, completed=f))
        except InfeasiblePlan as exc:
            if (out_dir / "summary.json").exists():
                exc.note = (f"nothing written: the plan files in {out_dir} are an earlier "
                            f"plan's, not this scenario's as it stands")
            raise
    result.timings = {"read": read_s, **result.timings}
    t1 = time.perf_counter()
    write_plan(result, sc, out_dir)
    result.timings["write"] = time.perf_counter() - t1
    summary = {**summary_dict(result, sc), "scenario": str(scenario.resolve())}
    write_plan(result, sc, out_dir, summary)
    print_summary(summary)
    out.print(f"plan written to {out_dir}")


def print_summary(s: dict[str, Any]) -> None:
    """A short readable summary of summary.json."""
    out.print(f"[bold]{s['method']} plan[/] — {s['status']}, {s['procurement']} procurement")
    t = Table(title="requirements by priority", title_justify="left")
    for col in ("priority", "asked", "on time", "late", "unmet"):
        t.add_column(col, justify="right")
    for p, row in s["requirements"]["by_priority"].items():
        t.add_row(p, *(f"{row[k]:,.0f}" for k in ("quantity", "on_time", "late", "unmet")))
    r = s["requirements"]
    t.add_row("all", *(f"{r[k]:,.0f}" for k in ("quantity", "on_time", "late", "unmet")),
              style="bold")
    out.print(t)
    out.print(f"unit-months below floor: {s['readiness']:,.0f}   "
              f"floor breaches by committed pledges: {len(s['floor_breaches'])}")
    out.print(f"cost: {s['cost']:,.0f}   lines expanded: {s['lines_expanded']} "
              f"(+{s['expansion']:,.0f} units/month)   idle system-months: "
              f"{s['idle_system_months']:,.0f}")
    g = s.get("greedy")
    if g and g.get("status") == "heuristic":
        out.print(f"better than greedy by-hand allocation by {g['improvement_pct']:.1f}% "
                  f"(objective {s['objective']:,.0f} vs {g['objective']:,.0f})")
    if s.get("binding"):
        out.print(f"what binds most: {s['binding'][0]['message']}")


def explain(
    plan_dir: Annotated[Path, typer.Argument(help="a folder written by `replenish plan`")],
) -> None:
    """Say what binds: the capacity, floor, budget or pledge that limits the plan most."""
    path = plan_dir / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), None, None,
                                     "missing; expected a plan folder written by "
                                     "`replenish plan`")]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), getattr(exc, "lineno", None), None,
                                     f"not valid JSON: {exc}")]) from None
    binding = summary.get("binding") or []
    if not binding:
        out.print("nothing binds: every limit has slack, or the plan was made without duals "
                  "(greedy)")
        return
    t = Table(title="what binds, most costly first", title_justify="left")
    t.add_column("limit")
    t.add_column("name")
    t.add_column("shadow price", justify="right")
    t.add_column("in plain words")
    for b in binding:
        t.add_row(b["kind"], b["name"], f"{b['shadow_price']:,.4g}", b["message"])
    out.print(t)


def register(app: typer.Typer) -> None:
    """Add `plan` and `explain`."""
    app.command()(plan)
    app.command()(explain)
