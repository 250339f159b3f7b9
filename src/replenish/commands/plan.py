"""`replenish plan` and `replenish explain`: the coordinated plan and what binds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from replenish import i18n
from replenish.commands.guards import refuse_scenario_folder
from replenish.commands.language import LangOption, command_language
from replenish.errors import InfeasiblePlan, Problem, ScenarioError
from replenish.i18n import N_, _, number, significant
from replenish.plan.totals import effect_sentence, money
from replenish.plan.writer import OPTIMAL_GAP, summary_dict, write_plan_files, write_summary
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.measure import binding_message
from replenish.scenario.reader import read_scenario

out = Console(highlight=False)
#: plan states and modes the summary shows as words (listed for the catalogue)
SHOWN_WORDS = (N_("optimal"), N_("feasible"), N_("heuristic"), N_("greedy"), N_("joint"),
               N_("national"))


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
    scheduler: Annotated[str, typer.Option(
        help="a Dask scheduler (tcp://host:port) whose workers keep the item groups' models "
             "when the scenario is planned by groups; default: threads of this process")] = "",
    lang: LangOption = None,
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
    language = command_language(lang)
    refuse_scenario_folder(out_dir, "the plan files")
    t0 = time.perf_counter()
    sc = read_scenario(scenario)
    read_s = time.perf_counter() - t0
    opts = PlanOptions(method=method, time_limit=time_limit, verbose=verbose,
                       compare_greedy=not no_greedy, decompose=decompose, threads=threads,
                       explain="never" if no_explain else explain, scheduler=scheduler)
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
    with i18n.speaking(language):
        print_summary(summary)
        gap = (summary.get("model") or {}).get("gap")
        if (gap is not None and gap > OPTIMAL_GAP
                and result.timings.get("solve", 0.0) >= time_limit):
            # the plan stopped early, not at its best: say what would give a better one
            out.print(_("the time limit (%(seconds)s s) ran out before the plan was proven within "
                        "0.1 %% of its bound: a longer --time-limit may give a better plan") % {
                          "seconds": number(time_limit, 0 if time_limit >= 10 else 2)})
        out.print(_("plan written to %(folder)s") % {"folder": out_dir})


def print_summary(s: dict[str, Any]) -> None:
    """A short readable summary of summary.json, in units, months and money, in the current
    language."""
    model = s.get("model") or {}
    gap = model.get("gap")
    proof = ("" if gap is None else
             _(", within %(gap)s %% of the best possible plan") % {
                 "gap": significant(100 * gap, 2)} if gap <= 0.1 else
             _(", far from the best possible plan (its bound is %(gap)s %% lower)") % {
                 "gap": number(100 * gap)})
    who = _("optimised plan") if s["method"] == "optimal" else _("%(method)s plan") % {
        "method": _(s["method"])}
    out.print(f"[bold]{who}[/] — {_(s['status'])}{proof}, "
              + _("%(mode)s procurement") % {"mode": _(s["procurement"])})
    stopped = int(model.get("stopped_by_time") or 0)
    if stopped:
        # DESIGN.md: the same scenario gives the same plan, but for where a time limit
        # decided it (docs/planner.md, "Same scenario, same plan")
        out.print(i18n.ngettext(
            "%(num)s search stopped at its time limit: planned again, or on another machine, "
            "the same scenario may give a slightly different plan",
            "%(num)s searches stopped at their time limit: planned again, or on another "
            "machine, the same scenario may give a slightly different plan",
            stopped) % {"num": number(stopped)})
    t = Table(title=_("the partner's requirements by priority (units)"), title_justify="left")
    for col in (_("priority"), _("asked"), _("on time"), _("late"), _("unmet")):
        t.add_column(col, justify="right")
    for p, row in s["requirements"]["by_priority"].items():
        t.add_row(p, *(number(row[k]) for k in ("quantity", "on_time", "late", "unmet")))
    r = s["requirements"]
    t.add_row(_("all"), *(number(r[k]) for k in ("quantity", "on_time", "late", "unmet")),
              style="bold")
    out.print(t)
    out.print(_("members' stock below floor: %(n)s unit-months") % {"n": number(s["readiness"])}
              + "   " + _("floor breaches by committed pledges: %(n)s") % {
                  "n": len(s["floor_breaches"])})
    out.print(_("the partner's systems idle: %(n)s system-months") % {
                  "n": number(s["idle_system_months"])}
              + "   " + _("lines expanded: %(n)s (+%(units)s units/month)") % {
                  "n": s["lines_expanded"], "units": number(s["expansion"])})
    print_spending(s)
    print_delivery(s)
    g = s.get("greedy")
    if g and g.get("status") == "heuristic":
        out.print(_("against a greedy by-hand allocation this plan gives: %(effect)s") % {
            "effect": effect_sentence(g["gains"], by_priority=False) if "gains" in g
            else g["message"]})
    if s.get("binding"):
        out.print(_("what binds most: %(message)s") % {
            "message": binding_message(s["binding"][0])})
    elif s.get("explanations"):
        out.print(_("what binds: %(explanations)s") % {"explanations": s["explanations"]})


def print_delivery(s: dict[str, Any]) -> None:
    """Each hub at its busiest month, against its capacity (plans with routes)."""
    peaks = s.get("delivery") or []
    if not peaks:
        return
    t = Table(title=_("hubs at their busiest month (tonnes)"), title_justify="left")
    for col, justify in ((_("hub"), "left"), (_("month"), "left"), (_("tonnes"), "right"),
                         (_("capacity"), "right"), (_("use"), "right")):
        t.add_column(col, justify=justify)  # type: ignore[arg-type]
    for p in peaks:
        cap = p["capacity_tonnes"]
        t.add_row(p["hub"], p["month"], number(p["tonnes"]),
                  _("no limit") if cap is None else number(cap),
                  "" if p["use"] is None else f"{number(100 * p['use'])} %")
    out.print(t)


def print_spending(s: dict[str, Any]) -> None:
    """Each member's spending per year against its budget."""
    spending = s.get("spending") or {}
    if not spending:
        out.print(_("spending: none"))
        return
    years = max(len(rows) for rows in spending.values())
    t = Table(title=_("spending against budget, %(money)s in all") % {"money": money(s["cost"])},
              title_justify="left")
    t.add_column(_("member"))
    for rows in spending.values():
        for row in rows[:years]:
            t.add_column(_("year %(year)s from %(month)s") % {"year": row["year"],
                                                               "month": row["from"]},
                         justify="right")
        break
    for member, rows in spending.items():
        t.add_row(member, *(_("%(spent)s of %(budget)s") % {"spent": money(r["spent"]),
                                                             "budget": money(r["budget"])}
                            if r["budget"] is not None else
                            _("%(spent)s (no limit)") % {"spent": money(r["spent"])}
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
        out.print(f"    {binding_message(b).split(': ', 1)[-1]}", markup=False)


def register(app: typer.Typer) -> None:
    """Add `plan` and `explain`."""
    app.command()(plan)
    app.command()(explain)
