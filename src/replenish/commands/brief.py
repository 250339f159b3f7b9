"""`replenish brief`: the ministers' brief of a plan (PDF, HTML) and the plan as a workbook.

Heavy modules (Altair, vl-convert, WeasyPrint, openpyxl) are imported when the command runs,
keeping `--help` quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from replenish import i18n
from replenish.commands.language import LangOption, command_language
from replenish.errors import Problem, ScenarioError

out = Console(highlight=False, soft_wrap=True)


def _outputs(files: dict[str, Path | None]) -> dict[str, Path]:
    """The output files asked for; a problem if none is, or one is a folder."""
    chosen = {flag: path for flag, path in files.items() if path is not None}
    if not chosen:
        raise ScenarioError([Problem(" / ".join(files), None, None,
                                     "expected at least one file to write")])
    folders = [Problem(flag, None, None, f"{path} is a folder; expected a file name")
               for flag, path in chosen.items() if path.is_dir()]
    if folders:
        raise ScenarioError(folders)
    return chosen


def brief(
    plan_dir: Annotated[Path, typer.Argument(metavar="PLAN",
                                             help="a folder written by `replenish plan`")],
    pdf: Annotated[Path | None, typer.Option("--pdf", metavar="FILE",
                                             help="the brief as PDF")] = None,
    html: Annotated[Path | None, typer.Option("--html", metavar="FILE",
                                              help="the brief as one HTML page")] = None,
    xlsx: Annotated[Path | None, typer.Option(
        "--xlsx", metavar="FILE", help="the plan as a workbook: a sheet per file, a summary "
                                       "with charts")] = None,
    scenario_dir: Annotated[Path | None, typer.Option(
        "--scenario", metavar="DIR", help="scenario of the plan (default: from summary.json)")
    ] = None,
    sweep_dir: Annotated[Path | None, typer.Option(
        "--sweep", metavar="SWEEPDIR", help="add what a sweep of the plan found (a folder "
        "written by `replenish sweep`): how sure the plan is, with fan charts")] = None,
    lang: LangOption = None,
) -> None:
    """Write the ministers' brief (the plan in units, months and money, on two to four pages)
    and the plan as a workbook."""
    files = _outputs({"--pdf": pdf, "--html": html, "--xlsx": xlsx})
    language = command_language(lang)
    sweep = None
    if sweep_dir is not None and ("--pdf" in files or "--html" in files):
        from replenish.reports.sweep_view import read_sweep

        sweep = read_sweep(sweep_dir)  # a broken sweep is refused before anything is written
    if "--xlsx" in files:
        from replenish.reports.workbook import write_workbook

        write_workbook(plan_dir, files["--xlsx"])
        out.print(f"workbook written to {files['--xlsx']}")
    if "--pdf" not in files and "--html" not in files:
        return
    from replenish.reports.brief import read_brief
    from replenish.reports.brief_render import render_brief_html, write_brief_pdf

    with i18n.speaking(language):
        made = read_brief(plan_dir, scenario_dir)
        if sweep is not None and sweep.scenario != made.scenario:
            out.print(f"note: the sweep is of scenario {sweep.scenario!r}, the plan of "
                      f"{made.scenario!r}", markup=False)
        text = render_brief_html(made, sweep)
    if "--html" in files:
        files["--html"].parent.mkdir(parents=True, exist_ok=True)
        files["--html"].write_text(text, encoding="utf-8")
        out.print(f"brief written to {files['--html']}")
    if "--pdf" in files:
        write_brief_pdf(text, files["--pdf"])
        out.print(f"brief written to {files['--pdf']}")


def register(app: typer.Typer) -> None:
    """Add `brief`."""
    app.command("brief")(brief)
