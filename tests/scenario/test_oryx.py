"""The Oryx import on the real public file (../shared/data beside the checkout), cross-checked
against the raw CSV read independently here; and on small hand-written files for the reasons
the real file does not exhibit."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from replenish.cli import run
from replenish.errors import ScenarioError
from replenish.scenario.oryx import (
    FAMILIES_CSV,
    ImportReport,
    clean_name,
    import_oryx,
    read_families,
)

DATA = Path(__file__).parents[2] / ".." / "shared" / "data" / "oryx-donated-vehicles.csv"
HEADER = ("id,vehicle_name,vehicle_type,supplier,supplier_abbr,recipient,recipient_abbr,count,"
          "is_delivered,is_soviet,proof,year_first_produced")

#: Counted once by reading the file (see the README of the data): 355 rows in all.
EXPECTED_REJECTED = {
    "count_zero": 85,
    "supplier_none": 3,
    "supplier_nato": 1,
    "recipient_not_ukraine": 5,
    "duplicate_id": 6,
    "munition": 13,
    "count_from_name": 17,
}
EXPECTED_IMPORTED = 225


@pytest.fixture(scope="module")
def oryx_csv() -> Path:
    if not DATA.is_file():
        pytest.skip(f"the public Oryx file is not at {DATA.resolve()} (../shared/data beside "
                    "the checkout)")
    return DATA


@pytest.fixture(scope="module")
def raw(oryx_csv: Path) -> list[dict[str, str]]:
    with oryx_csv.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def imported(oryx_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> ImportReport:
    return import_oryx(oryx_csv, tmp_path_factory.mktemp("oryx") / "scenario")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_row_is_imported_or_reported(imported: ImportReport,
                                           raw: list[dict[str, str]]) -> None:
    assert len(raw) == imported.total_rows == 355
    assert imported.rejected_by_reason == EXPECTED_REJECTED
    assert imported.imported == EXPECTED_IMPORTED
    assert imported.imported + len(imported.rejected) == len(raw)


def test_reasons_match_the_raw_file(imported: ImportReport, raw: list[dict[str, str]]) -> None:
    """Each reason counted independently from the raw rows, in the importer's check order."""
    zero = [r for r in raw if r["count"] == "0"]
    assert len(zero) == imported.rejected_by_reason["count_zero"] == 85
    counted = [r for r in raw if r["count"] != "0"]
    assert sum(r["supplier"] == "NONE" for r in counted) == EXPECTED_REJECTED["supplier_none"]
    assert sum(r["supplier"] == "NATO" for r in counted) == EXPECTED_REJECTED["supplier_nato"]
    known = [r for r in counted if r["supplier"] not in ("NONE", "NATO")]
    assert sum(r["recipient_abbr"] != "UA" for r in known) == 5
    seen: set[tuple[str, ...]] = set()
    repeats = 0
    for r in (r for r in known if r["recipient_abbr"] == "UA"):
        key = tuple(r.values())
        repeats += key in seen
        seen.add(key)
    assert repeats == EXPECTED_REJECTED["duplicate_id"]


def test_report_lists_every_rejected_row(imported: ImportReport,
                                         raw: list[dict[str, str]]) -> None:
    report = _read(imported.report_path)
    assert list(report[0]) == ["row", "id", "vehicle_name", "supplier", "count", "reason",
                               "detail"]
    assert Counter(r["reason"] for r in report) == Counter(EXPECTED_REJECTED)
    assert {(int(r["row"]), r["id"]) for r in report} == {
        (r.row, r.id) for r in imported.rejected}
    zero_ids = Counter(r["id"] for r in raw if r["count"] == "0")
    assert Counter(r["id"] for r in report if r["reason"] == "count_zero") == zero_ids


def test_quantities_are_conserved(imported: ImportReport, raw: list[dict[str, str]]) -> None:
    """What was imported is exactly the raw total minus what the report lists."""
    report = _read(imported.report_path)
    raw_total = sum(int(r["count"]) for r in raw)
    rejected_total = sum(int(r["count"]) for r in report)
    scenario = imported.scenario
    fielded = sum(f.quantity for f in scenario.fielded)
    pledged = sum(p.quantity for p in scenario.pledges)
    assert fielded + pledged == raw_total - rejected_total


def test_scenario_files(imported: ImportReport) -> None:
    out = imported.out_dir
    assert _read(out / "stocks.csv") == []
    assert (out / "stocks.csv").read_text(encoding="utf-8").strip() == (
        "nation,item,on_hand,floor,target")
    nations = _read(out / "nations.csv")
    assert [n["code"] for n in nations if n["role"] == "recipient"] == ["UA"]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", n["code"]) for n in nations)
    assert {"USA", "GER", "PL"} <= {n["code"] for n in nations}
    assert not {"NONE", "NATO", "BEL", "IR", "CN"} & {n["code"] for n in nations}
    items = _read(out / "items.csv")
    platforms = [i for i in items if i["kind"] == "platform"]
    assert len({i["code"] for i in items}) == len(items)
    assert all(i["unit_cost"] == "0" and i["integer"] == "true" for i in platforms)
    assert len(platforms) == len({clean_name(i["name"]) for i in platforms})
    pledges = _read(out / "pledges.csv")
    assert {p["status"] for p in pledges} == {"announced"}
    assert {p["month"] for p in pledges} == {"2022-03"}
    assert all(p["id"].startswith("oryx-") for p in pledges)
    assert 'name = "Oryx: heavy equipment supplied to Ukraine (public data)"' in (
        out / "scenario.toml").read_text(encoding="utf-8")


def test_fielded_sums_deliveries_per_platform(imported: ImportReport) -> None:
    fielded = {f.platform: f.quantity for f in imported.scenario.fielded}
    # M113 rows delivered by Lithuania 72, USA 300, Portugal 42, Spain 60, UK 46, Belgium 40.
    assert fielded["M113"] == 72 + 300 + 42 + 60 + 46 + 40
    # Germany's Marder 1A3 (is_delivered False) is a pledge, not in service.
    assert "Marder_1A3" not in fielded
    marder = [p for p in imported.scenario.pledges if p.item == "Marder_1A3"]
    assert [(p.id, p.donor, p.quantity) for p in marder] == [("oryx-59", "GER", 100.0)]


def test_wrong_labels_are_corrected(imported: ImportReport) -> None:
    rows = _read(imported.corrections_path)
    fixed = {(r["vehicle_name"], r["vehicle_type"]): r["corrected_type"] for r in rows}
    assert fixed[("155mm PzH 2000", "Towed Artillery")] == "Self-Propelled Artillery"
    assert fixed[("155mm AHS Krab", "Towed Artillery")] == "Self-Propelled Artillery"
    assert fixed[("227mm HIMARS", "Towed Artillery")] == "Multiple Rocket Launchers"
    assert fixed[("Bergepanzer 2 Armoured Recovery Vehicle", "Cargo Drones")] == (
        "Engineering Vehicles And Equipment")
    assert ("155mm M777", "Towed Artillery") not in fixed  # towed, rightly labelled
    families = {i.name: i.family for i in imported.scenario.items}
    assert families["155mm M777"] == families["155mm PzH 2000"] == "artillery_155"
    assert families["122mm D-30"] == "artillery_other"
    assert families["227mm HIMARS"] == "rocket_artillery"


def test_mapping_covers_the_real_names_without_dead_rows(raw: list[dict[str, str]]) -> None:
    families = read_families(FAMILIES_CSV)
    names = {clean_name(r["vehicle_name"]) for r in raw}
    unmapped = [n for n in names if not any(f.pattern.search(n) for f in families)]
    assert unmapped == []
    unused = [f.line for f in families if not any(f.pattern.search(n) for n in names)]
    assert unused == []


def test_read_scenario_accepts_the_import(imported: ImportReport) -> None:
    from replenish.scenario.reader import read_scenario

    scenario = read_scenario(imported.out_dir)
    assert len(scenario.fielded) == len(imported.scenario.fielded)
    assert {p.id for p in scenario.pledges} == {p.id for p in imported.scenario.pledges}


def test_commands_import_and_fragmentation(oryx_csv: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "oryx"
    assert run(["import", "oryx", str(oryx_csv), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"imported\s*│\s*225", printed)
    assert re.search(r"count_zero\s*│\s*85", printed)
    assert "import-report.csv" in printed
    chart = tmp_path / "chart.png"
    assert run(["fragmentation", str(out), "--chart", str(chart)]) == 0
    printed = capsys.readouterr().out
    row = next(line for line in printed.splitlines() if "artillery_155" in line)
    types, effective, munitions, systems = (c.strip() for c in row.split("│")[2:6])
    assert int(types) > 1 and float(effective) > 1.0 and int(munitions) == 1
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert run(["fragmentation", str(out)]) == 0
    assert (out / "fragmentation.png").is_file()


def _write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_reasons_on_a_small_file(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "small.csv",
        "1,'155mm PzH 2000*,Towed Artillery,Germany,GER,Ukraine,UA,7,True,False,,",
        "2,155mm PzH 2000,Towed Artillery,Germany,GER,Ukraine,UA,3,False,False,,",
        "3,Flying Carpet,Aircraft,Germany,GER,Ukraine,UA,2,True,False,,",
        "4,'' ** '',Tanks,Germany,GER,Ukraine,UA,2,True,False,,",
        "5,Leopard 2A6,Tanks,Germany,GER,Ukraine,UA,many,True,False,,",
        "6,Leopard 2A6,Tanks,,,Ukraine,UA,2,True,False,,",
        "1,Leopard 2A6,Tanks,Germany,GER,Ukraine,UA,4,True,False,,",
        "8,Leopard 2A6,Tanks,Germany,GER,Ukraine,UA,4,maybe,False,,",
        "9,Leopard 2A6,Tanks,Germany,GER",
    )
    report = import_oryx(source, tmp_path / "out")
    reasons = {(r.row, r.reason) for r in report.rejected}
    assert reasons == {(4, "unmapped_name"), (5, "empty_name"), (6, "count_unparseable"),
                       (7, "supplier_missing"), (8, "duplicate_id"),
                       (9, "delivery_unparseable"), (10, "malformed_row")}
    assert report.imported == 2
    assert [(f.platform, f.quantity) for f in report.scenario.fielded] == [("155mm_PzH_2000", 7)]
    assert [(p.id, p.quantity) for p in report.scenario.pledges] == [("oryx-2", 3.0)]
    assert [c.row for c in report.corrections] == [2, 3]


def test_bad_header_names_file_and_line(tmp_path: Path) -> None:
    source = tmp_path / "wrong.csv"
    source.write_text("id,name,count\n1,M113,3\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        import_oryx(source, tmp_path / "out")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (str(source), 1)
    assert "vehicle_name" in problem.message
    assert not (tmp_path / "out").exists()


def test_unreadable_file_is_an_input_error(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "absent.csv"
    assert run(["import", "oryx", str(missing), "--out", str(tmp_path / "out")]) == 2
    assert "absent.csv" in capsys.readouterr().err
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\n").encode() + "1,Dürer,x\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        import_oryx(latin, tmp_path / "out")
    assert (caught.value.problems[0].line, caught.value.problems[0].message) == (
        2, "not UTF-8 text")
