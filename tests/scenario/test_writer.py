"""The canonical writer: exact bytes, number formatting, optional files, round trip."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replenish.model.records import (
    Item,
    Nation,
    PriceBreak,
    Requirement,
    Scenario,
    Settings,
    Stock,
)
from replenish.scenario.schema import TABLES
from replenish.scenario.writer import RECORDS, format_number, write_scenario


def small_scenario(weights: dict[str, float] | None = None) -> Scenario:
    """Two members, a recipient, two items, stocks and one requirement; nothing else."""
    return Scenario(
        settings=Settings(name="small", start="2027-01", horizon_months=12,
                          weights=weights or {}),
        nations=(Nation("AA", "Alpha, the first", "member", 1.5e6),
                 Nation("BB", "Beta", "member", None),
                 Nation("R1", "Recipient", "recipient")),
        items=(Item("H1", "Howitzer", "howitzer_155", "platform", 950000.0, True),
               Item("S1", 'Shell "HE"', "ammunition_155", "munition", 3200.5, False)),
        stocks=(Stock("AA", "H1", 4.0, 2.0, 6.0), Stock("BB", "S1", 0.25, 1e-05, 12.0)),
        requirements=(Requirement("Q1", "R1", None, "howitzer_155", 3.0, 11, 1),
                      Requirement("Q2", "R1", "S1", None, 100.0, 0, 5)),
    )


@pytest.mark.parametrize(("value", "text"), [
    (12, "12"),
    (12.0, "12"),
    (0.0, "0"),
    (-0.0, "0"),
    (0.5, "0.5"),
    (0.1 + 0.2, "0.30000000000000004"),
    (1e-05, "0.00001"),
    (2.5e-07, "0.00000025"),
    (1e16, "10000000000000000"),
    (1234567.25, "1234567.25"),
    (-3.5, "-3.5"),
])
def test_format_number_is_canonical(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_format_number_refuses_non_finite(value: float) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        format_number(value)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_format_number_round_trips_without_exponent(value: float) -> None:
    text = format_number(value)
    assert float(text) == value
    assert "e" not in text.lower()


def test_writer_covers_every_table() -> None:
    assert set(RECORDS) == {t.file for t in TABLES}


def test_files_are_canonical(tmp_path: Path) -> None:
    write_scenario(small_scenario(), tmp_path)
    assert (tmp_path / "scenario.toml").read_text() == (
        'name = "small"\nstart = "2027-01"\nhorizon_months = 12\n'
        'procurement = "joint"\ndelivery_lead_months = 1\nreadiness = "above_aid"\n'
    )
    assert (tmp_path / "nations.csv").read_bytes() == (
        b'code,name,role,annual_budget\nAA,"Alpha, the first",member,1500000\n'
        b"BB,Beta,member,\nR1,Recipient,recipient,\n"
    )
    assert (tmp_path / "items.csv").read_bytes() == (
        b"code,name,family,kind,unit_cost,integer\n"
        b"H1,Howitzer,howitzer_155,platform,950000,true\n"
        b'S1,"Shell ""HE""",ammunition_155,munition,3200.5,false\n'
    )
    assert (tmp_path / "stocks.csv").read_bytes() == (
        b"nation,item,on_hand,floor,target\nAA,H1,4,2,6\nBB,S1,0.25,0.00001,12\n"
    )
    assert (tmp_path / "requirements.csv").read_bytes() == (
        b"id,recipient,item,family,quantity,needed_by,priority\n"
        b"Q1,R1,,howitzer_155,3,2027-12,1\nQ2,R1,S1,,100,2027-01,5\n"
    )


def test_optional_files_without_rows_are_not_written(tmp_path: Path) -> None:
    (tmp_path / "pledges.csv").write_text("id,donor,recipient,item,quantity,month,status\n")
    (tmp_path / "notes.txt").write_text("kept")
    write_scenario(small_scenario(), tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["items.csv", "nations.csv", "notes.txt", "requirements.csv",
                       "scenario.toml", "stocks.csv"]


def test_required_files_are_written_even_when_empty(tmp_path: Path) -> None:
    empty = Scenario(settings=Settings("empty", "2027-01", 1), nations=(), items=(), stocks=())
    write_scenario(empty, tmp_path / "new" / "folder")
    assert (tmp_path / "new" / "folder" / "stocks.csv").read_text() == (
        "nation,item,on_hand,floor,target\n"
    )
    assert len(list((tmp_path / "new" / "folder").iterdir())) == 4


def test_weights_are_a_sorted_table_of_floats(tmp_path: Path) -> None:
    write_scenario(small_scenario({"unmet": 500, "cost": 1e-4}), tmp_path)
    text = (tmp_path / "scenario.toml").read_text()
    assert text.endswith('readiness = "above_aid"\n\n[weights]\ncost = 0.0001\nunmet = 500.0\n')


def test_price_breaks_are_written_when_present(tmp_path: Path) -> None:
    scenario = small_scenario()
    scenario = Scenario(settings=scenario.settings, nations=scenario.nations,
                        items=scenario.items, stocks=scenario.stocks,
                        price_breaks=(PriceBreak("P1", "S1", 1000.0, 3000.0),))
    write_scenario(scenario, tmp_path)
    assert (tmp_path / "price_breaks.csv").read_text() == (
        "producer,item,min_quantity,unit_price\nP1,S1,1000,3000\n"
    )


def test_round_trip_through_the_reader(tmp_path: Path) -> None:
    from replenish.scenario.reader import read_scenario

    original = small_scenario({"unmet": 500.0})
    write_scenario(original, tmp_path / "a")
    again = read_scenario(tmp_path / "a")
    assert again == original
    write_scenario(again, tmp_path / "b")
    for path in sorted((tmp_path / "a").iterdir()):
        assert (tmp_path / "b" / path.name).read_bytes() == path.read_bytes(), path.name
