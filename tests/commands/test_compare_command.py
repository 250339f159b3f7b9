"""`replenish compare`'s table names budget years as the compare page does: a calendar year
'2027', a part-year by its months 'Jan 2028 – Feb 2028', never '2028-01..2028-02'."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from replenish import cli
from replenish.commands.joint import compare_table
from replenish.reports.compare import plan_both
from replenish.scenario.reader import read_scenario

SCENARIOS = Path(__file__).parents[1] / "scenarios"


@pytest.fixture(scope="module")
def fourteen_months(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """joint_budget over 14 months from January: a calendar year, then two months."""
    folder = tmp_path_factory.mktemp("compare") / "joint_budget"
    shutil.copytree(SCENARIOS / "joint_budget", folder)
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text().replace("horizon_months = 8", "horizon_months = 14"))
    return folder


def _printed(table: object) -> str:
    """The table as a terminal 200 columns wide shows it (no cell folded)."""
    text = io.StringIO()
    Console(width=200, file=text).print(table)
    return text.getvalue()


def test_years_are_named_as_the_compare_page_names_them(fourteen_months: Path) -> None:
    result, _plans = plan_both(read_scenario(fourteen_months))
    assert result.years == ["2027", "2028-01..2028-02"]
    printed = _printed(compare_table(result))
    for member in ("AA", "BB", "CC"):
        assert f"{member} pays in 2027 (budget" in printed
        assert f"{member} pays in Jan 2028 – Feb 2028 (budget" in printed
    assert ".." not in printed


def test_the_command_prints_the_table(fourteen_months: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["compare", str(fourteen_months), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "pays in 2027" in printed
    assert "2028-01..2028-02" not in printed
