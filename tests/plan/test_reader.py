"""The one plan reader: it reads back what write_plan wrote, from a folder or from stored files,
and says where a cell it cannot read is."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from replenish.api.planner import jsonable
from replenish.errors import Problem, ScenarioError
from replenish.model.records import Scenario
from replenish.plan.reader import (
    plan_horizon,
    plan_month,
    plan_start,
    read_plan,
    read_tables,
)
from replenish.plan.records import Plan
from replenish.plan.writer import plan_tables, summary_dict

DEMO = Path(__file__).parent.parent.parent / "examples" / "coalition"
TABLES = ("donations", "orders", "production", "expansions", "stocks", "fulfilment",
          "sustainment")


def _copy(folder: Path, tmp_path: Path) -> Path:
    out = tmp_path / "plan"
    out.mkdir()
    for path in folder.iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    return out


def _same_records(read: Plan, plan: Plan) -> None:
    for name in TABLES:
        assert getattr(read, name) == getattr(plan, name), name


def test_read_plan_gives_back_the_records_write_plan_wrote(
        demo: tuple[Scenario, Plan, Path]) -> None:
    sc, plan, folder = demo
    read = read_plan(folder)
    _same_records(read, plan)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert (read.status, read.method, read.procurement, read.objective) == \
        (summary["status"], plan.method, plan.procurement, summary["objective"])
    assert plan_start(read) == sc.settings.start and plan_horizon(read) == sc.horizon
    assert plan_month(read, 0) == sc.settings.start
    assert plan.orders and plan.sustainment and plan.expansions


def test_stored_files_read_as_the_folder(demo: tuple[Scenario, Plan, Path]) -> None:
    sc, plan, folder = demo
    rows = jsonable(plan_tables(plan, sc))          # what the API keeps of a plan
    summary = jsonable(summary_dict(plan, sc))
    _same_records(read_plan({**rows, "summary.json": summary}, sc.settings.start), plan)
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}
    _same_records(read_plan(texts), plan)
    # without a summary, months count from the first month the files name
    alone = read_plan(rows, files=("orders.csv",))
    assert [plan_month(alone, o.production_month) for o in alone.orders] == \
        [sc.settings.month(o.production_month) for o in plan.orders]
    assert alone.stocks == []


def test_the_start_comes_from_the_summary_else_its_scenario(
        demo: tuple[Scenario, Plan, Path], tmp_path: Path) -> None:
    sc, plan, folder = demo
    copy = _copy(folder, tmp_path)
    data = json.loads((copy / "summary.json").read_text(encoding="utf-8"))
    data["start"], data["horizon_months"] = "2026-01", 36     # 12 months before the scenario
    (copy / "summary.json").write_text(json.dumps(data), encoding="utf-8")
    read = read_plan(copy)
    assert plan_start(read) == "2026-01" and plan_horizon(read) == 36
    assert [o.production_month - 12 for o in read.orders] == \
        [o.production_month for o in plan.orders]
    del data["start"], data["scenario"]
    (copy / "summary.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        read_plan(copy)
    assert [(p.file, p.column) for p in caught.value.problems] == \
        [(str(copy / "summary.json"), "start")]


def test_a_bad_cell_is_named_by_file_line_and_column(
        demo: tuple[Scenario, Plan, Path], tmp_path: Path) -> None:
    copy = _copy(demo[2], tmp_path)
    path = copy / "orders.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("quantity")
    rows[3][column] = "many"
    rows[5][rows[0].index("production_month")] = "2027-13"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(ScenarioError) as caught:
        read_plan(copy)
    assert caught.value.problems == [
        Problem(str(path), 4, "quantity", "expected a number, got 'many'"),
        Problem(str(path), 6, "production_month", "expected a month as YYYY-MM, got '2027-13'"),
    ]
    assert f"{path}:4 column 'quantity': expected a number" in str(caught.value)


def test_extra_columns_are_ignored_and_optional_files_may_be_missing(
        demo: tuple[Scenario, Plan, Path], tmp_path: Path) -> None:
    sc, plan, folder = demo
    copy = _copy(folder, tmp_path)
    lines = (copy / "donations.csv").read_text(encoding="utf-8").splitlines()
    extra = [lines[0] + ",note"] + [line + ",by rail" for line in lines[1:]]
    (copy / "donations.csv").write_text("\n".join(extra) + "\n", encoding="utf-8")
    (copy / "sustainment.csv").unlink()
    (copy / "contracts.csv").unlink()
    read = read_plan(copy)
    assert read.donations == plan.donations and read.sustainment == []
    problems: list[Problem] = []
    assert read_tables(copy, sc.settings.start, problems, ["contracts.csv"]) == \
        {"contracts.csv": []}
    assert problems == []


def test_missing_files_and_columns_are_all_reported(
        demo: tuple[Scenario, Plan, Path], tmp_path: Path) -> None:
    copy = _copy(demo[2], tmp_path)
    (copy / "orders.csv").unlink()
    lines = (copy / "stocks.csv").read_text(encoding="utf-8").splitlines()
    cut = [",".join(line.split(",")[:4]) for line in lines]       # no floor, target
    (copy / "stocks.csv").write_text("\n".join(cut) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        read_plan(copy)
    assert [(Path(p.file).name, p.line, p.message.split(";")[0])
            for p in caught.value.problems] == [
        ("orders.csv", None, "file missing"),
        ("stocks.csv", 1, "missing columns floor, target"),
    ]


def test_a_stored_plan_bills_members_as_the_written_one(
        demo: tuple[Scenario, Plan, Path]) -> None:
    """The API stores plan_tables: read back, each member's spending per year is what the
    plan's summary says (its contracts' expansion shares, not the order-weighted rule)."""
    from replenish.api.planner import jsonable
    from replenish.plan.totals import spending_by_year

    sc, plan, folder = demo
    files: dict[str, object] = dict(jsonable(plan_tables(plan, sc)))
    files["summary.json"] = jsonable(summary_dict(plan, sc))
    stored = read_plan(files)
    assert stored.contracts
    want = {m: {r["year"] - 1: r["spent"] for r in rows}
            for m, rows in summary_dict(plan, sc)["spending"].items()}
    got = spending_by_year(stored, sc)
    for member, years in want.items():
        for year, spent in years.items():
            assert got[member].get(year, 0.0) == pytest.approx(spent, abs=0.05), (member, year)
