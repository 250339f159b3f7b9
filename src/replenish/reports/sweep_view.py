"""A Monte Carlo sweep as people read it: `read_sweep` checks the `sweep.json` that
`replenish sweep` writes and turns it into typed records; the words the brief and the pages
show of it (headline, per-member rows) are made here once, in the current language.

Every problem of the file is reported at once, as a `ScenarioError` naming the file and what
was expected (exit 2 at the command line), never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from replenish.errors import Problem, ScenarioError
from replenish.i18n import N_, _, ngettext, number, percent
from replenish.model.months import parse_month
from replenish.plan.totals import money
from replenish.reports.brief import month_name

FILE = "sweep.json"
MODES = ("fixed", "replan")
#: the section's title by mode: the plan held fixed, or planned again in every draw
TITLES = {"fixed": N_("How sure is this plan"), "replan": N_("What we would plan")}
#: how to make a sweep, as the pages and errors say it
SWEEP_COMMAND = "replenish sweep SCENARIO --runs 50 --out SWEEP"
_QUANTILES = ("p10", "p50", "p90")
_SERIES = ("below_target_value", "on_time_share")

T = TypeVar("T")


class SweepMissing(ScenarioError):
    """The folder holds no sweep.json (yet): not a broken file, a sweep still to make."""


@dataclass(frozen=True)
class Spread:
    """P10, P50 and P90 of a number over the runs (None: no run to tell, none finished)."""

    p10: float | None
    p50: float | None
    p90: float | None


@dataclass(frozen=True)
class MonthSpread:
    """P10, P50 and P90 of a month over the runs (YYYY-MM; None: not within the horizon)."""

    p10: str | None
    p50: str | None
    p90: str | None


@dataclass(frozen=True)
class Band:
    """P10, P50 and P90 of a monthly series over the runs, one value per month (None: none)."""

    p10: tuple[float | None, ...]
    p50: tuple[float | None, ...]
    p90: tuple[float | None, ...]


@dataclass(frozen=True)
class Failure:
    """A run that did not finish, and why."""

    run: int
    error: str


@dataclass(frozen=True)
class Sweep:
    """What a sweep found: the plan (mode fixed) or the planning (replan) under many draws of
    an uncertain world."""

    path: Path
    scenario: str
    mode: str
    seed: int
    runs: int
    done: int
    failed: tuple[Failure, ...]
    start: str
    horizon_months: int
    months: tuple[str, ...]
    uncertainty: Mapping[str, Any]
    on_time: Mapping[str, Spread]
    back_at_floor: Mapping[str, MonthSpread]
    back_at_target: Mapping[str, MonthSpread]
    idle_system_months: Spread
    cost: Mapping[str, Spread]
    below_target_value: Band
    on_time_share: Band
    headline: str

    @property
    def members(self) -> list[str]:
        """Every member the sweep names, in code order."""
        return sorted(set(self.back_at_floor) | set(self.back_at_target) | set(self.cost))


def sweep_file(path: Path) -> Path:
    """The sweep.json of a sweep folder (or `path` itself when it names a .json file)."""
    path = Path(path)
    return path if path.suffix == ".json" and not path.is_dir() else path / FILE


def read_sweep(path: Path) -> Sweep:
    """The sweep written to folder `path` (or the .json file `path`), checked whole."""
    file = sweep_file(path)
    if not file.is_file():
        raise SweepMissing([Problem(str(file), None, None,
                                    "no such file; expected the sweep.json that "
                                    f"`{SWEEP_COMMAND}` writes")])
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem(str(file), exc.lineno, None,
                                     f"not valid JSON ({exc.msg}, column {exc.colno})")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(file), None, None,
                                     f"cannot be read as UTF-8 text ({exc})")]) from None
    return _Checker(file).sweep(data)


class _Checker:
    """Reads the parsed file into a Sweep, collecting every problem before raising them."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, key: str, expected: str, got: Any) -> None:
        shown = json.dumps(got)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        self.problems.append(Problem(str(self.file), None, key,
                                     f"expected {expected}, got {shown}"))

    def sweep(self, data: Any) -> Sweep:
        if not isinstance(data, dict):
            self.fail("", "a JSON object as `replenish sweep` writes it", data)
            raise ScenarioError(self.problems)
        missing = [k for k in _KEYS if k not in data]
        if missing:
            self.problems.append(Problem(str(self.file), None, None,
                                         "missing key" + ("s" if len(missing) > 1 else "")
                                         + ": " + ", ".join(missing)))
            raise ScenarioError(self.problems)
        months = tuple(self.each(data["months"], "months", self.month))
        width = len(months)
        made = Sweep(
            path=self.file,
            scenario=self.text(data["scenario"], "scenario"),
            mode=self.choice(data["mode"], "mode", MODES),
            seed=self.count(data["seed"], "seed"),
            runs=self.count(data["runs"], "runs"),
            done=self.count(data["done"], "done"),
            failed=tuple(self.each(data["failed"], "failed", self.failure)),
            start=self.month(data["start"], "start"),
            horizon_months=self.count(data["horizon_months"], "horizon_months"),
            months=months,
            uncertainty=self.mapping(data["uncertainty"], "uncertainty", lambda v, _k: v),
            on_time=self.mapping(data["on_time"], "on_time", self.spread),
            back_at_floor=self.mapping(data["back_at_floor"], "back_at_floor",
                                       self.month_spread),
            back_at_target=self.mapping(data["back_at_target"], "back_at_target",
                                        self.month_spread),
            idle_system_months=self.spread(data["idle_system_months"], "idle_system_months"),
            cost=self.mapping(data["cost"], "cost", self.spread),
            below_target_value=self.band(data["series"], "below_target_value", width),
            on_time_share=self.band(data["series"], "on_time_share", width),
            headline=self.text(data["headline"], "headline"),
        )
        if self.problems:
            raise ScenarioError(self.problems)
        return made

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str):
            self.fail(key, "a text", value)
            return ""
        return value

    def choice(self, value: Any, key: str, allowed: Sequence[str]) -> str:
        if value not in allowed:
            self.fail(key, " or ".join(f'"{a}"' for a in allowed), value)
            return allowed[0]
        return str(value)

    def count(self, value: Any, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(key, "a whole number, 0 or more", value)
            return 0
        return value

    def number(self, value: Any, key: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, "a number, or null", value)
            return None
        return float(value)

    def month(self, value: Any, key: str) -> str:
        try:
            year, m = parse_month(value) if isinstance(value, str) else (0, 0)
        except ValueError:
            year, m = 0, 0
        if not 1 <= m <= 12:
            self.fail(key, "a month as YYYY-MM", value)
            return ""
        return f"{year:04d}-{m:02d}"

    def optional_month(self, value: Any, key: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(key, "a month as YYYY-MM, or null (not within the horizon)", value)
            return None
        return self.month(value, key)

    def failure(self, value: Any, key: str) -> Failure:
        if not isinstance(value, dict) or "run" not in value or "error" not in value:
            self.fail(key, 'an object with "run" and "error"', value)
            return Failure(0, "")
        return Failure(self.count(value["run"], f"{key}.run"),
                       self.text(value["error"], f"{key}.error"))

    def each(self, value: Any, key: str, read: Callable[[Any, str], T]) -> list[T]:
        if not isinstance(value, list):
            self.fail(key, "a list", value)
            return []
        return [read(v, f"{key}[{k}]") for k, v in enumerate(value)]

    def mapping(self, value: Any, key: str, read: Callable[[Any, str], T]) -> dict[str, T]:
        if not isinstance(value, dict):
            self.fail(key, "an object", value)
            return {}
        return {str(k): read(v, f"{key}.{k}") for k, v in value.items()}

    def _quantiles(self, value: Any, key: str) -> list[Any] | None:
        if not isinstance(value, dict) or any(q not in value for q in _QUANTILES):
            self.fail(key, 'an object with "p10", "p50" and "p90"', value)
            return None
        return [value[q] for q in _QUANTILES]

    def spread(self, value: Any, key: str) -> Spread:
        found = self._quantiles(value, key)
        if found is None:
            return Spread(None, None, None)
        return Spread(*(self.number(v, f"{key}.{q}") for v, q in zip(found, _QUANTILES,
                                                                    strict=True)))

    def month_spread(self, value: Any, key: str) -> MonthSpread:
        found = self._quantiles(value, key)
        if found is None:
            return MonthSpread(None, None, None)
        return MonthSpread(*(self.optional_month(v, f"{key}.{q}")
                             for v, q in zip(found, _QUANTILES, strict=True)))

    def band(self, series: Any, name: str, width: int) -> Band:
        key = f"series.{name}"
        value = series.get(name) if isinstance(series, dict) else None
        found = self._quantiles(value, key)
        if found is None:
            return Band((), (), ())
        columns: list[tuple[float | None, ...]] = []
        for values, q in zip(found, _QUANTILES, strict=True):
            if not isinstance(values, list) or len(values) != width:
                self.fail(f"{key}.{q}", f"a list of {width} numbers, one per month", values)
                columns.append(())
                continue
            columns.append(tuple(self.number(v, f"{key}.{q}[{k}]")
                                 for k, v in enumerate(values)))
        return Band(*columns)


_KEYS = ("scenario", "mode", "seed", "runs", "done", "failed", "start", "horizon_months",
         "months", "uncertainty", "on_time", "back_at_floor", "back_at_target",
         "idle_system_months", "cost", "series", "headline")


# -- what people read of it (in the current language) -----------------------------------------

def when(month: str | None) -> str:
    """A month of a spread in words: 'Sep 2027', or 'not within the horizon'."""
    return month_name(month) if month else _("not within the horizon")


def month_spread_words(spread: MonthSpread) -> str:
    """'P10 Sep 2027, P50 Jan 2028, P90 not within the horizon'."""
    return ", ".join(f"P{q[1:]} {when(getattr(spread, q))}" for q in _QUANTILES)


def title(sweep: Sweep) -> str:
    """The section's title: 'How sure is this plan' (fixed) or 'What we would plan'."""
    return _(TITLES[sweep.mode])


def _later(spread: MonthSpread) -> tuple[str, ...]:
    """A key putting the latest spread last (not within the horizon after every month)."""
    return tuple(m or "9999-99" for m in (spread.p50, spread.p90, spread.p10))


#: the headline `replenish sweep` writes: the coalition's month back at floor (every member
#: back), at P10, P50 and P90
_HEADLINE = re.compile(r"back at floor: " + ", ".join(
    rf"{q.upper()} (?P<{q}>\d{{4}}-\d{{2}}|not within the horizon)" for q in _QUANTILES) + "$")


def coalition_back_at_floor(sweep: Sweep) -> MonthSpread | None:
    """When every member is back at floor: the sweep's "all" entry, or else its headline
    (which says just that); None if the sweep tells neither."""
    if "all" in sweep.back_at_floor:
        return sweep.back_at_floor["all"]
    found = _HEADLINE.match(sweep.headline.strip())
    if found is None:
        return None
    months = [found.group(q) for q in _QUANTILES]
    return MonthSpread(*(None if m.startswith("not") else m for m in months))


def last_back(spreads: Mapping[str, MonthSpread]) -> tuple[str, MonthSpread] | None:
    """The member last back (the latest P50, then P90, then P10), with its spread."""
    members = sorted(m for m in spreads if m != "all")
    if not members:
        return None
    member = max(members, key=lambda m: _later(spreads[m]))
    return member, spreads[member]


def share(value: float) -> str:
    """A share as a percentage, whole unless that would read 100 % (or 0 %) when it is not."""
    if not 0 < value < 1 or 0.005 <= value < 0.995:
        return percent(value)
    return percent(min(0.999, max(0.001, value)), 1)


def _shares(spread: Spread, words: Callable[[float], str]) -> dict[str, str]:
    return {q: "–" if v is None else words(v)
            for q, v in zip(_QUANTILES, (spread.p10, spread.p50, spread.p90), strict=True)}


def headline(sweep: Sweep) -> list[str]:
    """The sweep in a few sentences: what was varied how often, when members are back at floor,
    the share of requirements on time and idle system-months."""
    if sweep.mode == "fixed":
        lead = _("The plan held as it is, tried in %(done)s of %(runs)s draws of the world: "
                 "production short of capacity, late expansions, consumption surges, pledges "
                 "slipping.")
    else:
        lead = _("The scenario planned again in each of %(done)s of %(runs)s draws of the "
                 "world: production short of capacity, late expansions, consumption surges, "
                 "pledges slipping.")
    said = [lead % {"done": number(sweep.done), "runs": number(sweep.runs)}]
    if sweep.failed:
        said.append(ngettext("%(num)s run failed and is left out.",
                             "%(num)s runs failed and are left out.", len(sweep.failed))
                    % {"num": number(len(sweep.failed))})
    coalition = coalition_back_at_floor(sweep)
    if coalition is not None:
        said.append(_("Every member back at floor: %(spread)s.")
                    % {"spread": month_spread_words(coalition)})
    elif sweep.headline.strip():
        said.append(sweep.headline.strip())  # the sweep's own words, as it wrote them
    back = last_back(sweep.back_at_floor)
    if back is not None:
        said.append(_("Back at floor, the last member (%(member)s): %(spread)s.")
                    % {"member": back[0], "spread": month_spread_words(back[1])})
    on_time = sweep.on_time.get("all")
    if on_time is not None and on_time.p50 is not None:
        said.append(_("Requirements on time: P50 %(p50)s (P10 %(p10)s, P90 %(p90)s).")
                    % _shares(on_time, share))
    if sweep.idle_system_months.p50 is not None:
        said.append(_("Idle system-months: P50 %(p50)s (P10 %(p10)s, P90 %(p90)s).")
                    % _shares(sweep.idle_system_months, number))
    return said


@dataclass(frozen=True)
class MemberRow:
    """A member's line of the table, in words: back at floor and at target (P10, P50, P90),
    and its cost at P50."""

    member: str
    floor: tuple[str, str, str]
    target: tuple[str, str, str]
    cost: str


def member_rows(sweep: Sweep) -> list[MemberRow]:
    """Every member's row ('–' where the sweep does not say)."""
    def months(spread: MonthSpread | None) -> tuple[str, str, str]:
        if spread is None:
            return ("–", "–", "–")
        return (when(spread.p10), when(spread.p50), when(spread.p90))

    return [MemberRow(m, months(sweep.back_at_floor.get(m)), months(sweep.back_at_target.get(m)),
                      _money(sweep.cost.get(m)))
            for m in sweep.members if m != "all"]


def _money(spread: Spread | None) -> str:
    return "–" if spread is None or spread.p50 is None else money(spread.p50)


def on_time_rows(sweep: Sweep) -> list[tuple[str, tuple[str, str, str]]]:
    """The share on time by priority ('all' first), P10, P50 and P90 as percentages."""
    keys = sorted(sweep.on_time, key=lambda k: (k != "all", k))
    spreads = [(k, sweep.on_time[k]) for k in keys]
    return [(_("all") if k == "all" else _("priority %(n)s") % {"n": k},
             (shares["p10"], shares["p50"], shares["p90"]))
            for k, shares in ((k, _shares(s, share)) for k, s in spreads)]


#: the note under the table: what P10, P50 and P90 mean
QUANTILE_NOTE = N_("P10, P50 and P90: a tenth, half and nine tenths of the runs come out at or "
                   "below the figure; for a month, back by then.")
