"""Reading valid scenarios: records, defaults, lenient layout, raw tables and `validate`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from replenish.cli import run
from replenish.errors import ScenarioError
from replenish.model.records import (
    Item,
    Nation,
    Pledge,
    ProductionLine,
    Requirement,
    Settings,
    Stock,
)
from replenish.scenario import (
    read_raw_records,
    read_raw_tables,
    read_scenario,
    read_settings_dict,
    write_raw_table,
)
from replenish.scenario.schema import TABLES
from replenish.scenario.validate import EXPECTED

TINY = Path(__file__).parents[1] / "scenarios" / "tiny"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A writable copy of the tiny scenario."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


def test_tiny_reads_every_table() -> None:
    scenario = read_scenario(TINY)
    assert scenario.settings == Settings("tiny", "2025-01", 12, "joint", 1, "above_aid",
                                         {"floor": 1000.0, "unmet": 400.0})
    assert scenario.nations[0] == Nation("AAA", "Aland", "member", 50_000_000.0)
    assert [n.code for n in scenario.members] == ["AAA", "BBB"]
    assert [n.code for n in scenario.recipients] == ["RCP"]
    assert scenario.items[2] == Item("HE155", "155mm HE shell, L15", "ammo155", "munition",
                                     3500.0, True)
    assert scenario.requirements == (
        Requirement("R1", "RCP", None, "sph155", 6.0, 5, 1),
        Requirement("R2", "RCP", "HE155", None, 20000.0, 8, 2))
    assert scenario.pledges[0] == Pledge("P1", "AAA", "RCP", "PZH", 2.0, 2, "committed")
    assert scenario.pledges[1].status == "announced"
    assert scenario.lines[0] == ProductionLine("KNDS", "AAA", "PZH", 1.0, 18e6, 6, 1.0, 1.0, 9,
                                               5e7, 24)
    counts = {name: len(getattr(scenario, name)) for name in
              ("compatibility", "stocks", "price_breaks", "fielded", "consumption", "training")}
    assert counts == {"compatibility": 3, "stocks": 5, "price_breaks": 1, "fielded": 1,
                      "consumption": 2, "training": 2}
    assert scenario.family_items("sph155") == ["PZH", "CAES"]


def test_empty_cells_take_their_defaults() -> None:
    scenario = read_scenario(TINY)
    items = scenario.item_map
    assert items["PZH"].integer is True        # empty, platform
    assert items["ER155"].integer is False     # empty, munition
    assert items["HE155"].integer is True      # given
    assert scenario.nations[1].annual_budget is None
    assert scenario.stocks[2] == Stock("BBB", "CAES", 10.0, 8.0, 8.0)  # target = floor
    assert scenario.lines[1].commitment_months == 12


def test_missing_optional_files_mean_none(tiny: Path) -> None:
    for table in TABLES:
        if not table.required:
            (tiny / table.file).unlink(missing_ok=True)
    scenario = read_scenario(tiny)
    assert (scenario.requirements, scenario.pledges, scenario.lines, scenario.training) \
        == ((), (), (), ())
    assert len(scenario.stocks) == 5


def test_missing_optional_columns_take_defaults(tiny: Path) -> None:
    (tiny / "production_lines.csv").write_text(
        "producer,nation,item,capacity,unit_price,lead_time\nRHM,BBB,HE155,100,4000,2\n",
        encoding="utf-8")
    (tiny / "price_breaks.csv").unlink()
    line = read_scenario(tiny).lines[0]
    assert line == ProductionLine("RHM", "BBB", "HE155", 100.0, 4000.0, 2, 0.0, 0.0, 0, 0.0, 12)


def test_bom_whitespace_blank_lines_and_extra_columns_are_accepted(tiny: Path) -> None:
    (tiny / "nations.csv").write_bytes(
        "\ufeffcode, name ,role,annual_budget,notes\r\n"
        "\r\n"
        " AAA , Aland ,member, 50000000 ,founding member\r\n"
        "BBB,Borland,member,,\r\n"
        ",,,,\r\n"
        "RCP,Recipia, recipient,,\r\n".encode())
    assert read_scenario(tiny) == read_scenario(TINY)


def test_bool_and_number_spellings(tiny: Path) -> None:
    text = (tiny / "items.csv").read_text(encoding="utf-8")
    text = text.replace("5000000,true", "5e6,YES").replace("3500,true", "3500.0,1")
    (tiny / "items.csv").write_text(text, encoding="utf-8")
    assert read_scenario(tiny).items == read_scenario(TINY).items


def test_multiline_cell_keeps_physical_line_numbers(tiny: Path) -> None:
    (tiny / "nations.csv").write_text(
        'code,name,role,annual_budget\nAAA,"Aland\nand isles",member,\n'
        "BBB,Borland,member,\nRCP,Recipia,ally,\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        read_scenario(tiny)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("nations.csv", 5, "role")
    assert "member, recipient" in problem.message


def test_problems_are_collected_across_files(tiny: Path) -> None:
    (tiny / "scenario.toml").write_text('name = "x"\nstart = "2025-01"\n', encoding="utf-8")
    (tiny / "fielded.csv").write_text("recipient,platform,quantity\nRCP,PZH,-1\n",
                                      encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        read_scenario(tiny)
    where = [(p.file, p.line, p.column) for p in caught.value.problems]
    assert where == [("fielded.csv", 2, "quantity"),
                     ("scenario.toml", None, "horizon_months")]


def test_raw_tables_keep_cells_as_written(tiny: Path) -> None:
    (tiny / "fielded.csv").write_text('recipient,platform,quantity\n RCP ,"PZH",4\n\n',
                                      encoding="utf-8")
    raw = read_raw_tables(tiny)
    assert raw["fielded.csv"] == [["recipient", "platform", "quantity"], [" RCP ", "PZH", "4"]]
    assert set(raw) == {t.file for t in TABLES if (TINY / t.file).exists()}
    assert read_raw_records(tiny)["requirements.csv"][2] == (
        3, ["R2", "RCP", "HE155", "", "20000", "2025-09", "2"])


def test_raw_tables_refuse_undecodable_files(tiny: Path) -> None:
    (tiny / "training.csv").write_bytes(b"platform\n\xc3\x28\n")
    with pytest.raises(ScenarioError) as caught:
        read_raw_tables(tiny)
    assert [(p.file, p.line) for p in caught.value.problems] == [("training.csv", 2)]


def test_settings_dict_is_the_parsed_toml() -> None:
    assert read_settings_dict(TINY)["weights"] == {"floor": 1000.0, "unmet": 400.0}


def test_canonical_csv_reads_back_byte_for_byte(tmp_path: Path) -> None:
    for table in TABLES:
        if not (TINY / table.file).exists():
            continue
        original = (TINY / table.file).read_bytes()
        write_raw_table(tmp_path / table.file, read_raw_tables(TINY)[table.file])
        assert (tmp_path / table.file).read_bytes() == original


def test_every_schema_type_has_a_converter() -> None:
    types = {column.type for table in TABLES for column in table.columns}
    assert types <= set(EXPECTED) | {"enum"}


def test_validate_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", str(TINY)]) == 0
    out = capsys.readouterr().out
    assert "tiny" in out
    assert "12 months, 2025-01 to 2025-12" in out
    assert "2 members, 1 recipient" in out

