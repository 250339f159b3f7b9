"""`generate --hubs N`: hubs, rail, road and air routes from every member to each recipient and
items' tonnes per unit, drawn from a stream of their own so that without hubs nothing changes."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from replenish.cli import run
from replenish.model.records import Scenario
from replenish.scenario import read_scenario
from replenish.scenario.generator import generate_scenario
from replenish.scenario.writer import write_scenario

#: sha256 of the files (name, bytes, in name order) of `generate --nations 6 --items 40
#: --months 24 --seed 7 --recipients 2` as written before hubs existed.
BEFORE_HUBS = "99e114b7d34eb66a058b6a890e4ae341473ee45db35a64c0b89d15931883ff8b"


def folder_digest(path: Path) -> str:
    """sha256 over the folder's file names and bytes, in name order."""
    digest = hashlib.sha256()
    for file in sorted(path.iterdir()):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def hubbed() -> Scenario:
    return generate_scenario(5, 40, 18, 3, recipients=2, hubs=3)


def test_without_hubs_the_files_are_as_before(tmp_path: Path) -> None:
    write_scenario(generate_scenario(6, 40, 24, 7, recipients=2), tmp_path / "s")
    assert folder_digest(tmp_path / "s") == BEFORE_HUBS


def test_hubs_change_nothing_but_hubs_routes_and_weights(hubbed: Scenario) -> None:
    plain = generate_scenario(5, 40, 18, 3, recipients=2)
    items = tuple(replace(i, tonnes_per_unit=0.0) for i in hubbed.items)
    assert replace(hubbed, items=items, hubs=(), routes=()) == plain
    assert len(hubbed.hubs) == 3


def test_every_member_has_rail_road_and_air_to_each_recipient(hubbed: Scenario) -> None:
    hubs = {h.code for h in hubbed.hubs}
    found = {(r.origin, r.recipient, r.mode) for r in hubbed.routes}
    assert found == {(m.code, n.code, mode) for m in hubbed.members for n in hubbed.recipients
                     for mode in ("rail", "road", "air")}
    assert all(r.hub is None or r.hub in hubs for r in hubbed.routes)
    assert any(r.hub is None for r in hubbed.routes)  # some go direct
    by_mode = {mode: [r for r in hubbed.routes if r.mode == mode] for mode in ("air", "rail")}
    assert max(r.capacity_tonnes or 0 for r in by_mode["air"]) < min(
        r.capacity_tonnes or 0 for r in by_mode["rail"])
    assert max(r.lead_months for r in by_mode["air"]) < min(
        r.lead_months for r in by_mode["rail"])


def test_items_weigh_what_they_are(hubbed: Scenario) -> None:
    tonnes: dict[str, list[float]] = {}
    for item in hubbed.items:
        tonnes.setdefault(item.family, []).append(item.tonnes_per_unit)
    assert all(0.04 <= t <= 0.07 for t in tonnes["ammunition_155"])
    assert all(5 <= t <= 55 for t in tonnes["howitzer_155"])
    assert all(20 <= t <= 40 for t in tonnes["air_defence_launcher"])
    assert all(t > 0 for ts in tonnes.values() for t in ts)


def test_a_generated_scenario_with_hubs_reads_back(tmp_path: Path, hubbed: Scenario) -> None:
    write_scenario(hubbed, tmp_path / "a")
    assert read_scenario(tmp_path / "a") == hubbed
    write_scenario(read_scenario(tmp_path / "a"), tmp_path / "b")
    assert folder_digest(tmp_path / "a") == folder_digest(tmp_path / "b")


def test_generate_command_writes_hubs(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["generate", "--nations", "3", "--items", "12", "--months", "6", "--hubs", "2"]
    assert run([*argv, str(tmp_path / "a")]) == 0
    assert "2 hubs, 9 routes" in capsys.readouterr().out
    assert {"hubs.csv", "routes.csv"} <= {p.name for p in (tmp_path / "a").iterdir()}
    assert run([*argv, str(tmp_path / "b")]) == 0
    assert folder_digest(tmp_path / "a") == folder_digest(tmp_path / "b")
    assert run(["generate", "--hubs", "-1", str(tmp_path / "c")]) == 2
