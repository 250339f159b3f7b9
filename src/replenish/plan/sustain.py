"""Sustainment at a recipient (DESIGN.md "Sustainment"), the one rule every plan follows.

A recipient holds one stock per item: everything that arrives goes into it, whichever
requirement it counts towards. Each month its operational systems (fielded ones, and donated
ones once a crew has trained) fire from that stock the per_platform_month of their consumption
rows, of any usable munition (a row's own or one compatible with the platform). A system is
idle for ammunition only when none of its usable munitions is left; a platform without
consumption rows never is. The recipient's rows of stocks.csv are that stock after what was
fired.

Crews are a plan's decision (the optimiser trains them ahead of a system's arrival, the greedy
planner once it has arrived), so they are given; firing is not: what is usable is fired. When
rounds are short, platforms are served in order of value per round (the objective's weight of
an idle system-month over the rounds it fires), each as fully as any allocation of the month's
rounds allows without taking rounds from one served before it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from replenish.model.records import Consumption, Scenario
from replenish.plan.records import Plan, StockLevel, SustainmentRow
from replenish.plan.score import priority_weight

Pair = tuple[str, str]
#: rounds below this are none (a month's need is at most thousands of rounds)
EPS = 1e-9


@dataclass(frozen=True)
class Platform:
    """A platform a recipient sustains: fielded there, or named by its consumption rows."""

    recipient: str
    platform: str
    fielded: float
    #: rounds one operational system fires a month, over all its consumption rows
    rate: float
    #: munitions it may fire, in the order it draws on them: its rows', then compatible ones
    usable: tuple[str, ...]
    #: the most urgent priority of its consumption rows (5 without any)
    priority: int
    #: an idle system-month's weight per unit of the idle weight: value x priority weight
    weight: float
    #: whether donated systems wait for a crew course (training.csv names the platform)
    trained: bool

    @property
    def pair(self) -> Pair:
        return (self.recipient, self.platform)


def sustained_platforms(scenario: Scenario) -> list[Platform]:
    """Every (recipient, platform) fielded or with consumption rows, sorted by codes."""
    fielded = {(f.recipient, f.platform): f.quantity for f in scenario.fielded}
    rows: dict[Pair, list[Consumption]] = {}
    for c in scenario.consumption:
        rows.setdefault((c.recipient, c.platform), []).append(c)
    rank = {i.code: k for k, i in enumerate(scenario.items)}
    fits: dict[str, list[str]] = {}
    # (a munition of another item group, planning by groups with sustainment split, last)
    for link in sorted(scenario.compatibility,
                       key=lambda link: (rank.get(link.munition, len(rank)), link.munition)):
        fits.setdefault(link.platform, []).append(link.munition)
    courses = {tr.platform for tr in scenario.training}
    items = scenario.item_map
    out = []
    for pair in sorted(set(fielded) | set(rows)):
        own = rows.get(pair, [])
        usable = tuple(dict.fromkeys([c.munition for c in own] + fits.get(pair[1], []))
                       ) if own else ()
        priority = min((c.priority for c in own), default=5)
        out.append(Platform(pair[0], pair[1], fielded.get(pair, 0.0),
                            sum(c.per_platform_month for c in own), usable, priority,
                            priority_weight(scenario.settings, priority)
                            * items[pair[1]].unit_cost, pair[1] in courses))
    return out


def plan_arrivals(scenario: Scenario, plan: Plan) -> dict[Pair, np.ndarray]:
    """Units arriving at each recipient per item and month of the horizon: its donations and
    the orders bought for it."""
    H = scenario.horizon
    recipients = {n.code for n in scenario.recipients}
    out: dict[Pair, np.ndarray] = {}
    moves = [(d.recipient, d.item, d.arrival_month, d.quantity) for d in plan.donations]
    moves += [(o.destination, o.item, o.arrival_month, o.quantity) for o in plan.orders]
    for rec, item, month, q in moves:
        if rec in recipients and 0 <= month < H:
            out.setdefault((rec, item), np.zeros(H))[month] += q
    return out


def fleet_sizes(platform: Platform, arrivals: Mapping[Pair, np.ndarray],
                horizon: int) -> np.ndarray:
    """Systems at the recipient each month: fielded plus those arrived so far."""
    return platform.fielded + np.cumsum(arrivals.get(platform.pair, np.zeros(horizon)))


def crew_starts(scenario: Scenario, arrivals: Mapping[Pair, np.ndarray],
                ahead: bool) -> dict[Pair, np.ndarray]:
    """Crews starting their course each month for donated systems, every course seat taken as
    soon as a system waits for a crew: `ahead`, every system the plan delivers within the
    horizon (a crew trains while its system is on the way, as the optimiser's model allows),
    else only those arrived (by hand). Recipients of one platform share its seats by
    priority."""
    H = scenario.horizon
    courses = {tr.platform: tr for tr in scenario.training}
    seats: dict[tuple[str, int], float] = {}
    out: dict[Pair, np.ndarray] = {}
    trained = [p for p in sustained_platforms(scenario) if p.trained]
    for p in sorted(trained, key=lambda p: (p.priority, p.pair)):
        course = courses[p.platform]
        fleet = fleet_sizes(p, arrivals, H)
        waiting = (np.full(H, fleet[-1]) if ahead else fleet) - p.fielded
        starts = np.zeros(H)
        for t in range(H):
            free = course.seats_per_month - seats.get((p.platform, t), 0.0)
            starts[t] = max(0.0, min(free, float(waiting[t] - starts.sum())))
            seats[(p.platform, t)] = seats.get((p.platform, t), 0.0) + starts[t]
        out[p.pair] = starts
    return out


def train_crews(scenario: Scenario, arrivals: Mapping[Pair, np.ndarray],
                ahead: bool) -> dict[Pair, np.ndarray]:
    """Crews trained by each month for donated systems, from `crew_starts` (same readings)."""
    H = scenario.horizon
    courses = {tr.platform: tr.course_months for tr in scenario.training}
    out: dict[Pair, np.ndarray] = {}
    for pair, starts in crew_starts(scenario, arrivals, ahead).items():
        wait = min(H, courses[pair[1]])
        out[pair] = np.concatenate([np.zeros(wait), np.cumsum(starts)[:H - wait]])
    return out


def crews_in_training(scenario: Scenario, arrivals: Mapping[Pair, np.ndarray],
                      ahead: bool) -> dict[Pair, np.ndarray]:
    """Crews on their course at each month (started, not yet finished), from `crew_starts`."""
    courses = {tr.platform: tr.course_months for tr in scenario.training}
    out: dict[Pair, np.ndarray] = {}
    for pair, starts in crew_starts(scenario, arrivals, ahead).items():
        started = np.cumsum(starts)
        course = courses[pair[1]]
        finished = np.concatenate([np.zeros(course), started])[:len(started)]
        out[pair] = started - finished
    return out


def simulate_sustainment(scenario: Scenario, arrivals: Mapping[Pair, np.ndarray],
                         crews: Mapping[Pair, np.ndarray]
                         ) -> tuple[list[StockLevel], list[SustainmentRow]]:
    """Recipients' end-of-month stocks and sustainment rows of a plan.

    `arrivals`: units arriving per (recipient, item), by month of the horizon. `crews`: crews
    trained by each month for donated systems, per (recipient, platform) whose platform has a
    course (missing: none).
    """
    H = scenario.horizon
    platforms = sustained_platforms(scenario)
    fleets = [fleet_sizes(p, arrivals, H) for p in platforms]
    operational = [np.minimum(fleet, p.fielded + crews.get(p.pair, np.zeros(H)))
                   if p.trained else fleet for p, fleet in zip(platforms, fleets, strict=True)]
    keys = sorted({k for k, q in arrivals.items() if np.any(q)}
                  | {(p.recipient, m) for p in platforms for m in p.usable})
    level, fired = _fire_months(platforms, operational, keys, arrivals, H)
    stocks = _stock_rows(scenario, level)
    written = {(s.nation, s.item, s.month): s.on_hand for s in stocks}
    rows = []
    for k, p in enumerate(platforms):
        for t in range(H):
            op = float(operational[k][t])
            active = min(op, float(fired[k, t]) / p.rate) if p.rate > 0 else op
            left = sum(written[(p.recipient, m, t)] for m in p.usable)
            need = p.rate * op
            rows.append(SustainmentRow(
                p.recipient, p.platform, t, _six(op), _six(op - active),
                _six(float(fleets[k][t]) - op), round(left / need, 2) if need > EPS else 0.0))
    return stocks, rows


def _fire_months(platforms: list[Platform], operational: list[np.ndarray], keys: list[Pair],
                 arrivals: Mapping[Pair, np.ndarray], horizon: int
                 ) -> tuple[dict[Pair, np.ndarray], np.ndarray]:
    """Month by month, what arrives is added to the stock and the operational systems fire
    from it: the stock at each month's end per key, and the rounds each platform fired."""
    held = dict.fromkeys(keys, 0.0)
    level = {k: np.zeros(horizon) for k in keys}
    fired = np.zeros((len(platforms), horizon))
    order = _firing_order(platforms)
    for t in range(horizon):
        for key in keys:
            if key in arrivals:
                held[key] += float(arrivals[key][t])
        needs = [p.rate * float(operational[k][t]) for k, p in enumerate(platforms)]
        for group in order:
            for k, q in _fire(platforms, group, needs, held).items():
                fired[k, t] = q
        for key in keys:
            level[key][t] = held[key]
    return level, fired


def _six(x: float) -> float:
    """A count of systems to 6 decimals, never -0.0 or below zero by rounding."""
    return max(0.0, round(float(x), 6)) + 0.0


def _firing_order(platforms: list[Platform]) -> list[list[int]]:
    """Platforms that fire, per recipient, most valuable idle system-month per round first."""
    by_recipient: dict[str, list[int]] = {}
    for k, p in enumerate(platforms):
        if p.rate > 0:
            by_recipient.setdefault(p.recipient, []).append(k)
    return [sorted(ks, key=lambda k: -platforms[k].weight / platforms[k].rate)
            for _, ks in sorted(by_recipient.items())]


def _fire(platforms: list[Platform], order: list[int], need: list[float],
          held: dict[Pair, float]) -> dict[int, float]:
    """Rounds each platform of one recipient fires this month, drawn from `held` (reduced).

    Platforms in `order` each get what they need while any way remains to give it: a round
    from a usable munition with stock, or one freed by moving a platform served before to
    another of its munitions (an augmenting path), so that no one served is short again.
    """
    draws: dict[int, dict[str, float]] = {}
    fired: dict[int, float] = {}
    for k in order:
        draws[k] = {}
        left = need[k]
        while left > EPS:
            path = _augmenting_path(platforms, k, draws, held)
            if path is None:
                break
            rec = platforms[k].recipient
            q = min(left, held[(rec, path[-1][2])],
                    *(draws[j][m] for j, m, _ in path if m is not None))
            for j, m, to in path:
                if m is not None:
                    draws[j][m] -= q
                draws[j][to] = draws[j].get(to, 0.0) + q
            held[(rec, path[-1][2])] -= q
            left -= q
        fired[k] = need[k] - left
    return fired


def _augmenting_path(platforms: list[Platform], k: int, draws: dict[int, dict[str, float]],
                     held: dict[Pair, float]) -> list[tuple[int, str | None, str]] | None:
    """The shortest way to give platform k a round, as steps (platform, from, to): k draws
    from a usable munition, each next platform moves what it drew from the one before to
    another of its own, and the last munition has stock; None where there is none."""
    rec = platforms[k].recipient
    came: dict[str, tuple[int, str | None]] = {}
    queue: deque[str] = deque()
    for m in platforms[k].usable:
        came.setdefault(m, (k, None))
        queue.append(m)
    while queue:
        m = queue.popleft()
        if held[(rec, m)] > EPS:
            path: list[tuple[int, str | None, str]] = []
            to: str | None = m
            while to is not None:
                j, frm = came[to]
                path.append((j, frm, to))
                to = frm
            return path[::-1]
        for j, drawn in draws.items():
            if j != k and drawn.get(m, 0.0) > EPS:
                for other in platforms[j].usable:
                    if other not in came:
                        came[other] = (j, m)
                        queue.append(other)
    return None


def _stock_rows(scenario: Scenario, level: dict[Pair, np.ndarray]) -> list[StockLevel]:
    """Stock rows of the recipients: rounds of a whole-number munition are fired whole, the
    running total of a month's firing rounded up, so its stock is what is left rounded down."""
    items = scenario.item_map
    out = []
    for (rec, item), held in level.items():
        if items[item].integer:
            values = [float(math.floor(q + 1e-6)) for q in held]
        else:
            values = [max(0.0, round(float(q), 6)) + 0.0 for q in held]
        out += [StockLevel(rec, item, t, q, None, None) for t, q in enumerate(values)]
    return out
