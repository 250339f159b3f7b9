"""Joint-procurement commands: `compare` (joint against national, side by side) and `signal`
(the demand signal a producer receives from a plan).

Heavy modules are imported when a command runs, keeping `--help` quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from replenish.reports.compare import CompareResult
    from replenish.reports.signal import Signal

out = Console(highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add `compare` and `signal`."""
    app.command("compare")(compare)
    app.command("signal")(signal)


def compare(
    scenario: Annotated[Path, typer.Argument(metavar="DIR", help="scenario folder")],
    out_dir: Annotated[Path, typer.Option("--out", metavar="OUT",
                                          help="folder for both plans, compare.json, chart")],
    time_limit: Annotated[float, typer.Option(help="solver time limit per plan, seconds")]
    = 600.0,
) -> None:
    """Plan the scenario jointly and nationally and compare what each achieves."""
    from replenish.commands.guards import refuse_scenario_folder
    from replenish.planning import PlanOptions
    from replenish.reports.compare import headline_sentences, plan_both, write_compare
    from replenish.scenario.reader import read_scenario

    refuse_scenario_folder(out_dir, "the joint and national plans")
    sc = read_scenario(scenario)
    opts = PlanOptions(time_limit=time_limit, compare_greedy=False)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("planning", total=1.0)
        result, plans = plan_both(sc, opts, lambda step, f: bar.update(task, description=step,
                                                                        completed=f))
    paths = write_compare(result, plans, sc, out_dir, scenario)
    out.print(compare_table(result))
    for sentence in headline_sentences(result):
        out.print(f"[bold]{escape(sentence)}[/]")
    out.print(f"plans written to {paths['joint']} and {paths['national']}; "
              f"figures in {paths['json']}; chart {paths['chart']}")


def _months(value: int | None) -> str:
    return "not in horizon" if value is None else str(value)


def _spent(spending: dict[str, list[float]], member: str, year: int, limit: float | None
           ) -> str:
    """A member's spending in one year, marked where it breaks its budget."""
    from replenish.reports.compare import within_budget

    years = spending.get(member, [])
    value = years[year] if year < len(years) else 0.0
    return f"{value:,.0f}" + ("" if within_budget(value, limit) else " OVER BUDGET")


def compare_table(result: CompareResult) -> Table:
    """Joint and national side by side, one row per figure (years named as the compare page
    names them)."""
    from replenish.reports.compare import year_words

    j, n = result.joint, result.national
    t = Table(title=f"{result.scenario}: joint against national procurement",
              title_justify="left")
    t.add_column("")
    t.add_column("joint", justify="right")
    t.add_column("national", justify="right")
    req = [(f"requirements on time (of {j.requirements['quantity']:,.0f})", "on_time"),
           ("requirements late", "late"), ("requirements unmet", "unmet")]
    for label, key in req:
        t.add_row(label, f"{j.requirements[key]:,.0f}", f"{n.requirements[key]:,.0f}")
    t.add_row("members back at target", f"{j.restocked} of {len(result.members)}",
              f"{n.restocked} of {len(result.members)}", style="bold")
    for m in result.members:
        t.add_row(f"  months until {m} at target", _months(j.months_to_target[m]),
                  _months(n.months_to_target[m]))
    lines = sorted(set(j.capacity_added) | set(n.capacity_added))
    t.add_row("lines expanded", str(sum(1 for v in j.capacity_added.values() if v > 0)),
              str(sum(1 for v in n.capacity_added.values() if v > 0)), style="bold")
    for key in lines:
        t.add_row(f"  +units/month {key}", f"{j.capacity_added.get(key, 0.0):,.6g}",
                  f"{n.capacity_added.get(key, 0.0):,.6g}")
    t.add_row("cost", f"{j.cost:,.0f}", f"{n.cost:,.0f}", style="bold")
    for m in result.members:
        limit = result.budgets.get(m)
        budget = "no budget" if limit is None else f"budget {limit:,.0f}"
        for y, year in enumerate(result.years):
            t.add_row(f"  {m} pays in {year_words(year)} ({budget})",
                      _spent(j.spending, m, y, limit),
                      _spent(n.spending, m, y, limit))
    families = sorted(set(j.types_by_family) | set(n.types_by_family))
    t.add_row("equipment types bought", str(sum(j.types_by_family.values())),
              str(sum(n.types_by_family.values())), style="bold")
    for f in families:
        t.add_row(f"  types {f}", str(j.types_by_family.get(f, 0)),
                  str(n.types_by_family.get(f, 0)))
    return t


def _scenario_path(plan_dir: Path, given: Path | None) -> Path:
    """The scenario folder: --scenario, else the one summary.json records."""
    from replenish.plan.reader import plan_scenario_path

    return given if given is not None else plan_scenario_path(plan_dir)


def signal(
    plan_dir: Annotated[Path, typer.Argument(metavar="OUT",
                                             help="a plan folder written by `replenish plan`")],
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", metavar="DIR",
        help="the scenario the plan came from (default: summary.json's scenario)")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", metavar="DIR", help="where to write signal.csv/html (default: OUT)")] = None,
) -> None:
    """Write the demand signal to industry: committed and announced offtake per line."""
    from replenish.reports.signal import read_signal, write_signal
    from replenish.scenario.reader import read_scenario

    sc = read_scenario(_scenario_path(plan_dir, scenario))
    sig = read_signal(plan_dir, sc)
    paths = write_signal(sig, sc, out_dir or plan_dir)
    out.print(signal_table(sig, sc.horizon))
    out.print(f"signal written to {paths['csv']} and {paths['html']}")


def signal_table(sig: Signal, horizon: int) -> Table:
    """Per line: committed and announced totals, expansion planned and justified."""
    from replenish.reports.signal import line_summary

    t = Table(title=f"demand signal ({sig.procurement} procurement), units; base and added "
                    "capacity per month", title_justify="left", box=box.SIMPLE_HEAD)
    rows = line_summary(sig, horizon)
    cells = [[f"{r['producer']} {r['item']}", f"{r['base_capacity']:,.6g}",
              f"{r['committed']:,.0f}", str(r["buyers"]), f"{r['expansion']:,.6g}",
              f"{r['justified']:,.6g}", f"{r['announced']:,.0f}"] for r in rows]
    names = ("line", "base", "committed", "buyers", "added", "justified", "announced")
    for k, col in enumerate(names):
        # numbers are never cut short: a narrow terminal folds the line's name instead
        widest = max([len(col)] + [len(c[k]) for c in cells])
        t.add_column(col, justify="left" if col == "line" else "right",
                     no_wrap=col != "line", min_width=widest if col != "line" else 8,
                     overflow="fold")
    for c in cells:
        t.add_row(*c)
    return t
