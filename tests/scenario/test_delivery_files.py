"""hubs.csv, routes.csv and items' tonnes_per_unit: read, validated with file, line and column
(exit 2, every problem at once), written back byte for byte; and CSV files that are not
scenario files, named on stderr."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from replenish.cli import run
from replenish.errors import ScenarioError
from replenish.model.records import Hub, Route
from replenish.scenario import read_scenario
from replenish.scenario.reader import unknown_file_notes
from replenish.scenario.writer import write_scenario

SCENARIOS = Path(__file__).parents[1] / "scenarios"
DELIVERY = SCENARIOS / "delivery"
TINY = SCENARIOS / "tiny"


@pytest.fixture
def delivery(tmp_path: Path) -> Path:
    """A writable copy of the delivery scenario (tiny with hubs and routes)."""
    folder = tmp_path / "delivery"
    shutil.copytree(DELIVERY, folder)
    return folder


def edit(folder: Path, file: str, old: str, new: str) -> None:
    """Replace `old` (which must be there) by `new` in one file."""
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(folder: Path) -> list[tuple[str, int | None, str | None, str]]:
    """Every problem of the folder as (file, line, column, message)."""
    with pytest.raises(ScenarioError) as caught:
        read_scenario(folder)
    return [(p.file, p.line, p.column, p.message) for p in caught.value.problems]


def test_hubs_routes_and_tonnes_are_read() -> None:
    scenario = read_scenario(DELIVERY)
    assert scenario.hubs == (Hub("RZE", "Rzeszow airport", "BBB", 1200.0),
                             Hub("LVV", "Border rail head", "RCP", None))
    assert scenario.routes[0] == Route("A-RAIL", "AAA", "LVV", "RCP", "rail", 2, 5000.0)
    assert scenario.routes[2] == Route("B-ROAD", "BBB", None, "RCP", "road", 1, None)
    assert {i.code: i.tonnes_per_unit for i in scenario.items} == {
        "PZH": 57.5, "CAES": 17.7, "HE155": 0.047, "ER155": 0.0}


def test_scenarios_without_routes_have_none() -> None:
    scenario = read_scenario(TINY)
    assert (scenario.hubs, scenario.routes) == ((), ())
    assert {i.tonnes_per_unit for i in scenario.items} == {0.0}


def test_tonnes_per_unit_is_read_only_where_routes_exist(delivery: Path) -> None:
    (delivery / "routes.csv").unlink()
    (delivery / "hubs.csv").unlink()
    edit(delivery, "items.csv", "0.047", "heavy")  # not read: no complaint either
    assert {i.tonnes_per_unit for i in read_scenario(delivery).items} == {0.0}


def test_an_empty_tonnes_per_unit_is_zero(delivery: Path) -> None:
    edit(delivery, "items.csv", ",57.5", ",")
    assert read_scenario(delivery).item("PZH").tonnes_per_unit == 0.0


def test_a_scenario_with_routes_writes_back_byte_for_byte(tmp_path: Path) -> None:
    write_scenario(read_scenario(DELIVERY), tmp_path / "out")
    for path in sorted(DELIVERY.iterdir()):
        assert (tmp_path / "out" / path.name).read_bytes() == path.read_bytes(), path.name
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        p.name for p in DELIVERY.iterdir())


def test_a_scenario_without_routes_writes_no_delivery_files_or_column(tmp_path: Path) -> None:
    write_scenario(read_scenario(TINY), tmp_path / "out")
    assert not (tmp_path / "out" / "hubs.csv").exists()
    assert not (tmp_path / "out" / "routes.csv").exists()
    header = (tmp_path / "out" / "items.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "code,name,family,kind,unit_cost,integer"


def test_every_bad_cell_is_reported_at_once(delivery: Path) -> None:
    (delivery / "hubs.csv").write_text(
        "code,name,nation,capacity_tonnes\n"
        "RZE,Rzeszow airport,ZZZ,-5\n"
        "RZE,Again,BBB,\n", encoding="utf-8")
    (delivery / "routes.csv").write_text(
        "code,origin,hub,recipient,mode,lead_months,capacity_tonnes\n"
        "A-RAIL,RCP,NOPE,AAA,ship,1.5,x\n"
        "A-RAIL,AAA,,RCP,rail,2,\n"
        "B-ROAD,BBB,RZE,RCP,road,-1,\n", encoding="utf-8")
    edit(delivery, "items.csv", ",57.5", ",-1")
    where = {(file, line, column) for file, line, column, _ in problems(delivery)}
    assert where == {
        ("hubs.csv", 2, "nation"), ("hubs.csv", 2, "capacity_tonnes"), ("hubs.csv", 3, "code"),
        ("routes.csv", 2, "origin"), ("routes.csv", 2, "hub"), ("routes.csv", 2, "recipient"),
        ("routes.csv", 2, "mode"), ("routes.csv", 2, "lead_months"),
        ("routes.csv", 2, "capacity_tonnes"), ("routes.csv", 3, "code"),
        ("routes.csv", 4, "lead_months"), ("items.csv", 2, "tonnes_per_unit"),
    }


@pytest.mark.parametrize(("file", "old", "new", "where", "words"), [
    ("hubs.csv", "RZE,Rzeszow airport,BBB", "RZE,Rzeszow airport,XX",
     ("hubs.csv", 2, "nation"), "unknown nation 'XX'"),
    ("routes.csv", "AAA,LVV,RCP", "AAA,KYIV,RCP", ("routes.csv", 2, "hub"),
     "unknown hub 'KYIV'; expected a code of hubs.csv"),
    ("routes.csv", "A-AIR,AAA", "A-AIR,RCP", ("routes.csv", 3, "origin"),
     "'RCP' is a recipient; expected a member"),
    ("routes.csv", "RZE,RCP", "RZE,BBB", ("routes.csv", 3, "recipient"),
     "'BBB' is a member; expected a recipient"),
    ("routes.csv", ",air,", ",ship,", ("routes.csv", 3, "mode"), "one of rail, road, air, sea"),
    ("routes.csv", ",air,0,", ",air,2.5,", ("routes.csv", 3, "lead_months"),
     "a non-negative whole number"),
    ("routes.csv", ",rail,2,5000", ",rail,2,-1", ("routes.csv", 2, "capacity_tonnes"),
     "a non-negative number"),
    ("routes.csv", "B-ROAD,", "A-AIR,", ("routes.csv", 4, "code"), "duplicate code 'A-AIR'"),
    ("hubs.csv", "LVV,Border rail head,RCP,", "LVV,Border rail head,RCP,\nRZE,Again,BBB,",
     ("hubs.csv", 4, "code"), "duplicate code 'RZE'"),
    ("items.csv", ",57.5", ",lots", ("items.csv", 2, "tonnes_per_unit"),
     "a non-negative number"),
    ("pledges.csv", "P1,AAA,RCP,PZH,2,2025-03,committed",
     "P1,BBB,RCP,CAES,2,2025-03,committed", None, None),
])
def test_each_bad_delivery_cell_is_named(
    delivery: Path, file: str, old: str, new: str,
    where: tuple[str, int, str] | None, words: str | None,
) -> None:
    edit(delivery, file, old, new)
    if where is None:  # BBB has a route to RCP: still valid
        read_scenario(delivery)
        return
    [(found_file, line, column, message)] = problems(delivery)
    assert (found_file, line, column) == where
    assert words in message


def test_a_committed_pledge_needs_a_route_from_its_donor(delivery: Path) -> None:
    edit(delivery, "routes.csv", "A-RAIL,AAA", "A-RAIL,BBB")
    edit(delivery, "routes.csv", "A-AIR,AAA", "A-AIR,BBB")
    [problem] = problems(delivery)
    assert problem[:3] == ("pledges.csv", 2, "donor")
    assert "no route from 'AAA' to 'RCP' in routes.csv" in problem[3]


def test_an_announced_pledge_needs_no_route(delivery: Path) -> None:
    edit(delivery, "routes.csv", "B-ROAD,BBB", "B-ROAD,AAA")  # P2 (BBB, announced) unrouted
    read_scenario(delivery)


def test_hubs_without_routes_are_invalid(delivery: Path) -> None:
    (delivery / "routes.csv").unlink()
    [problem] = problems(delivery)
    assert problem[:3] == ("hubs.csv", None, None)
    assert "hubs.csv without routes.csv" in problem[3]


def test_routes_without_rows_are_invalid(delivery: Path) -> None:
    (delivery / "routes.csv").write_text(
        "code,origin,hub,recipient,mode,lead_months,capacity_tonnes\n", encoding="utf-8")
    found = problems(delivery)
    assert ("routes.csv", None, None) in [p[:3] for p in found]
    assert any("no routes" in p[3] for p in found)


def test_validate_exits_2_naming_the_problem(delivery: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    edit(delivery, "routes.csv", ",air,", ",boat,")
    assert run(["validate", str(delivery)]) == 2
    err = capsys.readouterr().err
    assert "routes.csv:3 column 'mode'" in err
    assert "Traceback" not in err


def test_unknown_csv_files_are_named_with_the_closest_scenario_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    shutil.copy(folder / "pledges.csv", folder / "pledge.csv")
    (folder / "budget-notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    for other in ("README.md", "build.py", "uncertainty.toml"):
        (folder / other).write_text("x\n", encoding="utf-8")
    assert run(["validate", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "pledge.csv is not a scenario file; did you mean pledges.csv?" in err
    assert "budget-notes.csv is not a scenario file; it is ignored" in err
    assert err.count("is not a scenario file") == 2


def test_unknown_file_notes_leave_known_and_companion_files_alone(tmp_path: Path) -> None:
    folder = tmp_path / "oryx"
    shutil.copytree(TINY, folder)
    for name in ("import-report.csv", "import-corrections.csv", "notes.txt"):
        (folder / name).write_text("x\n", encoding="utf-8")
    assert unknown_file_notes(folder) == []
    (folder / "hub.csv").write_text("x\n", encoding="utf-8")
    assert unknown_file_notes(folder) == ["hub.csv is not a scenario file; did you mean hubs.csv?"]


def test_unknown_files_are_named_once_per_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    (folder / "Stock.csv").write_text("x\n", encoding="utf-8")
    assert run(["scenario", "to-xlsx", str(folder), str(tmp_path / "book.xlsx")]) == 0
    err = capsys.readouterr().err
    assert err.count("Stock.csv is not a scenario file; did you mean stocks.csv?") == 1


def test_a_scenario_with_routes_survives_the_workbook(tmp_path: Path) -> None:
    from replenish.scenario.xlsx import scenario_to_xlsx, xlsx_to_scenario

    scenario_to_xlsx(DELIVERY, tmp_path / "book.xlsx")
    xlsx_to_scenario(tmp_path / "book.xlsx", tmp_path / "back")
    for path in sorted(DELIVERY.iterdir()):
        assert (tmp_path / "back" / path.name).read_bytes() == path.read_bytes(), path.name
    assert read_scenario(tmp_path / "back") == read_scenario(DELIVERY)


def test_validate_counts_hubs_and_routes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", str(DELIVERY)]) == 0
    assert "2 hubs, 3 routes" in capsys.readouterr().out
    assert run(["validate", str(TINY)]) == 0
    assert "route" not in capsys.readouterr().out
