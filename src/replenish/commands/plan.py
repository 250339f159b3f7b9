"""`replenish plan` and `replenish explain`: the coordinated plan and what binds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from replenish.commands.guards import refuse_scenario_folder
from replenish.errors import InfeasiblePlan, Problem, ScenarioError
from replenish.plan.totals import money
from replenish.plan.writer import summary_dict, write_plan_files, write_summary
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
    explain: Annotated[str, typer.Option(
        help="measure what binds by planning again with each limit relaxed: auto (unless "
             "planned by item groups), always or never")] = "auto",
    no_explain: Annotated[bool, typer.Option("--no-explain",
                                             help="skip measuring what binds")] = False,
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
    if explain not in ("auto", "always", "never"):
        raise ScenarioError([Problem("--explain", None, None,
                                     f"expected auto, always or never, got {explain!r}")])
    if threads < 0:
        raise ScenarioError([Problem("--threads", None, None,
                                     f"expected 0 (every core) or more, got {threads}")])
    refuse_scenario_folder(out_dir, "the plan files")
    t0 = time.perf_counter()
    sc = read_scenario(scenario)
    read_s = time.perf_counter() - t0
    opts = PlanOptions(method=method, time_limit=time_limit, verbose=verbose,
                       compare_greedy=not no_greedy, decompose=decompose, threads=threads,
                       explain="never" if no_explain else explain)
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
    write_plan_files(result, sc, out_dir)
    result.timings["write"] = time.perf_counter() - t1
    summary = {**summary_dict(result, sc), "scenario": str(scenario.resolve())}
    write_summary(out_dir, summary)
    print_summary(summary)
    out.print(f"plan written to {out_dir}")


def print_summary(s: dict[str, Any]) -> None:
    """A short readable summary of summary.json, in units, months and money."""
    model = s.get("model") or {}
    gap = model.get("gap")
    proof = ("" if gap is None else
             f", within {100 * gap:.2g} % of the best possible plan" if gap <= 0.1 else
             f", far from the best possible plan (its bound is {100 * gap:.0f} % lower)")
    who = "optimised" if s["method"] == "optimal" else s["method"]
    out.print(f"[bold]{who} plan[/] — {s['status']}{proof}, {s['procurement']} procurement")
    t = Table(title="the partner's requirements by priority (units)", title_justify="left")
    for col in ("priority", "asked", "on time", "late", "unmet"):
        t.add_column(col, justify="right")
    for p, row in s["requirements"]["by_priority"].items():
        t.add_row(p, *(f"{row[k]:,.0f}" for k in ("quantity", "on_time", "late", "unmet")))
    r = s["requirements"]
    t.add_row("all", *(f"{r[k]:,.0f}" for k in ("quantity", "on_time", "late", "unmet")),
              style="bold")
    out.print(t)
    out.print(f"members' stock below floor: {s['readiness']:,.0f} unit-months   "
              f"floor breaches by committed pledges: {len(s['floor_breaches'])}")
    out.print(f"the partner's systems idle: {s['idle_system_months']:,.0f} system-months   "
              f"lines expanded: {s['lines_expanded']} (+{s['expansion']:,.0f} units/month)")
    print_spending(s)
    g = s.get("greedy")
    if g and g.get("status") == "heuristic":
        out.print(f"against a greedy by-hand allocation this plan gives: {g['message']}")
    if s.get("binding"):
        out.print(f"what binds most: {s['binding'][0]['message']}")
    elif s.get("explanations"):
        out.print(f"what binds: {s['explanations']}")


def print_spending(s: dict[str, Any]) -> None:
    """Each member's spending per year against its budget."""
    spending = s.get("spending") or {}
    if not spending:
        out.print("spending: none")
        return
    years = max(len(rows) for rows in spending.values())
    t = Table(title=f"spending against budget, {money(s['cost'])} in all", title_justify="left")
    t.add_column("member")
    for rows in spending.values():
        for row in rows[:years]:
            t.add_column(f"year {row['year']} from {row['from']}", justify="right")
        break
    for member, rows in spending.items():
        t.add_row(member, *(f"{money(r['spent'])} of {money(r['budget'])}"
                            if r["budget"] is not None else f"{money(r['spent'])} (no limit)"
                            for r in rows))
    out.print(t)


def explain(
    plan_dir: Annotated[Path, typer.Argument(help="a folder written by `replenish plan`")],
) -> None:
    """Say what binds: the capacity, floor, budget or pledge that limits the plan most."""
    from replenish.plan.reader import read_summary

    problems: list[Problem] = []
    summary = read_summary(plan_dir, problems)
    if summary is None or problems:
        raise ScenarioError(problems)
    binding = summary.get("binding") or []
    if not binding:
        out.print(summary.get("explanations") or
                  "nothing binds: relaxing each limit the duals point to changes nothing, or "
                  "the plan was made without them (greedy)")
        return
    out.print("[bold]what binds[/], measured by planning again with each limit relaxed:")
    for b in binding:
        c = b["change"]
        out.print(f"  {b['kind']} {b['name']} ({c['file']} {c['column']} {c['from']} → "
                  f"{c['to']})", markup=False)
        out.print(f"    {b['message'].split(': ', 1)[-1]}", markup=False)


def register(app: typer.Typer) -> None:
    """Add `plan` and `explain`."""
    app.command()(plan)
    app.command()(explain)
