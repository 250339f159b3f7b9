"""Build the bundled demo scenario (a synthetic coalition) and write it here in canonical form.

Run `.venv/bin/python examples/coalition/build.py` after changing the data below; the CSV and
TOML files of this folder are its output. Every name, code and quantity is invented.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from replenish.model.months import month_index
from replenish.model.records import (
    Compatibility,
    Consumption,
    Fielded,
    Hub,
    Item,
    Kind,
    Nation,
    Pledge,
    ProductionLine,
    Requirement,
    Route,
    Scenario,
    Settings,
    Stock,
    Training,
)
from replenish.scenario.writer import write_scenario

HERE = Path(__file__).resolve().parent
START = "2027-01"

# code, name, annual budget (None = unlimited)
MEMBERS: list[tuple[str, str, float | None]] = [
    ("ALD", "Aldoria", 2_400_000_000), ("BRV", "Bravania", 1_800_000_000),
    ("CSM", "Castamar", 900_000_000), ("DRN", "Dornheim", 1_200_000_000),
    ("ELV", "Elvaria", 600_000_000), ("FRS", "Fresland", None),
    ("GLT", "Galtria", 450_000_000), ("HVN", "Havenmark", 300_000_000),
]

# code, name, family, kind, unit cost, integer
ITEMS: list[tuple[str, str, str, Kind, float, bool]] = [
    ("AD-L01", "Skyguard medium-range air defence launcher", "air_defence_launcher",
     "platform", 8_000_000, True),
    ("AD-L02", "Ridgeline short-range air defence launcher", "air_defence_launcher",
     "platform", 2_400_000, True),
    ("AD-M01", "SG-2 medium-range interceptor", "air_defence_interceptor", "munition",
     1_000_000, True),
    ("AD-M02", "RL-9 short-range interceptor", "air_defence_interceptor", "munition",
     180_000, True),
    ("RA-L01", "Longbow tracked rocket launcher", "rocket_launcher", "platform", 4_200_000, True),
    ("RA-L02", "Longbow wheeled rocket launcher", "rocket_launcher", "platform", 3_100_000, True),
    ("RA-M01", "GR-70 guided rocket", "guided_rocket", "munition", 160_000, True),
    ("ART155-H01", "T-155 towed howitzer", "howitzer_155", "platform", 950_000, True),
    ("ART155-H02", "Marten tracked self-propelled howitzer", "howitzer_155", "platform",
     6_500_000, True),
    ("ART155-H03", "Kestrel wheeled self-propelled howitzer", "howitzer_155", "platform",
     4_100_000, True),
    ("ART155-S01", "155 mm high-explosive round", "ammunition_155", "munition", 3_200, False),
    ("ART155-S02", "155 mm extended-range round", "ammunition_155", "munition", 7_800, True),
    ("ART155-S03", "155 mm guided round", "ammunition_155", "munition", 95_000, True),
    ("APC-P01", "Ranger tracked armoured personnel carrier", "apc", "platform", 1_900_000, True),
    ("APC-P02", "Bison wheeled armoured personnel carrier", "apc", "platform", 1_150_000, True),
    ("SPR-S01", "155 mm howitzer barrel", "spares", "spare", 210_000, True),
    ("SPR-S02", "Air defence launcher spare-parts kit", "spares", "spare", 95_000, True),
]

# munition -> platforms it fits
COMPATIBILITY: dict[str, list[str]] = {
    "AD-M01": ["AD-L01"],
    "AD-M02": ["AD-L01", "AD-L02"],
    "RA-M01": ["RA-L01", "RA-L02"],
    "ART155-S01": ["ART155-H01", "ART155-H02", "ART155-H03"],
    "ART155-S02": ["ART155-H02", "ART155-H03"],
    "ART155-S03": ["ART155-H02", "ART155-H03"],
}

# item -> member -> (on hand, floor, target): depleted after months of aid
STOCKS: dict[str, dict[str, tuple[float, float, float]]] = {
    "AD-L01": {"ALD": (6, 6, 12), "BRV": (4, 4, 8), "CSM": (2, 2, 4), "DRN": (3, 4, 8)},
    "AD-L02": {"CSM": (5, 4, 10), "ELV": (6, 6, 12), "FRS": (3, 4, 8), "HVN": (2, 2, 6)},
    "AD-M01": {"ALD": (40, 48, 120), "BRV": (36, 30, 90), "CSM": (10, 8, 30),
               "DRN": (18, 24, 60)},
    "AD-M02": {"ALD": (90, 60, 200), "CSM": (120, 100, 300), "ELV": (150, 120, 320),
               "FRS": (60, 80, 200), "HVN": (45, 40, 120)},
    "RA-L01": {"ALD": (10, 8, 20), "DRN": (6, 6, 14), "GLT": (4, 4, 8)},
    "RA-L02": {"BRV": (8, 6, 16), "FRS": (5, 4, 12)},
    "RA-M01": {"ALD": (600, 500, 1500), "BRV": (420, 400, 1200), "DRN": (150, 200, 600),
               "FRS": (180, 150, 500), "GLT": (90, 100, 300)},
    "ART155-H01": {"CSM": (40, 30, 60), "ELV": (24, 20, 48), "GLT": (30, 24, 50),
                   "HVN": (18, 16, 36)},
    "ART155-H02": {"ALD": (44, 40, 80), "BRV": (30, 30, 60), "DRN": (26, 24, 54)},
    "ART155-H03": {"BRV": (12, 12, 24), "CSM": (8, 10, 20), "FRS": (18, 16, 36)},
    "ART155-S01": {"ALD": (42000, 40000, 120000), "BRV": (30000, 32000, 90000),
                   "CSM": (21000, 20000, 60000), "DRN": (26000, 24000, 70000),
                   "ELV": (14000, 15000, 45000), "FRS": (19000, 18000, 55000),
                   "GLT": (9000, 10000, 30000), "HVN": (7000, 6000, 20000)},
    "ART155-S02": {"ALD": (6000, 5000, 20000), "BRV": (4000, 4000, 15000),
                   "DRN": (3000, 3500, 12000), "FRS": (2500, 2000, 9000)},
    "ART155-S03": {"ALD": (300, 250, 800), "BRV": (120, 150, 500), "FRS": (80, 60, 250)},
    "APC-P01": {"ALD": (140, 120, 220), "DRN": (90, 80, 160), "GLT": (40, 40, 80)},
    "APC-P02": {"BRV": (110, 90, 180), "CSM": (60, 60, 120), "ELV": (70, 50, 120),
                "FRS": (50, 40, 90), "HVN": (30, 30, 60)},
    "SPR-S01": {"ALD": (30, 20, 60), "BRV": (20, 20, 40), "CSM": (12, 10, 30),
                "GLT": (8, 8, 20)},
    "SPR-S02": {"ALD": (25, 20, 50), "CSM": (15, 12, 30), "ELV": (10, 10, 30)},
}

# producer, nation, item, capacity, unit price, lead time, max/min expansion,
# expansion lead time, expansion cost, commitment months
LINES: list[tuple[str, str, str, float, float, int, float, float, int, float, int]] = [
    ("SKYFORGE", "ALD", "AD-L01", 1, 8_200_000, 6, 1, 1, 9, 60_000_000, 24),
    ("SKYFORGE", "ALD", "AD-M01", 4, 1_020_000, 4, 8, 5, 6, 15_000_000, 18),
    ("ELMIS", "ELV", "AD-L02", 1, 2_500_000, 5, 1, 1, 8, 18_000_000, 24),
    ("ELMIS", "ELV", "AD-M02", 12, 185_000, 3, 20, 12, 6, 1_500_000, 18),
    ("LONGBOW", "DRN", "RA-L01", 1, 4_300_000, 6, 1, 1, 9, 30_000_000, 24),
    ("LONGBOW", "DRN", "RA-M01", 40, 165_000, 4, 60, 30, 8, 1_200_000, 24),
    ("BRAVMUN", "BRV", "RA-L02", 1, 3_200_000, 5, 0, 0, 0, 0, 12),
    ("BRAVMUN", "BRV", "ART155-S03", 20, 98_000, 4, 40, 35, 8, 700_000, 24),
    ("GALTWORKS", "GLT", "ART155-H01", 2, 1_000_000, 5, 2, 1, 9, 8_000_000, 24),
    ("DORNLAND", "DRN", "ART155-H02", 1, 6_700_000, 6, 1, 1, 12, 45_000_000, 24),
    ("DORNLAND", "DRN", "APC-P01", 4, 1_950_000, 4, 4, 2, 9, 12_000_000, 24),
    ("FRESPREC", "FRS", "ART155-H03", 1, 4_200_000, 6, 1, 1, 10, 30_000_000, 24),
    ("FRESPREC", "FRS", "ART155-S02", 800, 8_000, 3, 1500, 1200, 6, 60_000, 12),
    ("ALDORD", "ALD", "ART155-S01", 6000, 3_300, 2, 12000, 6000, 6, 30_000, 18),
    ("CASTARS", "CSM", "ART155-S01", 3000, 3_400, 3, 6000, 4000, 4, 28_000, 24),
    ("CASTAVEH", "CSM", "APC-P02", 5, 1_180_000, 4, 5, 3, 8, 6_000_000, 24),
    ("HAVENYARD", "HVN", "SPR-S01", 4, 215_000, 3, 0, 0, 0, 0, 12),
    ("SKYFORGE", "ALD", "SPR-S02", 3, 98_000, 2, 0, 0, 0, 0, 12),
]

# id, item, family, quantity, needed by, priority (all for the recipient PTR)
REQUIREMENTS: list[tuple[str, str | None, str | None, float, str, int]] = [
    ("REQ01", "AD-M01", None, 48, "2027-06", 1),
    ("REQ02", None, "air_defence_launcher", 4, "2027-09", 1),
    ("REQ03", "ART155-S01", None, 40000, "2027-06", 1),
    ("REQ04", "AD-M02", None, 200, "2027-08", 2),
    ("REQ05", None, "ammunition_155", 40000, "2027-12", 2),
    ("REQ06", None, "howitzer_155", 18, "2027-10", 2),
    ("REQ07", "RA-M01", None, 300, "2027-07", 3),
    ("REQ08", "RA-L02", None, 4, "2027-12", 3),
    ("REQ09", "ART155-S03", None, 300, "2028-03", 3),
    ("REQ10", None, "apc", 40, "2027-09", 4),
    ("REQ11", "ART155-S02", None, 10000, "2028-06", 4),
    ("REQ12", "SPR-S01", None, 12, "2027-12", 5),
    ("REQ13", "SPR-S02", None, 10, "2028-06", 5),
]

# id, donor, item, quantity, month, status; committed ones fit in the donor's stock above floor
PLEDGES: list[tuple[str, str, str, float, str, Literal["committed", "announced"]]] = [
    ("PLG01", "ALD", "ART155-S01", 2000, "2027-01", "committed"),
    ("PLG02", "BRV", "AD-M01", 6, "2027-02", "committed"),
    ("PLG03", "ELV", "AD-M02", 30, "2027-02", "committed"),
    ("PLG04", "CSM", "ART155-H01", 8, "2027-03", "committed"),
    ("PLG05", "ALD", "RA-M01", 100, "2027-03", "committed"),
    ("PLG06", "BRV", "APC-P02", 20, "2027-04", "committed"),
    ("PLG07", "HVN", "ART155-S01", 1000, "2027-05", "announced"),
    ("PLG08", "DRN", "APC-P01", 10, "2027-06", "announced"),
    ("PLG09", "FRS", "ART155-S03", 20, "2027-06", "announced"),
    ("PLG10", "ALD", "ART155-H02", 4, "2027-09", "announced"),
]

FIELDED: dict[str, float] = {
    "AD-L01": 3, "AD-L02": 6, "RA-L01": 8, "RA-L02": 12, "ART155-H01": 24,
    "ART155-H02": 12, "ART155-H03": 6, "APC-P01": 60, "APC-P02": 80,
}

# munition, platform, per platform and month, priority
CONSUMPTION: list[tuple[str, str, float, int]] = [
    ("AD-M01", "AD-L01", 2, 1), ("AD-M02", "AD-L01", 1, 2), ("AD-M02", "AD-L02", 4, 1),
    ("RA-M01", "RA-L01", 12, 2), ("RA-M01", "RA-L02", 12, 2),
    ("ART155-S01", "ART155-H01", 150, 1), ("ART155-S01", "ART155-H02", 120, 1),
    ("ART155-S01", "ART155-H03", 120, 1), ("ART155-S02", "ART155-H02", 40, 3),
    ("ART155-S02", "ART155-H03", 40, 3), ("ART155-S03", "ART155-H02", 2, 3),
]

# platform -> (course months, crews starting per month)
TRAINING: dict[str, tuple[int, float]] = {
    "AD-L01": (6, 1), "AD-L02": (4, 2), "RA-L01": (3, 2), "RA-L02": (3, 3),
    "ART155-H01": (2, 6), "ART155-H02": (4, 3), "ART155-H03": (3, 3),
    "APC-P01": (2, 10), "APC-P02": (2, 12),
}


# tonnes per unit, public orders of magnitude: a 155 mm round about 0.05 t, a towed howitzer
# 7 t, a tracked one 55 t, an air-defence launcher about 30 t
TONNES: dict[str, float] = {
    "AD-L01": 30, "AD-L02": 12, "AD-M01": 0.9, "AD-M02": 0.1, "RA-L01": 25, "RA-L02": 16,
    "RA-M01": 0.3, "ART155-H01": 7, "ART155-H02": 55, "ART155-H03": 30, "ART155-S01": 0.05,
    "ART155-S02": 0.05, "ART155-S03": 0.05, "APC-P01": 28, "APC-P02": 18, "SPR-S01": 1.5,
    "SPR-S02": 0.5,
}

# code, name, nation, tonnes a month: a rail head and a cargo airport near the border, the
# rail head sized so that it binds in the first months (the first 40,000 rounds alone weigh
# 2,000 t) and the airport so that it takes launchers a few at a time
HUBS: list[tuple[str, str, str, float | None]] = [
    ("RHD", "Eastern border rail head", "DRN", 1_500),
    ("APT", "Eastern cargo airport", "DRN", 120),
]

# months by rail from each member to the partner through the rail head (air: same month)
RAIL_MONTHS = {"ALD": 2, "BRV": 1, "CSM": 2, "DRN": 1, "ELV": 2, "FRS": 2, "GLT": 1, "HVN": 1}


def routes() -> list[Route]:
    """Every member reaches the partner by rail through the rail head and by air through the
    airport; Dornheim, beside the border, also by road direct (600 t a month)."""
    out = []
    for nation, _, _ in MEMBERS:
        out.append(Route(f"{nation}-RAIL", nation, "RHD", "PTR", "rail", RAIL_MONTHS[nation]))
        out.append(Route(f"{nation}-AIR", nation, "APT", "PTR", "air", 0))
    out.append(Route("DRN-ROAD", "DRN", None, "PTR", "road", 1, 600))
    return out


def build() -> Scenario:
    """The demo scenario as records."""
    def month(text: str) -> int:
        return month_index(text, START)

    stocks = [Stock(nation, item, *levels) for nation, _, _ in MEMBERS
              for item, holders in STOCKS.items()
              for holder, levels in holders.items() if holder == nation]
    return Scenario(
        settings=Settings(name="coalition-demo", start=START, horizon_months=24),
        nations=tuple([Nation(c, n, "member", b) for c, n, b in MEMBERS]
                      + [Nation("PTR", "Partner", "recipient")]),
        items=tuple(Item(*row, tonnes_per_unit=TONNES[row[0]]) for row in ITEMS),
        stocks=tuple(stocks),
        compatibility=tuple(Compatibility(m, p) for m, ps in COMPATIBILITY.items() for p in ps),
        requirements=tuple(Requirement(r, "PTR", i, f, q, month(by), p)
                           for r, i, f, q, by, p in REQUIREMENTS),
        pledges=tuple(Pledge(r, d, "PTR", i, q, month(t), s)
                      for r, d, i, q, t, s in PLEDGES),
        lines=tuple(ProductionLine(*row) for row in LINES),
        fielded=tuple(Fielded("PTR", p, q) for p, q in FIELDED.items()),
        consumption=tuple(Consumption("PTR", m, p, q, r) for m, p, q, r in CONSUMPTION),
        training=tuple(Training(p, c, s) for p, (c, s) in TRAINING.items()),
        hubs=tuple(Hub(*row) for row in HUBS),
        routes=tuple(routes()),
    )


#: what `replenish sweep examples/coalition` draws (docs/sweeps.md)
UNCERTAINTY = """\
# What `replenish sweep examples/coalition` draws: one table per uncertain quantity, each a
# distribution and its parameters (see docs/sweeps.md). Modest, plausible spreads.

# Fraction of each line's monthly capacity lost (per line and run): most lines lose a little.
[line_shortfall]
distribution = "triangular"
low = 0.0
mode = 0.05
high = 0.2

# Months each line's expansion comes into service late (per line and run).
[expansion_delay]
distribution = "poisson"
mean = 1.0

# Months added to each line's lead time (per line and run).
[lead_time]
distribution = "poisson"
mean = 0.3

# Factor on consumption.csv for each platform (per platform and run): fighting above plan.
[consumption]
distribution = "lognormal"
mean = 1.1
sd = 0.15

# Months each pledge is dispatched late (per pledge and run).
[pledge_slip]
distribution = "poisson"
mean = 0.5

# Probability that an announced pledge falls through (per pledge and run).
[pledge_lapse]
distribution = "probability"
p = 0.1
status = "announced"
"""


def main(out: Path = HERE) -> None:
    """Write the demo to `out` (this folder by default), with its uncertainty.toml."""
    write_scenario(build(), out)
    (out / "uncertainty.toml").write_text(UNCERTAINTY, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
