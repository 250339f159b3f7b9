"""One draw of a sweep: the uncertain quantities sampled for one run, and the scenario they make.

Run k draws from its own stream, `SeedSequence(seed).spawn(runs)[k]`, and each quantity of
uncertainty.toml from a stream of its own spawned from that (in QUANTITIES' order), so that a
run's draws depend only on the seed, k and the file: not on the number of runs or workers, nor
on which other quantities are uncertain.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from replenish.model.records import Pledge, ProductionLine, Scenario
from replenish.scenario.uncertainty import QUANTITIES, RANGES, Distribution, Uncertainty

LineKey = tuple[str, str]
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Draw:
    """What one run draws; a subject not named keeps its plan value (0 months, factor 1)."""

    shortfall: dict[LineKey, float] = field(default_factory=dict)
    expansion_delay: dict[LineKey, int] = field(default_factory=dict)
    extra_lead: dict[LineKey, int] = field(default_factory=dict)
    consumption: dict[str, float] = field(default_factory=dict)
    pledge_slip: dict[str, int] = field(default_factory=dict)
    lapsed: frozenset[str] = frozenset()


def run_seeds(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """The seed sequence of each run: run k's is the same whatever `runs` is."""
    return np.random.SeedSequence(seed).spawn(runs)


def sample(dist: Distribution, rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
    """`size` values of `dist`, clipped to its quantity's range; months whole, events 0 or 1."""
    p = dist.params
    if dist.name == "fixed":
        values = np.full(size, p["value"])
    elif dist.name == "uniform":
        values = rng.uniform(p["low"], p["high"], size)
    elif dist.name == "triangular":
        values = (rng.triangular(p["low"], p["mode"], p["high"], size) if p["high"] > p["low"]
                  else np.full(size, p["low"]))
    elif dist.name == "normal":
        values = rng.normal(p["mean"], p["sd"], size)
    elif dist.name == "lognormal":
        sigma2 = math.log1p((p["sd"] / p["mean"]) ** 2)
        values = rng.lognormal(math.log(p["mean"]) - sigma2 / 2, math.sqrt(sigma2), size)
    elif dist.name == "poisson":
        values = rng.poisson(p["mean"], size).astype(float)
    else:   # probability
        values = (rng.random(size) < p["p"]).astype(float)
    low, high = RANGES[dist.kind]
    values = np.clip(values, low, high)
    return np.rint(values) if dist.kind == "months" else values


def _streams(seed: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """One generator per quantity, spawned from the run's seed without changing it."""
    return {name: np.random.default_rng(np.random.SeedSequence(
        seed.entropy, spawn_key=(*seed.spawn_key, i)))
            for i, name in enumerate(QUANTITIES)}


def _pledges(scenario: Scenario, dist: Distribution) -> list[Pledge]:
    return [p for p in scenario.pledges if dist.status in ("any", p.status)]


def _per(dists: dict[str, Distribution], rng: dict[str, np.random.Generator], name: str,
         subjects: Sequence[K]) -> dict[K, float]:
    """Quantity `name` drawn for each subject (nothing where it is not uncertain)."""
    if name not in dists or not subjects:
        return {}
    values = sample(dists[name], rng[name], len(subjects)).tolist()
    return dict(zip(subjects, values, strict=True))


def draw(scenario: Scenario, uncertainty: Uncertainty, seed: np.random.SeedSequence) -> Draw:
    """Sample every uncertain quantity of `scenario` for the run of `seed`."""
    rng = _streams(seed)
    dists = uncertainty.distributions
    lines = [ln.key for ln in scenario.lines]
    platforms = list(dict.fromkeys(c.platform for c in scenario.consumption))
    slipping = ([p.id for p in _pledges(scenario, dists["pledge_slip"])]
                if "pledge_slip" in dists else [])
    lapsing = ([p.id for p in _pledges(scenario, dists["pledge_lapse"])]
               if "pledge_lapse" in dists else [])
    return Draw(
        shortfall={k: v for k, v in _per(dists, rng, "line_shortfall", lines).items() if v},
        expansion_delay={k: int(v) for k, v in _per(dists, rng, "expansion_delay",
                                                    lines).items() if v},
        extra_lead={k: int(v) for k, v in _per(dists, rng, "lead_time", lines).items() if v},
        consumption=_per(dists, rng, "consumption", platforms),
        pledge_slip={k: int(v) for k, v in _per(dists, rng, "pledge_slip", slipping).items()
                     if v},
        lapsed=frozenset(k for k, v in _per(dists, rng, "pledge_lapse", lapsing).items() if v))


def drawn_capacity(scenario: Scenario, line: ProductionLine, d: Draw) -> float:
    """A line's base capacity less its drawn shortfall; for a whole-unit item rounded to the
    nearest whole unit, as a plan makes whole units every month (0.95 a month would be none)."""
    if not d.shortfall.get(line.key):
        return line.capacity
    capacity = line.capacity * (1.0 - d.shortfall[line.key])
    return math.floor(capacity + 0.5) if scenario.item(line.item).integer else capacity


def perturb(scenario: Scenario, d: Draw) -> Scenario:
    """The scenario as the draw makes it for planning again: capacity lost (`drawn_capacity`),
    expansions and lead times later, consumption scaled, pledges later or gone (a pledge
    slipping past the horizon is gone)."""
    lines = tuple(dataclasses.replace(
        ln, capacity=drawn_capacity(scenario, ln, d),
        lead_time=ln.lead_time + d.extra_lead.get(ln.key, 0),
        expansion_lead_time=ln.expansion_lead_time + d.expansion_delay.get(ln.key, 0))
        for ln in scenario.lines)
    consumption = tuple(dataclasses.replace(
        c, per_platform_month=c.per_platform_month * d.consumption.get(c.platform, 1.0))
        for c in scenario.consumption)
    pledges = tuple(dataclasses.replace(p, month=p.month + d.pledge_slip.get(p.id, 0))
                    for p in scenario.pledges if p.id not in d.lapsed)
    pledges = tuple(p for p in pledges if p.month < scenario.horizon)
    return dataclasses.replace(scenario, lines=lines, consumption=consumption, pledges=pledges)
