"""Draws: run k is the same whatever the number of runs, each quantity has its own stream,
values stay in their range, and a draw makes the scenario it describes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from replenish.model.records import Pledge
from replenish.scenario.reader import read_scenario
from replenish.scenario.uncertainty import read_uncertainty
from replenish.sweep.draws import Draw, draw, perturb, run_seeds

from .support import UNCERTAINTY, one_line, synthetic_folder


def test_run_k_draws_the_same_whatever_the_runs_and_other_tables(tmp_path: Path) -> None:
    sc = read_scenario(synthetic_folder(tmp_path / "sc"))
    full = read_uncertainty(tmp_path / "sc" / "uncertainty.toml")
    (tmp_path / "one.toml").write_text(UNCERTAINTY.split("[expansion_delay]")[0],
                                       encoding="utf-8")
    alone = read_uncertainty(tmp_path / "one.toml")
    few, many = run_seeds(5, 3), run_seeds(5, 40)
    assert draw(sc, full, few[2]) == draw(sc, full, many[2])
    assert draw(sc, full, few[0]) != draw(sc, full, few[1])
    assert draw(sc, alone, few[2]).shortfall == draw(sc, full, few[2]).shortfall
    for seed in many:
        d = draw(sc, full, seed)
        assert all(0.0 <= v <= 0.4 for v in d.shortfall.values())
        assert all(v >= 1 and v == int(v) for v in d.expansion_delay.values())
        assert all(v > 0 for v in d.consumption.values())


def test_a_draw_makes_its_scenario() -> None:
    base = one_line(capacity=10, lead_time=2)
    base = dataclasses.replace(base, pledges=(
        Pledge("P1", "AAA", "PTR", "SHELL", 1.0, 1, "committed"),
        Pledge("P2", "AAA", "PTR", "SHELL", 1.0, 2, "announced"),
        Pledge("P3", "AAA", "PTR", "SHELL", 1.0, 6, "announced")))
    line = ("MAKER", "SHELL")
    world = perturb(base, Draw(shortfall={line: 0.25}, extra_lead={line: 1},
                               expansion_delay={line: 3}, pledge_slip={"P1": 2, "P3": 2},
                               lapsed=frozenset({"P2"})))
    ln = world.lines[0]
    assert (ln.capacity, ln.lead_time, ln.expansion_lead_time) == (8, 3, 3)   # whole units
    assert [(p.id, p.month) for p in world.pledges] == [("P1", 3)]   # P3 slips past month 7
