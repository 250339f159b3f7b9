"""`announcements review`: list with evidence, edit, reject, accept into a scenario, which is
only ever appended to, with validated rows; nothing is accepted without review."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from replenish.cli import run
from replenish.scenario.reader import read_scenario

TEXTS = Path(__file__).parent / "texts"
SCENARIO = Path(__file__).parents[2] / "examples" / "coalition"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Proposals of the Danish Castamar story and the English needs story."""
    folder = tmp_path / "out"
    assert run(["announcements", "read", str(TEXTS / "da_wire_castamar.txt"),
                str(TEXTS / "en_wire_needs.txt"), "--scenario", str(SCENARIO),
                "--out", str(folder)]) == 0
    return folder


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SCENARIO, tmp_path / "scenario"))


def decisions(out: Path) -> dict[str, str]:
    with (out / "review.csv").open(encoding="utf-8", newline="") as handle:
        return {row["proposal"]: row["decision"] for row in csv.DictReader(handle)}


def review(out: Path, *args: str) -> int:
    return run(["announcements", "review", str(out), *args])


def test_listing_shows_each_proposal_with_its_marked_evidence(
        out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert review(out) == 0
    shown = capsys.readouterr().out
    assert "ANN-P002 (pledges, pending): donor=CSM, recipient=PTR, item=ART155-H02, " \
           "quantity=3, month=2027-06" in shown
    assert "[tre]/quantity [Marten selvkørende haubitsere]/item" in shown
    assert "ANN-R003 (requirements, pending)" in shown
    assert set(decisions(out).values()) == {"pending"}


def test_accept_appends_validated_rows_and_nothing_else(out: Path, scenario: Path) -> None:
    before = (scenario / "pledges.csv").read_text(encoding="utf-8")
    requirements = (scenario / "requirements.csv").read_text(encoding="utf-8")
    assert review(out, "--scenario", str(scenario), "--accept", "ANN-P002",
                  "--accept", "ANN-R003") == 0
    assert (scenario / "pledges.csv").read_text(encoding="utf-8") == (
        before + "ANN-P002,CSM,PTR,ART155-H02,3,2027-06,announced\n")
    assert (scenario / "requirements.csv").read_text(encoding="utf-8") == (
        requirements + "ANN-R003,PTR,,apc,40,2027-09,3\n")
    loaded = read_scenario(scenario)
    assert any(p.id == "ANN-P002" and p.status == "announced" for p in loaded.pledges)
    assert decisions(out)["ANN-P002"] == "accepted"
    assert decisions(out)["ANN-P001"] == "pending"


def test_an_unstated_quantity_or_a_family_must_be_set_before_accepting(
        out: Path, scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (scenario / "pledges.csv").read_bytes()
    assert review(out, "--scenario", str(scenario), "--accept", "ANN-P001") == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "ANN-P001 item" in err and "air_defence_interceptor: choose an item" in err
    assert "ANN-P001 quantity" in err
    assert (scenario / "pledges.csv").read_bytes() == before
    assert review(out, "--set", "ANN-P001 item=AD-M01", "--set", "ANN-P001:quantity=12") == 0
    assert decisions(out)["ANN-P001"] == "edited"
    assert review(out, "--scenario", str(scenario), "--accept", "ANN-P001") == 0
    assert (scenario / "pledges.csv").read_text().endswith(
        "ANN-P001,CSM,PTR,AD-M01,12,2027-03,announced\n")


def test_a_row_the_scenario_refuses_changes_nothing(
        out: Path, scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert review(out, "--set", "ANN-P002 month=2031-01") == 0
    before = (scenario / "pledges.csv").read_bytes()
    assert review(out, "--scenario", str(scenario), "--accept", "ANN-P002") == 2
    err = capsys.readouterr().err
    assert "pledges.csv" in err and "Traceback" not in err
    assert (scenario / "pledges.csv").read_bytes() == before
    assert decisions(out)["ANN-P002"] == "edited"


def test_reject_is_final_and_orders_are_not_pledges(
        out: Path, scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert review(out, "--reject", "ANN-P003") == 0
    assert decisions(out)["ANN-P003"] == "rejected"
    assert review(out, "--scenario", str(scenario), "--accept", "ANN-P003") == 2
    assert "already rejected" in capsys.readouterr().err
    orders = tmp_path / "orders"
    assert run(["announcements", "read", str(TEXTS / "da_wire_elvaria.txt"), "--scenario",
                str(SCENARIO), "--out", str(orders)]) == 0
    assert review(orders, "--scenario", str(scenario), "--accept", "ANN-O001") == 2
    assert "demand signal" in " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize("args, message", [
    (("--accept", "ANN-P002"), "expected --scenario"),
    (("--reject", "NOPE"), "no proposal 'NOPE'"),
    (("--set", "ANN-P002 colour=red"), "expected FIELD=VALUE"),
    (("--set", "ANN-P002 quantity=-3"), "not a non-negative number"),
    (("--set", "ANN-P002"), "expected 'ID field=value'"),
])
def test_bad_review_flags_are_refused(out: Path, args: tuple[str, ...], message: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = (out / "pledges.csv").read_bytes()
    assert review(out, *args) == 2
    assert message in " ".join(capsys.readouterr().err.split())
    assert (out / "pledges.csv").read_bytes() == before


def test_a_folder_that_holds_no_proposals_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert review(tmp_path) == 2
    assert "pledges.csv" in capsys.readouterr().err
