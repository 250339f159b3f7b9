"""The plan as one Excel workbook: a summary sheet with native Excel charts, then a sheet per
plan file, read through the plan reader (months as YYYY-MM, as in the files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from replenish.errors import Problem, ScenarioError
from replenish.model.months import format_month
from replenish.plan.reader import PLAN_FILES, read_plan, read_summary, read_tables, records
from replenish.plan.records import Plan

BOLD = Font(bold=True)
#: whole units and money; other numbers keep up to two decimals
WHOLE, DECIMAL = "#,##0", "General"
_MONEY_COLUMNS = {"unit_price", "expansion_share_cost", "cost", "contract_cost"}


def write_workbook(plan_dir: Path, path: Path) -> Path:
    """Write the plan in `plan_dir` as an .xlsx workbook at `path`; ScenarioError if the
    folder is not a plan."""
    plan_dir = Path(plan_dir)
    problems: list[Problem] = []
    summary = read_summary(plan_dir, problems)
    if summary is None:
        raise ScenarioError(problems)
    plan = read_plan(plan_dir)
    start = str(plan.extra["start"])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "summary"
    try:
        _summary_sheet(sheet, summary)
    except (KeyError, TypeError, ValueError) as exc:
        raise ScenarioError([Problem(str(plan_dir / "summary.json"), None, None,
                                     f"not a summary of a plan: {exc!r} missing or wrong")]
                            ) from None
    for name, rows in _plan_rows(plan, plan_dir, start).items():
        if name == "throughput.csv" and not rows:
            continue    # a plan without routes.csv
        _table_sheet(book.create_sheet(name.removesuffix(".csv")), name, rows, start)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _plan_rows(plan: Plan, plan_dir: Path, start: str) -> dict[str, list[Any]]:
    """Each plan file's records: from the Plan, contracts.csv (not part of a Plan) read alone."""
    out: dict[str, list[Any]] = {}
    for name, spec in PLAN_FILES.items():
        if spec.attribute is not None:
            out[name] = list(getattr(plan, spec.attribute))
        else:
            problems: list[Problem] = []
            rows = read_tables(plan_dir, start, problems, [name])[name]
            if problems:
                raise ScenarioError(problems)
            out[name] = records(name, rows)
    return out


def _table_sheet(sheet: Worksheet, name: str, rows: list[Any], start: str) -> None:
    """A plan file as a sheet: its header, a row per record, filters on, header frozen."""
    columns = PLAN_FILES[name].columns
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = BOLD
    for record in rows:
        sheet.append([_cell(getattr(record, column), kind, start)
                      for column, kind in columns.items()])
    for i, (column, kind) in enumerate(columns.items(), start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(10, len(column) + 2)
        if kind in ("num", "optnum"):
            fmt = WHOLE if column in _MONEY_COLUMNS else DECIMAL
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def _cell(value: Any, kind: str, start: str) -> Any:
    """A record's value as a cell: months as YYYY-MM, nothing for None."""
    return format_month(int(value), start) if kind == "month" else value


def _summary_sheet(sheet: Worksheet, summary: dict[str, Any]) -> None:
    """Headline figures, requirements by priority and spending per year, each with a chart."""
    req = summary["requirements"]
    sheet["A1"] = "Plan summary"
    sheet["A1"].font = Font(bold=True, size=14)
    figures = [("units asked by the partner", req["quantity"], "units"),
               ("units on time", req["on_time"], "units"),
               ("units late", req["late"], "units"),
               ("units unmet", req["unmet"], "units"),
               ("members' stock below floor", summary["readiness"], "unit-months"),
               ("the partner's systems idle", summary.get("idle_system_months") or 0,
                "system-months"),
               ("cost", summary["cost"], "money"),
               ("of which expansion", summary.get("expansion_cost") or 0, "money"),
               ("lines expanded", summary.get("lines_expanded") or 0, "lines")]
    sheet.append([])
    sheet.append(["figure", "value", "unit"])
    for row in figures:
        sheet.append(list(row))
        sheet.cell(sheet.max_row, 2).number_format = WHOLE
    _bold_row(sheet, 3)
    top = sheet.max_row + 2
    sheet.cell(top, 1, "the partner's requirements by priority (units)").font = BOLD
    sheet.append(["priority", "asked", "on time", "late", "unmet"])
    _bold_row(sheet, top + 1)
    for p, r in req["by_priority"].items():
        sheet.append([f"priority {p}", r["quantity"], r["on_time"], r["late"], r["unmet"]])
    last = sheet.max_row
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title, chart.y_axis.title = "Requirements by priority", "units"
    chart.add_data(Reference(sheet, min_col=3, max_col=5, min_row=top + 1, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=top + 2, max_row=last))
    chart.width, chart.height = 16, 7
    sheet.add_chart(chart, "G3")
    _spending(sheet, summary.get("spending") or {}, last + 2)
    for letter, width in zip("ABCDEF", (34, 16, 16, 16, 16, 16), strict=True):
        sheet.column_dimensions[letter].width = width


def _spending(sheet: Worksheet, spending: dict[str, Any], top: int) -> None:
    """Each member's spending per year against its budget, and a chart of the spending."""
    if not spending:
        return
    years = max(len(rows) for rows in spending.values())
    sheet.cell(top, 1, "spending by member and year (money)").font = BOLD
    head = ["member"] + [f"year {y + 1} spent" for y in range(years)]
    head += [f"year {y + 1} budget" for y in range(years)]
    for col, text in enumerate(head, start=1):
        sheet.cell(top + 1, col, text).font = BOLD
    for i, (member, rows) in enumerate(sorted(spending.items()), start=top + 2):
        sheet.cell(i, 1, member)
        for y, r in enumerate(rows):
            sheet.cell(i, 2 + y, r["spent"]).number_format = WHOLE
            sheet.cell(i, 2 + years + y, r["budget"]).number_format = WHOLE
    last = top + 1 + len(spending)
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    chart.title, chart.y_axis.title = "Spending by member and year", "money"
    chart.add_data(Reference(sheet, min_col=2, max_col=1 + years, min_row=top + 1,
                             max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=top + 2, max_row=last))
    chart.width, chart.height = 16, 7
    sheet.add_chart(chart, "G19")


def _bold_row(sheet: Worksheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = BOLD
