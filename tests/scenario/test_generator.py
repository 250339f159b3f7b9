"""The synthetic generator, the `generate` command and the bundled demo scenario."""

from __future__ import annotations

import re
import runpy
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from replenish import cli
from replenish.commands import generate as generate_command
from replenish.model.records import Scenario
from replenish.scenario.generator import FAMILIES, generate_scenario, split_items
from replenish.scenario.writer import write_scenario

DEMO = Path(__file__).resolve().parents[2] / "examples" / "coalition"
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
GROUP = {f.family: f.group for f in FAMILIES}


def folder_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return generate_scenario(nations=6, items=120, months=36, seed=7, recipients=2)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        write_scenario(generate_scenario(5, 60, 24, seed), tmp_path / name)
    a, b, c = (folder_bytes(tmp_path / name) for name in "abc")
    assert a == b
    assert a["stocks.csv"] != c["stocks.csv"]
    assert a["production_lines.csv"] != c["production_lines.csv"]


def test_items_are_split_among_families_in_proportion() -> None:
    counts = split_items(2000)
    assert counts.sum() == 2000
    assert counts.tolist() == [round(f.share * 2000) for f in FAMILIES]
    assert split_items(8).tolist() == [1] * 8
    assert split_items(9).sum() == 9


def test_too_few_items_is_refused() -> None:
    with pytest.raises(ValueError, match="8 items"):
        generate_scenario(3, 7, 12, 1)


def test_codes_and_roles(scenario: Scenario) -> None:
    codes = [n.code for n in scenario.nations] + [i.code for i in scenario.items]
    codes += [line.producer for line in scenario.lines] + [r.id for r in scenario.requirements]
    assert all(CODE.match(c) for c in codes)
    assert [n.code for n in scenario.recipients] == ["R1", "R2"]
    assert len(scenario.members) == 6
    assert any(n.annual_budget is None for n in scenario.members) or all(
        n.annual_budget for n in scenario.members)
    assert scenario.settings.start == "2027-01"


def test_items_are_mostly_integer_and_priced_by_kind(scenario: Scenario) -> None:
    items = scenario.items
    assert sum(i.integer for i in items) > 0.75 * len(items)
    assert all(i.integer for i in items if i.kind == "platform")
    assert all(1e5 <= i.unit_cost <= 1e7 for i in items if i.kind == "platform")
    assert all(1e2 <= i.unit_cost <= 1e6 for i in items if i.kind == "munition")


def test_stocks_are_sparse_and_depleted(scenario: Scenario) -> None:
    stocks = scenario.stocks
    pairs = len(scenario.members) * len(scenario.items)
    assert 0.25 * pairs <= len(stocks) <= 0.65 * pairs
    assert all(0 <= s.floor <= s.target for s in stocks)
    assert any(s.on_hand < s.floor for s in stocks)
    assert sum(s.on_hand < s.target for s in stocks) > 0.6 * len(stocks)
    assert {s.item for s in stocks} == {i.code for i in scenario.items}


def test_compatibility_stays_within_groups(scenario: Scenario) -> None:
    items = scenario.item_map
    fits: dict[str, list[str]] = defaultdict(list)
    for link in scenario.compatibility:
        munition, platform = items[link.munition], items[link.platform]
        assert (munition.kind, platform.kind) == ("munition", "platform")
        assert GROUP[munition.family] == GROUP[platform.family]
        fits[link.munition].append(link.platform)
    munitions = [i for i in scenario.items if i.kind == "munition"]
    assert all(1 <= len(fits[m.code]) <= 3 for m in munitions)
    armed = {GROUP[m.family] for m in munitions}
    served = {link.platform for link in scenario.compatibility}
    for platform in scenario.items:
        if platform.kind == "platform" and GROUP[platform.family] in armed:
            assert platform.code in served


def test_lines_are_sound(scenario: Scenario) -> None:
    members = {n.code for n in scenario.members}
    per_item = Counter(line.item for line in scenario.lines)
    assert set(per_item) == {i.code for i in scenario.items}
    assert set(per_item.values()) <= {1, 2, 3}
    for line in scenario.lines:
        assert line.nation in members
        assert re.match(r"^PRD\d{3,}$", line.producer)
        assert 1 <= line.lead_time <= 6 and line.capacity >= 1
        assert 0 <= line.min_expansion <= line.max_expansion
        assert 0.9 <= line.unit_price / scenario.item(line.item).unit_cost <= 1.2


def test_requirements_cover_every_priority(scenario: Scenario) -> None:
    families = {i.family for i in scenario.items}
    for recipient in ("R1", "R2"):
        mine = [r for r in scenario.requirements if r.recipient == recipient]
        assert {r.priority for r in mine} == {1, 2, 3, 4, 5}
        assert any(r.family for r in mine) and any(r.item for r in mine)
    for r in scenario.requirements:
        assert (r.item is None) != (r.family is None)
        assert r.family is None or r.family in families
        assert 0 <= r.needed_by < scenario.horizon and r.quantity >= 1


def test_committed_pledges_are_covered_by_the_donor(scenario: Scenario) -> None:
    stock = {(s.nation, s.item): s for s in scenario.stocks}
    promised: dict[tuple[str, str], float] = defaultdict(float)
    for pledge in scenario.pledges:
        assert (pledge.donor, pledge.item) in stock
        assert 0 <= pledge.month < scenario.horizon
        if pledge.status == "committed":
            promised[pledge.donor, pledge.item] += pledge.quantity
    assert promised
    assert {p.status for p in scenario.pledges} == {"committed", "announced"}
    for key, quantity in promised.items():
        assert quantity <= stock[key].on_hand - stock[key].floor


def test_sustainment_uses_compatible_munitions(scenario: Scenario) -> None:
    links = {(c.munition, c.platform) for c in scenario.compatibility}
    fielded = {(f.recipient, f.platform) for f in scenario.fielded}
    assert scenario.consumption
    for use in scenario.consumption:
        assert (use.munition, use.platform) in links
        assert (use.recipient, use.platform) in fielded
        assert use.per_platform_month >= 1 and 1 <= use.priority <= 5
    platforms = {i.code for i in scenario.items if i.kind == "platform"}
    assert {t.platform for t in scenario.training} == platforms


def test_large_scenario_is_generated() -> None:
    big = generate_scenario(nations=32, items=2000, months=60, seed=1)
    assert len(big.items) == 2000 and len(big.members) == 32
    assert 0.3 * 32 * 2000 < len(big.stocks) < 0.6 * 32 * 2000


def test_generated_scenario_reads_back(tmp_path: Path, scenario: Scenario) -> None:
    from replenish.scenario.reader import read_scenario

    write_scenario(scenario, tmp_path / "a")
    again = read_scenario(tmp_path / "a")
    assert again == scenario
    write_scenario(again, tmp_path / "b")
    assert folder_bytes(tmp_path / "b") == folder_bytes(tmp_path / "a")


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[list[str]], int]]:
    """cli.run with `generate` on the main app (added here until cli.py registers it)."""
    if "generate" not in {c.name for c in cli.app.registered_commands}:
        monkeypatch.setattr(cli.app, "registered_commands", list(cli.app.registered_commands))
        generate_command.register(cli.app)
    yield cli.run


def test_generate_command_writes_the_same_files_for_a_seed(
    tmp_path: Path, run: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["generate", "--nations", "4", "--items", "30", "--months", "18", "--seed", "5"]
    assert run([*argv, str(tmp_path / "a")]) == 0
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "4 members" in line and "30 items" in line
    assert run([*argv, "--recipients", "1", str(tmp_path / "b")]) == 0
    assert folder_bytes(tmp_path / "a") == folder_bytes(tmp_path / "b")
    assert folder_bytes(tmp_path / "a") == {
        name: data for name, data in _written(generate_scenario(4, 30, 18, 5), tmp_path)
    }


def _written(scenario: Scenario, tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    write_scenario(scenario, tmp_path / "direct")
    yield from folder_bytes(tmp_path / "direct").items()


def test_generate_command_refuses_bad_arguments(
    tmp_path: Path, run: Callable[[list[str]], int]
) -> None:
    assert run(["generate", "--items", "3", str(tmp_path / "x")]) == 2
    (tmp_path / "file").write_text("")
    assert run(["generate", str(tmp_path / "file")]) == 2
    assert not (tmp_path / "x").exists()


def demo_builder() -> dict[str, object]:
    return runpy.run_path(str(DEMO / "build.py"))


def test_demo_is_what_build_writes(tmp_path: Path) -> None:
    main = demo_builder()["main"]
    assert callable(main)
    main(tmp_path)
    on_disk = {k: v for k, v in folder_bytes(DEMO).items() if not k.endswith((".py", ".md"))}
    assert folder_bytes(tmp_path) == on_disk


def test_demo_reads_back_and_rewrites_identically(tmp_path: Path) -> None:
    from replenish.scenario.reader import read_scenario

    demo = read_scenario(DEMO)
    write_scenario(demo, tmp_path)
    # uncertainty.toml is what a sweep draws, not part of the scenario
    on_disk = {k: v for k, v in folder_bytes(DEMO).items()
               if not k.endswith((".py", ".md")) and k != "uncertainty.toml"}
    assert folder_bytes(tmp_path) == on_disk


def demo_scenario() -> Scenario:
    build = demo_builder()["build"]
    assert callable(build)
    result = build()
    assert isinstance(result, Scenario)
    return result


def test_demo_tells_the_story() -> None:
    demo = demo_scenario()
    assert len(demo.members) == 8 and [n.code for n in demo.recipients] == ["PTR"]
    assert (demo.settings.start, demo.horizon, demo.settings.procurement) == (
        "2027-01", 24, "joint")
    assert {r.priority for r in demo.requirements} == {1, 2, 3, 4, 5}
    assert any(r.family for r in demo.requirements)
    assert all(s.on_hand < s.target for s in demo.stocks)
    assert any(s.on_hand < s.floor for s in demo.stocks)
    stock = {(s.nation, s.item): s for s in demo.stocks}
    for p in demo.pledges:
        if p.status == "committed":
            assert p.quantity <= stock[p.donor, p.item].on_hand - stock[p.donor, p.item].floor
    assert len(pooled_only_lines(demo)) >= 4


def pooled_only_lines(demo: Scenario) -> list[str]:
    """Lines whose minimum expansion needs more orders than any one member's shortfall, but
    fewer than the members' pooled shortfall and the recipient's needs beyond base output."""
    short: dict[str, dict[str, float]] = defaultdict(dict)
    for s in demo.stocks:
        short[s.item][s.nation] = max(s.target - s.on_hand, 0.0)
    needed: dict[str, float] = defaultdict(float)
    for r in demo.requirements:
        if r.item:
            needed[r.item] += r.quantity
    found = []
    for line in demo.lines:
        months = demo.horizon - line.expansion_lead_time
        threshold = line.min_expansion * min(line.commitment_months, months)
        pooled = sum(short[line.item].values()) + needed[line.item] - line.capacity * months
        if line.max_expansion and max(short[line.item].values()) < threshold <= pooled:
            found.append(line.item)
    return found
