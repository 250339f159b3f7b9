"""Small scenarios for the sweep tests: a synthetic one written to a folder with an
uncertainty.toml, and a hand-made one of a line, a member and a partner."""

from __future__ import annotations

from pathlib import Path

from replenish.model.records import (
    Item,
    Nation,
    ProductionLine,
    Requirement,
    Scenario,
    Settings,
    Stock,
)
from replenish.scenario.generator import generate_scenario
from replenish.scenario.writer import write_scenario

UNCERTAINTY = """\
[line_shortfall]
distribution = "triangular"
low = 0.0
mode = 0.1
high = 0.4

[expansion_delay]
distribution = "poisson"
mean = 2

[lead_time]
distribution = "uniform"
low = 0
high = 2

[consumption]
distribution = "lognormal"
mean = 1.2
sd = 0.2

[pledge_slip]
distribution = "poisson"
mean = 1

[pledge_lapse]
distribution = "probability"
p = 0.2
"""


def synthetic_folder(folder: Path, uncertainty: str | None = UNCERTAINTY) -> Path:
    """A small synthetic scenario (3 members, 8 items, 12 months) in `folder`."""
    write_scenario(generate_scenario(3, 8, 12, 4), folder)
    if uncertainty is not None:
        (folder / "uncertainty.toml").write_text(uncertainty, encoding="utf-8")
    return folder


def one_line(capacity: float = 10.0, lead_time: int = 2, on_hand: float = 0.0,
             needed_by: int = 2, quantity: float = 10.0) -> Scenario:
    """Member AAA, partner PTR, item SHELL (whole units) made by line MAKER in AAA; PTR needs
    `quantity` shells by month `needed_by`; AAA holds `on_hand`, floor 0, target 5."""
    return Scenario(
        settings=Settings(name="one-line", start="2030-01", horizon_months=8),
        nations=(Nation("AAA", "Aland", "member"), Nation("PTR", "Partner", "recipient")),
        items=(Item("SHELL", "Shell", "shells", "munition", 1.0, True),),
        stocks=(Stock("AAA", "SHELL", on_hand, 0.0, 5.0),),
        requirements=(Requirement("R1", "PTR", "SHELL", None, quantity, needed_by, 1),),
        lines=(ProductionLine("MAKER", "AAA", "SHELL", capacity, 2.0, lead_time),))
