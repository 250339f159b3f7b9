"""The Excel round trip: lossless both ways, pleasant sheets, problems located by sheet and row."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replenish.cli import run
from replenish.errors import ScenarioError
from replenish.scenario import read_scenario, write_raw_table, write_settings
from replenish.scenario.reader import SCENARIO_FILES
from replenish.scenario.schema import TABLES
from replenish.scenario.xlsx import cell_text, cell_value, scenario_to_xlsx, xlsx_to_scenario

TINY = Path(__file__).parents[1] / "scenarios" / "tiny"
SHEETS = ["scenario", *(t.file.removesuffix(".csv") for t in TABLES if (TINY / t.file).exists()),
          "README"]


def round_trip(source: Path, work: Path) -> Path:
    """Convert `source` to a workbook and back into a new folder; return that folder."""
    book, back = work / "book.xlsx", work / "back"
    scenario_to_xlsx(source, book)
    xlsx_to_scenario(book, back)
    return back


def assert_same_files(source: Path, back: Path) -> None:
    """Every scenario file present in `source` comes back byte for byte, and no other."""
    for name in SCENARIO_FILES:
        assert (back / name).exists() == (source / name).exists(), name
        if (source / name).exists():
            assert (back / name).read_bytes() == (source / name).read_bytes(), name


def test_tiny_round_trip_is_lossless(tmp_path: Path) -> None:
    back = round_trip(TINY, tmp_path)
    assert_same_files(TINY, back)
    assert read_scenario(back) == read_scenario(TINY)


def write_generated_like(folder: Path, seed: int) -> None:
    """A larger valid scenario in canonical form, with awkward names, codes and numbers."""
    rng = random.Random(seed)
    folder.mkdir()
    write_settings(folder / "scenario.toml", {
        "name": "generated, seed 7", "start": "2026-11", "horizon_months": 30,
        "procurement": "national", "delivery_lead_months": 2, "readiness": "below_aid",
        "weights": {"cost": 0.0001, "floor": 2500.0, "idle": 12.5}})
    members = ["007", "12", "ALD", "BRV", "C.D", "E_F"]
    names = ['=SUM(A1)', 'Bravania, "the brave"', "Côte-d'Or", " padded ", "multi\nline",
             "_x0041_"]
    nations = [[code, name, "member", rng.choice(["", "2500000000", "1e9"])]
               for code, name in zip(members, names, strict=True)]
    write_raw_table(folder / "nations.csv", [["code", "name", "role", "annual_budget"],
                                             *nations, ["PTR", "Partner", "recipient", ""]])
    kinds = ["platform", "munition", "spare", "other"]
    items = [[f"I-{k:02d}", f"item {k}", f"fam{k % 6}", kinds[k % 4],
              rng.choice(["3500", "0.35", "12.5", "4200000", "0.0001"]), rng.choice(["", "true"])]
             for k in range(24)]
    write_raw_table(folder / "items.csv",
                    [["code", "name", "family", "kind", "unit_cost", "integer"], *items])
    whole = {i[0] for i in items if i[5] == "true" or i[3] == "platform"}
    stocks = []
    for m in members:
        for item in rng.sample(items, 8):
            q = (lambda: str(rng.randint(0, 500))) if item[0] in whole \
                else (lambda: rng.choice(["10.5", "0.25", "7", "1234.125"]))
            floor = q()
            stocks.append([m, item[0], q(), floor, rng.choice(["", str(float(floor) + 10)])])
    write_raw_table(folder / "stocks.csv",
                    [["nation", "item", "on_hand", "floor", "target"], *stocks])
    write_raw_table(folder / "requirements.csv", [
        ["id", "recipient", "item", "family", "quantity", "needed_by", "priority"],
        *[[f"R{k}", "PTR", "I-01" if k % 2 else "", "" if k % 2 else "fam2", "40",
           f"2027-{k % 12 + 1:02d}", str(k % 5 + 1)] for k in range(15)]])
    write_raw_table(folder / "production_lines.csv", [
        ["producer", "nation", "item", "capacity", "unit_price", "lead_time", "max_expansion",
         "min_expansion", "expansion_lead_time", "expansion_cost", "commitment_months"],
        *[[f"P{k}", members[k], f"I-{k:02d}", "100.5", "3800.75", "3", "50", "", "6",
           "15000", "24"] for k in range(6)]])
    write_raw_table(folder / "price_breaks.csv", [
        ["producer", "item", "min_quantity", "unit_price"], ["P1", "I-01", "10000", "3600"]])


def test_generated_like_round_trip_is_lossless(tmp_path: Path) -> None:
    source = tmp_path / "generated"
    write_generated_like(source, seed=7)
    original = read_scenario(source)
    back = round_trip(source, tmp_path)
    assert_same_files(source, back)
    assert read_scenario(back) == original


def test_cells_are_numbers_only_when_lossless() -> None:
    assert cell_value("12") == 12 and isinstance(cell_value("12"), int)
    assert cell_value("1.5") == 1.5
    assert cell_value("1e-05") == 1e-05
    for text in ("007", "1.0", "1e5", "-0", "nan", "inf", "1_0", " 1", "1234567890123456",
                 "2025-01", "true"):
        assert cell_value(text) == text


def test_cell_text_of_excel_values() -> None:
    assert cell_text(None) == ""
    assert cell_text(3) == "3"
    assert cell_text(3.0) == "3"
    assert cell_text(0.1) == "0.1"
    assert cell_text(True) == "true"
    assert cell_text(dt.datetime(2025, 6, 1)) == "2025-06"
    assert cell_text(dt.date(2025, 6, 15)) == "2025-06-15"
    assert cell_text("a\r\nb") == "a\nb"


def test_workbook_is_pleasant_for_planners(tmp_path: Path) -> None:
    scenario_to_xlsx(TINY, tmp_path / "tiny.xlsx")
    book = openpyxl.load_workbook(tmp_path / "tiny.xlsx")
    assert book.sheetnames == SHEETS
    stocks = book["stocks"]
    assert stocks["C2"].value == 20 and stocks["C6"].value == 2000.5
    assert stocks["A2"].value == "AAA"
    assert stocks["A1"].font.bold and stocks.freeze_panes == "A2"
    assert stocks.column_dimensions["A"].width >= 8
    settings_rows = {row[0]: row[1] for row in book["scenario"].iter_rows(values_only=True)}
    assert settings_rows["horizon_months"] == 12
    assert settings_rows["weights.floor"] == 1000
    readme = book["README"]
    assert readme.protection.sheet
    described = {(row[0], row[1]) for row in readme.iter_rows(min_row=2, values_only=True)}
    for table in TABLES:
        for column in table.columns:
            assert (table.file.removesuffix(".csv"), column.name) in described


def edited_book(tmp_path: Path, **cells: object) -> Path:
    """The tiny workbook with cells set, given as sheet__A1=value."""
    book_path = tmp_path / "tiny.xlsx"
    scenario_to_xlsx(TINY, book_path)
    book = openpyxl.load_workbook(book_path)
    for where, value in cells.items():
        sheet, cell = where.split("__")
        book[sheet][cell] = value
    book.save(book_path)
    return book_path


def from_xlsx(book: Path, folder: Path, capsys: pytest.CaptureFixture[str],
              *extra: str) -> tuple[int, str]:
    code = run(["scenario", "from-xlsx", str(book), str(folder), *extra])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("cells", "where"), [
    ({"stocks__C3": -5}, "tiny.xlsx[stocks]:3 column 'on_hand'"),
    ({"nations__B2": "Aland\nand isles", "nations__C3": "ally"}, "tiny.xlsx[nations]:3"),
    ({"scenario__B4": -1}, "tiny.xlsx[scenario]:4 column 'horizon_months'"),
    ({"items__A2": None}, "tiny.xlsx[items]:2 column 'code'"),
], ids=["cell", "after a multi-line cell", "settings", "emptied"])
def test_problems_name_sheet_and_row(cells: dict[str, object], where: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    book = edited_book(tmp_path, **cells)
    code, err = from_xlsx(book, tmp_path / "out", capsys)
    assert code == 2
    assert where in err
    assert "Traceback" not in err


def test_values_typed_by_a_planner_are_understood(tmp_path: Path) -> None:
    book = edited_book(tmp_path, requirements__F2=dt.datetime(2025, 6, 1),
                       scenario__B4="12", items__E3="5000000")
    xlsx_to_scenario(book, tmp_path / "out")
    assert read_scenario(tmp_path / "out") == read_scenario(TINY)


def test_unknown_and_missing_sheets_are_reported(tmp_path: Path) -> None:
    book_path = tmp_path / "tiny.xlsx"
    scenario_to_xlsx(TINY, book_path)
    book = openpyxl.load_workbook(book_path)
    book.create_sheet("pledge")
    del book["stocks"]
    book.save(book_path)
    with pytest.raises(ScenarioError) as caught:
        xlsx_to_scenario(book_path, tmp_path / "out")
    messages = [str(p) for p in caught.value.problems]
    assert any("tiny.xlsx[pledge]" in m and "unknown sheet" in m for m in messages)
    assert any("'stocks'" in m and "missing sheet" in m for m in messages)
    assert not (tmp_path / "out").exists()


def test_from_xlsx_refuses_a_scenario_folder_without_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book_path = tmp_path / "tiny.xlsx"
    scenario_to_xlsx(TINY, book_path)
    book = openpyxl.load_workbook(book_path)
    del book["pledges"]
    book.save(book_path)
    folder = tmp_path / "out"
    shutil.copytree(TINY, folder)
    code, err = from_xlsx(book_path, folder, capsys)
    assert code == 2 and "--force" in err
    code, err = from_xlsx(book_path, folder, capsys, "--force")
    assert code == 0, err
    assert not (folder / "pledges.csv").exists()
    assert read_scenario(folder).pledges == ()


def test_not_a_workbook_is_a_clean_error(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    code, err = from_xlsx(fake, tmp_path / "out", capsys)
    assert code == 2 and "fake.xlsx" in err and "Traceback" not in err


def test_to_xlsx_reports_cells_excel_cannot_hold(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "s"
    shutil.copytree(TINY, folder)
    (folder / "fielded.csv").write_text("recipient,platform,quantity\nRCP,PZ\x01H,4\n",
                                        encoding="utf-8")
    code = run(["scenario", "to-xlsx", str(folder), str(tmp_path / "s.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and "fielded.csv:2 column 'platform'" in err


def test_commands_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "tiny.xlsx"
    assert run(["scenario", "to-xlsx", str(TINY), str(book)]) == 0
    assert run(["scenario", "from-xlsx", str(book), str(tmp_path / "out")]) == 0
    assert "valid" in capsys.readouterr().out
    assert_same_files(TINY, tmp_path / "out")


TRICKY = st.sampled_from(["12", "1.5", "1.0", "007", "-0", "1e5", "1e-05", "=A1", " x ",
                          "a,b", 'say "hi"', "two\nlines", "_x0041_", "", "true", "2025-01"])
CELLS = st.one_of(TRICKY, st.text(st.characters(
    exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t"), max_size=12))
ROWS = st.lists(st.lists(CELLS, min_size=3, max_size=3).filter(any), max_size=5)


@settings(max_examples=30, deadline=None)
@given(rows=ROWS)
def test_any_canonical_csv_round_trips_byte_for_byte(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "source"
        shutil.copytree(TINY, source)
        write_raw_table(source / "training.csv",
                        [["platform", "course_months", "seats_per_month"], *rows])
        try:
            back = round_trip(source, Path(work))
        except ScenarioError:
            back = Path(work) / "back"  # the content is usually invalid; the files are written
        assert (back / "training.csv").read_bytes() == (source / "training.csv").read_bytes()
