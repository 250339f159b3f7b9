"""Read `uncertainty.toml`: what a Monte Carlo sweep draws, one table per uncertain quantity.

Each table names a distribution and its parameters, for example::

    [line_shortfall]            # fraction of a line's capacity lost, per line and run
    distribution = "triangular"
    low = 0.0
    mode = 0.05
    high = 0.25

The quantities (`QUANTITIES`) and distributions (`DISTRIBUTIONS`) are declared once here;
the reader, the draws (sweep/draws.py) and docs/sweeps.md follow them. Like every scenario
file, all problems are reported at once with file, line and what was expected.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from replenish.errors import Problem, ScenarioError
from replenish.scenario.reader import key_line, load_toml, toml_shown

UNCERTAINTY_FILE = "uncertainty.toml"

#: what a quantity is: a fraction in [0, 1], a non-negative factor, whole months, or an event
Kind = Literal["fraction", "factor", "months", "event"]
PledgeStatus = Literal["any", "committed", "announced"]


@dataclass(frozen=True, slots=True)
class Quantity:
    """One uncertain quantity of a scenario, drawn once per subject (line, platform, pledge)
    and run."""

    name: str
    kind: Kind
    per: str
    description: str


QUANTITIES: dict[str, Quantity] = {q.name: q for q in (
    Quantity("line_shortfall", "fraction", "line",
             "fraction of a production line's monthly capacity lost"),
    Quantity("expansion_delay", "months", "line",
             "months a line's expansion comes into service later than planned"),
    Quantity("lead_time", "months", "line",
             "months added to a line's lead time from production to arrival"),
    Quantity("consumption", "factor", "platform",
             "factor on consumption.csv's per_platform_month for a platform"),
    Quantity("pledge_slip", "months", "pledge", "months a pledge is dispatched late"),
    Quantity("pledge_lapse", "event", "pledge", "probability that a pledge falls through"),
)}

#: distribution -> its parameters, in the order they are written
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
    "poisson": ("mean",),
    "probability": ("p",),
}

#: distributions each kind of quantity accepts
ACCEPTS: dict[Kind, tuple[str, ...]] = {
    "fraction": ("fixed", "uniform", "triangular", "normal"),
    "factor": ("fixed", "uniform", "triangular", "normal", "lognormal"),
    "months": ("fixed", "uniform", "triangular", "normal", "poisson"),
    "event": ("probability",),
}

#: the valid range of each kind's values (drawn values are clipped to it)
RANGES: dict[Kind, tuple[float, float]] = {
    "fraction": (0.0, 1.0), "factor": (0.0, math.inf), "months": (0.0, math.inf),
    "event": (0.0, 1.0)}

#: keys of a pledge table besides the distribution's: which pledges it applies to
PLEDGE_KEYS = ("status",)
PLEDGE_STATUSES: tuple[PledgeStatus, ...] = ("any", "committed", "announced")


@dataclass(frozen=True, slots=True)
class Distribution:
    """A validated distribution of one quantity."""

    quantity: str
    name: str
    params: dict[str, float]
    status: PledgeStatus = "any"

    @property
    def kind(self) -> Kind:
        return QUANTITIES[self.quantity].kind


@dataclass(frozen=True)
class Uncertainty:
    """The parsed uncertainty.toml: `given` as written (for sweep.json), `distributions` by
    quantity, in QUANTITIES' order."""

    given: dict[str, Any]
    distributions: dict[str, Distribution]


def read_uncertainty(path: Path, file: str | None = None) -> Uncertainty:
    """Read and validate the uncertainty file at `path` (named `file` in problems); raise
    ScenarioError naming every problem."""
    name = file or str(path)
    problems: list[Problem] = []
    if not path.is_file():
        raise ScenarioError([Problem(name, None, None, missing_message(path))])
    loaded = load_toml(path, name, problems)
    if loaded is None:
        raise ScenarioError(problems)
    data, text = loaded
    found: dict[str, Distribution] = {}
    for key, table in data.items():
        if key not in QUANTITIES:
            problems.append(Problem(name, _line(text, key), key, (
                f"unknown uncertainty; expected one of {', '.join(QUANTITIES)}")))
        elif not isinstance(table, dict):
            problems.append(Problem(name, _line(text, key), key, (
                f"expected a table [{key}] with distribution = ... and its parameters, "
                f"got {toml_shown(table)}")))
        else:
            dist = _distribution(key, table, name, text, problems)
            if dist is not None:
                found[key] = dist
    if not data:
        problems.append(Problem(name, None, None, (
            f"no uncertainty given; expected one or more tables of {', '.join(QUANTITIES)}")))
    if problems:
        raise ScenarioError(sorted(problems, key=lambda p: p.line or 0))
    return Uncertainty(given=data, distributions={q: found[q] for q in QUANTITIES if q in found})


def missing_message(path: Path) -> str:
    """What to say when a sweep has no uncertainty file."""
    return (f"missing: a sweep needs {path} saying what is uncertain; write it with one "
            f"table per uncertain quantity ({', '.join(QUANTITIES)}), such as "
            '[line_shortfall] distribution = "uniform", low = 0.0, high = 0.2 '
            "(see docs/sweeps.md), or name another file with --uncertainty FILE")


def _distribution(quantity: str, table: dict[str, Any], file: str, text: str,
                  problems: list[Problem]) -> Distribution | None:
    """The validated distribution of one table, or None with problems."""
    kind = QUANTITIES[quantity].kind
    accepted = ACCEPTS[kind]
    name = table.get("distribution")
    if name not in accepted:
        where = (_line(text, f"{quantity}.distribution") if "distribution" in table
                 else _line(text, quantity))
        got = f", got {toml_shown(name)}" if "distribution" in table else ""
        problems.append(Problem(file, where, f"{quantity}.distribution", (
            f"expected distribution = one of {', '.join(repr(a) for a in accepted)}{got}")))
        return None
    wanted = DISTRIBUTIONS[name]
    extra = PLEDGE_KEYS if QUANTITIES[quantity].per == "pledge" else ()
    status = table.get("status", "any")
    if "status" in extra and status not in PLEDGE_STATUSES:
        problems.append(Problem(file, _line(text, f"{quantity}.status"), f"{quantity}.status", (
            f"expected one of {', '.join(repr(s) for s in PLEDGE_STATUSES)}, "
            f"got {toml_shown(status)}")))
    before = len(problems)
    params: dict[str, float] = {}
    for key, value in table.items():
        dotted = f"{quantity}.{key}"
        if key == "distribution" or key in extra:
            continue
        if key not in wanted:
            known = ", ".join(("distribution", *wanted, *extra))
            problems.append(Problem(file, _line(text, dotted), dotted, (
                f"unknown key for a {name} distribution; expected {known}")))
        elif (isinstance(value, bool) or not isinstance(value, int | float)
              or not math.isfinite(value)):
            problems.append(Problem(file, _line(text, dotted), dotted,
                                    f"expected a number, got {toml_shown(value)}"))
        else:
            params[key] = float(value)
    for key in wanted:
        if key not in table:
            problems.append(Problem(file, _line(text, quantity), f"{quantity}.{key}", (
                f"missing key; a {name} distribution takes {', '.join(wanted)}")))
    if len(problems) > before:
        return None
    message = parameter_error(kind, name, params)
    if message:
        problems.append(Problem(file, _line(text, f"{quantity}.{message[0]}"),
                                f"{quantity}.{message[0]}", message[1]))
        return None
    return Distribution(quantity, name, params, status)


def parameter_error(kind: Kind, name: str, p: dict[str, float]) -> tuple[str, str] | None:
    """The parameter (name, message) that makes distribution `name` invalid for a quantity of
    `kind`, or None."""
    low, high = RANGES[kind]
    span = f"between {low:g} and {high:g}" if math.isfinite(high) else f"{low:g} or more"
    what = {"fraction": "a fraction", "factor": "a factor", "months": "months",
            "event": "a probability"}[kind]
    for key in ("value", "low", "mode", "high", "p"):
        if key in p and not low <= p[key] <= high:
            return key, f"expected {what} {span}, got {p[key]:g}"
    if kind == "months" and name == "fixed" and p["value"] != int(p["value"]):
        return "value", f"expected whole months, got {p['value']:g}"
    if "sd" in p and p["sd"] < 0:
        return "sd", f"expected a standard deviation of 0 or more, got {p['sd']:g}"
    if name == "lognormal" and p["mean"] <= 0:
        return "mean", f"expected the factor's mean above 0, got {p['mean']:g}"
    if name in ("normal", "poisson") and not low <= p["mean"] <= high:
        return "mean", f"expected a mean {span}, got {p['mean']:g}"
    if "high" in p and p["low"] > p["high"]:
        return "high", f"expected high at least low ({p['low']:g}), got {p['high']:g}"
    if "mode" in p and not p["low"] <= p["mode"] <= p["high"]:
        return "mode", (f"expected mode between low ({p['low']:g}) and high "
                        f"({p['high']:g}), got {p['mode']:g}")
    return None


def _line(text: str, dotted: str) -> int | None:
    """The line where `dotted` is written: its assignment, else its table's header, else its
    parent's assignment (an inline table)."""
    found = key_line(text, dotted)
    if found is not None:
        return found
    table = dotted.split(".")[0]
    header = re.compile(r"\s*\[\s*[\"']?" + re.escape(table) + r"[\"']?\s*\]")
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            return number
    return key_line(text, table) if "." in dotted else None
