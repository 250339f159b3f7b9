"""`announcements read` (press statements to proposed pledges, requirements and orders) and
`announcements review` (list, edit, reject, accept into a scenario).

Heavy modules are imported when a command runs, keeping `--help` quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from replenish.announcements.proposals import Proposals


def register(app: typer.Typer) -> None:
    """Add the `announcements` group to the main app."""
    group = typer.Typer(help="Read press statements (English, Danish) into proposals to review.",
                        no_args_is_help=True)
    group.command("read")(read)
    group.command("review")(review)
    app.add_typer(group, name="announcements")


def read(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...",
                                                help="Statements: plain text or HTML.")],
    scenario_dir: Annotated[Path, typer.Option("--scenario", metavar="DIR",
                                               help="Scenario whose nations and items to use.")],
    out: Annotated[Path, typer.Option("--out", metavar="OUT",
                                      help="Folder to write the proposals to.")],
    encoding: Annotated[str, typer.Option("--encoding", help="Encoding of files without a BOM.")]
    = "utf-8",
    lexicon: Annotated[Path | None, typer.Option(
        "--lexicon", metavar="DIR", help="Folder with items_en.csv and items_da.csv to use "
        "instead of the bundled lexicon.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write into a non-empty OUT.")] = False,
) -> None:
    """Propose announced pledges, requirements and orders, each with its evidence."""
    from replenish.announcements.proposals import write_proposals
    from replenish.announcements.reading import read_files
    from replenish.commands.guards import refuse_non_empty, refuse_scenario_folder
    from replenish.scenario.reader import read_scenario

    refuse_scenario_folder(out, "proposals")
    refuse_non_empty(out, force, "--out")
    scenario = read_scenario(scenario_dir)
    proposals = read_files(files, scenario, encoding, lexicon)
    write_proposals(out, proposals)
    console = Console(highlight=False, soft_wrap=True)
    tables = proposals.tables
    console.print(f"{len(files)} text(s): {len(tables['pledges.csv'])} pledge(s), "
                  f"{len(tables['requirements.csv'])} requirement(s), "
                  f"{len(tables['orders.csv'])} order(s) proposed; "
                  f"{len(tables['skipped.csv'])} statement(s) skipped (see skipped.csv)")
    console.print(f"written to {escape(str(out))}; review with: replenish announcements review "
                  f"{escape(str(out))}")


def review(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="Folder of proposals.")],
    scenario_dir: Annotated[Path | None, typer.Option(
        "--scenario", metavar="DIR", help="Scenario to append accepted rows to.")] = None,
    accept_ids: Annotated[list[str] | None, typer.Option(
        "--accept", metavar="ID", help="Accept a proposal (needs --scenario).")] = None,
    reject_ids: Annotated[list[str] | None, typer.Option(
        "--reject", metavar="ID", help="Reject a proposal.")] = None,
    sets: Annotated[list[str] | None, typer.Option(
        "--set", metavar="ID FIELD=VALUE", help="Edit a field of a proposal: --set ID "
        "field=value (quote it, or give ID and field=value as one word 'ID:field=value').")]
    = None,
) -> None:
    """List proposals with their evidence; edit, reject or accept them (edits apply first)."""
    from replenish.announcements import review as reviewing
    from replenish.announcements.proposals import read_proposals, write_proposals
    from replenish.errors import Problem, ScenarioError

    proposals = read_proposals(out)
    for assignment in sets or []:
        pid, field_value = _split_set(assignment)
        reviewing.edit(proposals, pid, field_value)
    for pid in reject_ids or []:
        reviewing.reject(proposals, pid)
    console = Console(highlight=False, soft_wrap=True)
    if accept_ids:
        if scenario_dir is None:
            raise ScenarioError([Problem("--accept", None, None,
                                         "expected --scenario DIR to append accepted rows to")])
        files = reviewing.accept(proposals, accept_ids, scenario_dir)
        console.print(f"accepted {', '.join(accept_ids)}: appended to "
                      + ", ".join(escape(str(scenario_dir / f)) for f in files))
    if sets or reject_ids or accept_ids:
        write_proposals(out, proposals)
    _show(proposals, console)


def _split_set(assignment: str) -> tuple[str, str]:
    """'ID field=value' or 'ID:field=value' as (ID, 'field=value')."""
    from replenish.errors import Problem, ScenarioError

    for separator in (" ", ":"):
        pid, sep, rest = assignment.strip().partition(separator)
        if sep and "=" in rest and "=" not in pid:
            return pid, rest
    raise ScenarioError([Problem("--set", None, None,
                                 f"{assignment!r}: expected 'ID field=value'")])


def _show(proposals: Proposals, console: Console) -> None:
    """Each proposal: its row, decision and the sentence it came from, its parts marked."""
    from replenish.announcements.proposals import PROPOSAL_FILES

    evidence = {row["proposal"]: row for row in proposals.tables["evidence.csv"]}
    count = 0
    for file in PROPOSAL_FILES:
        for row in proposals.tables[file]:
            count += 1
            pid = row["id"]
            decision = proposals.decision(pid)["decision"]
            fields = ", ".join(f"{k}={v or '?'}" for k, v in row.items() if k != "id" and (
                v or k not in ("item", "family")))
            console.print(f"[bold]{pid}[/] ({file[:-4]}, {decision}): {escape(fields)}")
            found = evidence.get(pid)
            if found:
                console.print(f"    {escape(found['file'])} "
                              f"[{found['sentence_start']}:{found['sentence_end']}] rule "
                              f"{escape(found['rule'])}: {_marked(found)}")
    if not count:
        console.print("no proposals")


def _marked(evidence: dict[str, str]) -> str:
    """The evidence sentence with each part of the proposal in brackets, escaped for rich."""
    sentence = evidence["sentence"]
    base = int(evidence["sentence_start"])
    marks: list[tuple[int, int, str]] = []
    for part in ("donor", "recipient", "item", "quantity", "date"):
        first, last = evidence[f"{part}_start"], evidence[f"{part}_end"]
        if first and last and base <= int(first) and int(last) <= base + len(sentence):
            marks.append((int(first) - base, int(last) - base, part))
    out, pos = [], 0
    for start, end, part in sorted(marks):
        if start < pos:
            continue
        out.append(escape(sentence[pos:start]))
        out.append(f"[bold]{escape('[' + sentence[start:end] + ']')}[/]{escape('/' + part)}")
        pos = end
    out.append(escape(sentence[pos:]))
    return "".join(out)
