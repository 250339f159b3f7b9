"""`replenish sweep`: Monte Carlo runs of a scenario under uncertainty.toml, on Dask.

Heavy modules are imported when the command runs, keeping `--help` quick.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from replenish.errors import Problem, ScenarioError

if TYPE_CHECKING:
    from replenish.model.records import Scenario
    from replenish.plan.records import Plan
    from replenish.sweep.metrics import RunResult
    from replenish.sweep.runs import Mode, SweepJob

#: a Dask scheduler's address: [protocol://]host:port
SCHEDULER = re.compile(r"(\w+://)?[^\s/]+:\d+")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add `sweep`."""
    app.command("sweep")(sweep)


def sweep(
    scenario: Annotated[Path, typer.Argument(metavar="DIR", help="scenario folder")],
    runs: Annotated[int, typer.Option("--runs", metavar="N", help="number of draws")],
    out_dir: Annotated[Path, typer.Option(
        "--out", metavar="OUT", help="folder for sweep.json, runs.csv and quantiles.csv")],
    mode: Annotated[str, typer.Option(
        help="fixed: how sure is this plan (one plan replayed in each draw); replan: what "
             "would we plan (each draw planned again)")] = "fixed",
    seed: Annotated[int, typer.Option(help="random seed; same seed, same results")] = 1,
    scheduler: Annotated[str, typer.Option(
        metavar="ADDRESS", help="a Dask scheduler (tcp://host:port); default: a local "
                                "cluster")] = "",
    workers: Annotated[int, typer.Option(
        help="processes of the local cluster; 0 = one per core")] = 0,
    time_limit: Annotated[float, typer.Option(
        help="solver time limit per plan, seconds")] = 60.0,
    uncertainty: Annotated[Path | None, typer.Option(
        metavar="FILE", help="the uncertainty file; default DIR/uncertainty.toml")] = None,
    plan_dir: Annotated[Path | None, typer.Option(
        "--plan", metavar="PLANDIR", help="fixed mode: replay this plan (written by "
                                          "`replenish plan`) instead of planning DIR")] = None,
) -> None:
    """Draw the scenario N times from its uncertainty.toml and give P10/P50/P90 of what the
    plan delivers: requirements on time, months back at floor and target, cost."""
    from replenish.commands.guards import refuse_scenario_folder
    from replenish.scenario.reader import read_scenario
    from replenish.scenario.uncertainty import UNCERTAINTY_FILE, read_uncertainty
    from replenish.sweep.runs import SweepJob, sweep_options

    checked = _checked_mode(mode, runs, workers, time_limit, plan_dir, scheduler)
    refuse_scenario_folder(out_dir, "the sweep's files")
    sc = read_scenario(scenario)
    given = uncertainty or scenario / UNCERTAINTY_FILE
    unc = read_uncertainty(given, UNCERTAINTY_FILE if uncertainty is None else str(given))
    options = sweep_options(time_limit)
    plan = _fixed_plan(sc, plan_dir, time_limit) if checked == "fixed" else None
    job = SweepJob(sc, unc, checked, options, plan)
    t0 = time.perf_counter()
    results, interrupted = _run(job, seed, runs, scheduler, workers)
    _finish(sc, job, seed, runs, results, interrupted, out_dir, time.perf_counter() - t0)


def _checked_mode(mode: str, runs: int, workers: int, time_limit: float,
                  plan_dir: Path | None, scheduler: str) -> Mode:
    """The mode asked for, once every flag is checked."""
    problems = []
    if scheduler and not SCHEDULER.fullmatch(scheduler):
        problems.append(Problem("--scheduler", None, None, (
            f"expected a scheduler's address such as tcp://host:8786, got {scheduler!r}")))
    if mode not in ("fixed", "replan"):
        problems.append(Problem("--mode", None, None,
                                f"expected fixed or replan, got {mode!r}"))
    if runs < 1:
        problems.append(Problem("--runs", None, None, f"expected 1 or more, got {runs}"))
    if workers < 0:
        problems.append(Problem("--workers", None, None,
                                f"expected 0 (one per core) or more, got {workers}"))
    if not time_limit > 0:
        problems.append(Problem("--time-limit", None, None,
                                f"expected seconds above 0, got {time_limit:g}"))
    if plan_dir is not None and mode == "replan":
        problems.append(Problem("--plan", None, None,
                                "only with --mode fixed: replan plans every draw itself"))
    if problems:
        raise ScenarioError(problems)
    return "fixed" if mode == "fixed" else "replan"


def _fixed_plan(sc: Scenario, plan_dir: Path | None, time_limit: float) -> Plan:
    """The plan a fixed sweep replays: read from `plan_dir`, or made now on the scenario."""
    from replenish.planning import PlanOptions, plan_scenario
    from replenish.sweep.simulate import check_plan_fits

    if plan_dir is not None:
        from replenish.plan.reader import read_plan

        plan = read_plan(plan_dir, start=sc.settings.start)
        check_plan_fits(plan, sc)
        return plan
    err.print("planning the scenario as it is (the plan every draw replays)")
    return plan_scenario(sc, PlanOptions(time_limit=time_limit, compare_greedy=False,
                                         explain="never"))


def _run(job: SweepJob, seed: int, runs: int, scheduler: str, workers: int
         ) -> tuple[dict[int, RunResult], bool]:
    """The runs on Dask with a progress bar on stderr; (results by run, interrupted)."""
    from replenish.sweep.cluster import dask_client, run_sweep

    failures = 0
    columns = (TextColumn("runs"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("runs", total=runs, failed=0)

        def heard(result: RunResult) -> None:
            nonlocal failures
            failures += result.status == "failed"
            bar.update(task, advance=1, failed=failures)

        where = f"on {scheduler}" if scheduler else "on a local cluster"
        bar.console.print(f"starting {runs} runs {where}")
        try:
            with dask_client(scheduler, workers) as client:
                outcome = run_sweep(client, job, seed, runs, heard)
        except KeyboardInterrupt:      # before any run was submitted
            return {}, True
    return outcome.results, outcome.interrupted


def _finish(sc: Scenario, job: SweepJob, seed: int, runs: int, results: dict[int, RunResult],
            interrupted: bool, out_dir: Path, seconds: float) -> None:
    """Write the results and print the headline and a short table."""
    from replenish.sweep.results import sweep_dict, write_results

    data = sweep_dict(sc, job.mode, seed, runs, job.uncertainty.given, results)
    write_results(out_dir, sc, data, results)
    out.print(f"[bold]{data['headline']}[/]")
    _print_table(data)
    if data["failed"]:
        out.print(f"{len(data['failed'])} run(s) failed; the first: run "
                  f"{data['failed'][0]['run']}: {data['failed'][0]['error']}", markup=False)
    out.print(f"{data['done']} of {runs} runs done in {seconds:.1f} s; results in {out_dir}",
              markup=False)
    if interrupted:
        out.print(f"interrupted: {data['done']} of {runs} runs done; {out_dir}/sweep.json "
                  "holds only those", markup=False)
        raise typer.Exit(130)


def _print_table(data: dict[str, Any]) -> None:
    def month(v: str | None) -> str:
        return "not within" if v is None else v

    t = Table(title="requirements on time (share of units)", title_justify="left")
    for col in ("priority", "P10", "P50", "P90"):
        t.add_column(col, justify="right")
    for key, q in data["on_time"].items():
        t.add_row(key, *("" if q[k] is None else f"{100 * q[k]:.0f} %"
                         for k in ("p10", "p50", "p90")))
    out.print(t)
    m = Table(title="members back at floor and target (P50)", title_justify="left")
    for col in ("member", "at floor", "at target"):
        m.add_column(col)
    for member, q in data["back_at_floor"].items():
        m.add_row(member, month(q["p50"]), month(data["back_at_target"][member]["p50"]))
    out.print(m)
