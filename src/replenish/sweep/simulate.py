"""What a fixed plan delivers in a drawn world: its rows replayed month by month.

The plan (made on the unperturbed scenario) is not re-optimised; its orders, donations and
expansions are replayed against the draw, and the result is a `Plan` of what happened, so that
the sweep measures it with the same functions as a plan (plan/totals.py). The rules, each a
simplification of what would really happen:

- A line makes at most its drawn capacity each month: base capacity x (1 - shortfall), plus
  the plan's expansion of it from its `available_from` + the drawn expansion delay. An integer
  item's line makes whole units; the unused fraction of a month's capacity carries over only
  while orders wait.
- Orders are made in the plan's order (production month, then row order). What a line
  cannot make in its planned month waits for the next month's spare output; what is not made
  within the horizon is never made (and never paid for).
- A unit made in month t arrives at the plan's arrival month + (t - planned production month)
  + the line's drawn extra lead time.
- A donation of a pledge that falls through is not made; a slipping pledge's donations leave
  the drawn months later. A donor dispatches only what its simulated stock holds (arrivals
  of the month first); the rest waits for its next arrivals, in the plan's order. What has
  not left by the horizon's end never leaves.
- Arrivals at a recipient meet its requirements by DESIGN.md's family rule: each arriving unit
  goes to the open requirement it may meet that is due soonest and not yet late (ties: higher
  priority, then the one of that item over a family one, then id), else to the late one of
  highest priority. Arrivals after the horizon meet nothing.
- Cost is what was made, at the plan's prices, plus the plan's expansion cost (paid in
  month 0 whatever happens).
- Idle system-months (`idle_estimate`) keep the plan's crews and ammunition deliveries; only
  consumption above plan is counted: a platform whose ammunition at hand covered c months of
  fire at the plan's rate covers c / factor at the drawn rate, and the uncovered part of the
  month is idle. Reserves used up earlier and late munitions are not carried into later
  months, so this is a low estimate.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict, deque
from collections.abc import Iterable

from replenish.errors import Problem, ScenarioError
from replenish.model.records import ProductionLine, Requirement, Scenario
from replenish.plan.records import Donation, Expansion, Fulfilment, Order, Plan, StockLevel
from replenish.sweep.draws import Draw

TOL = 1e-9


def check_plan_fits(plan: Plan, scenario: Scenario) -> None:
    """Refuse a plan whose orders name lines the scenario does not have (a plan of another
    scenario)."""
    lines = {ln.key for ln in scenario.lines}
    unknown = sorted({(o.producer, o.item) for o in plan.orders} - lines)
    if unknown:
        raise ScenarioError([Problem("orders.csv", None, "producer", (
            f"the plan orders from lines the scenario does not have "
            f"({', '.join(f'{p} {i}' for p, i in unknown[:5])}); expected a plan of this "
            "scenario"))])


def simulate(plan: Plan, scenario: Scenario, d: Draw) -> Plan:
    """What `plan` delivers in the world of draw `d` (see the module's rules)."""
    check_plan_fits(plan, scenario)
    orders = _produce(plan, scenario, d)
    donations, stocks = _dispatch(plan, scenario, d, orders)
    recipients = {n.code for n in scenario.recipients}
    arrivals = [(o.destination, o.item, o.arrival_month, o.quantity) for o in orders
                if o.destination in recipients]
    arrivals += [(g.recipient, g.item, g.arrival_month, g.quantity) for g in donations]
    return Plan(method=plan.method, status="simulated", objective=math.nan,
                procurement=plan.procurement, donations=donations, orders=orders,
                expansions=[dataclasses.replace(e, available_from=e.available_from
                                                + d.expansion_delay.get((e.producer, e.item), 0))
                            for e in plan.expansions],
                stocks=stocks, fulfilment=fulfil(scenario, arrivals),
                expansion_shares=dict(plan.expansion_shares), contracts=list(plan.contracts))


def capacity_by_month(line: ProductionLine, expansions: Iterable[Expansion], d: Draw,
                      horizon: int) -> list[float]:
    """A line's drawn capacity in each month of the horizon."""
    base = line.capacity * (1.0 - d.shortfall.get(line.key, 0.0))
    delay = d.expansion_delay.get(line.key, 0)
    out = [base] * horizon
    for e in expansions:
        for t in range(max(0, e.available_from + delay), horizon):
            out[t] += e.added_capacity
    return out


def _produce(plan: Plan, scenario: Scenario, d: Draw) -> list[Order]:
    """The orders as the lines make them: one row per order and month it is made in."""
    by_line: dict[tuple[str, str], list[Order]] = defaultdict(list)
    for o in sorted(plan.orders, key=lambda o: o.production_month):   # stable: plan order
        by_line[(o.producer, o.item)].append(o)
    expansions: dict[tuple[str, str], list[Expansion]] = defaultdict(list)
    for e in plan.expansions:
        expansions[(e.producer, e.item)].append(e)
    made: list[Order] = []
    for line in scenario.lines:
        if line.key in by_line:
            whole = scenario.item(line.item).integer
            capacity = capacity_by_month(line, expansions[line.key], d, scenario.horizon)
            made += _run_line(by_line[line.key], capacity, whole,
                              d.extra_lead.get(line.key, 0))
    return made


def _run_line(orders: list[Order], capacity: list[float], whole: bool,
              extra_lead: int) -> list[Order]:
    """One line month by month: planned orders join the queue, the month's capacity makes
    them first come, first made."""
    queue: deque[tuple[Order, float]] = deque()
    pending = deque(orders)
    made: list[Order] = []
    carry = 0.0
    for t, cap in enumerate(capacity):
        while pending and pending[0].production_month <= t:
            o = pending.popleft()
            queue.append((o, o.quantity))
        free = cap + carry
        usable = math.floor(free + TOL) if whole else free
        used = 0.0
        while queue and usable - used > TOL:
            o, left = queue[0]
            take = min(left, usable - used)
            used += take
            delay = t - o.production_month
            made.append(dataclasses.replace(o, production_month=t, quantity=take,
                                            arrival_month=o.arrival_month + delay + extra_lead))
            if left - take > TOL:
                queue[0] = (o, left - take)
            else:
                queue.popleft()
        carry = free - used if queue and whole else 0.0
    return made


def _dispatch(plan: Plan, scenario: Scenario, d: Draw, made: list[Order]
              ) -> tuple[list[Donation], list[StockLevel]]:
    """Donations as donors' simulated stocks allow, and members' stocks at each month's end."""
    members = {m.code for m in scenario.members}
    arriving: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0] * scenario.horizon)
    for o in made:
        if o.destination in members and 0 <= o.arrival_month < scenario.horizon:
            arriving[(o.destination, o.item)][o.arrival_month] += o.quantity
    planned: dict[tuple[str, str], list[Donation]] = defaultdict(list)
    for g in plan.donations:
        if g.pledge in d.lapsed:
            continue
        slip = d.pledge_slip.get(g.pledge, 0) if g.pledge else 0
        planned[(g.donor, g.item)].append(dataclasses.replace(
            g, dispatch_month=g.dispatch_month + slip, arrival_month=g.arrival_month + slip))
    levels = {(s.nation, s.item): s for s in scenario.stocks if s.nation in members}
    dispatched: list[Donation] = []
    stocks: list[StockLevel] = []
    for key in sorted(set(levels) | set(arriving) | set(planned)):
        opening = levels[key].on_hand if key in levels else 0.0
        rows, sent = _run_stock(key, opening, arriving.get(key), planned.get(key, []),
                                scenario.horizon)
        dispatched += sent
        s = levels.get(key)
        stocks += [StockLevel(key[0], key[1], t, q, s.floor if s else None,
                              s.target if s else None) for t, q in enumerate(rows)]
    return dispatched, stocks


def _run_stock(key: tuple[str, str], on_hand: float, arriving: list[float] | None,
               planned: list[Donation], horizon: int) -> tuple[list[float], list[Donation]]:
    """One member's stock of one item month by month: arrivals first, then what it can give of
    the donations due, in the plan's order."""
    pending = deque(sorted(planned, key=lambda g: g.dispatch_month))
    queue: deque[tuple[Donation, float]] = deque()
    levels: list[float] = []
    sent: list[Donation] = []
    for t in range(horizon):
        on_hand += arriving[t] if arriving else 0.0
        while pending and pending[0].dispatch_month <= t:
            g = pending.popleft()
            queue.append((g, g.quantity))
        while queue and on_hand > TOL:
            g, left = queue[0]
            take = min(left, on_hand)
            on_hand -= take
            sent.append(dataclasses.replace(g, dispatch_month=t, quantity=take,
                                            arrival_month=g.arrival_month + t
                                            - g.dispatch_month))
            if left - take > TOL:
                queue[0] = (g, left - take)
            else:
                queue.popleft()
        levels.append(on_hand)
    return levels, sent


def fulfil(scenario: Scenario, arrivals: list[tuple[str, str, int, float]]
           ) -> list[Fulfilment]:
    """Arrivals (recipient, item, month, quantity) as they meet requirements (module rules)."""
    left = {r.id: r.quantity for r in scenario.requirements}
    wanting: dict[tuple[str, str, str], list[Requirement]] = defaultdict(list)
    for r in scenario.requirements:
        key = ("item", r.item) if r.item else ("family", r.family or "")
        wanting[(r.recipient, *key)].append(r)
    out: list[Fulfilment] = []
    for recipient, item, month, quantity in sorted(arrivals, key=lambda a: a[2]):
        if not 0 <= month < scenario.horizon:
            continue
        open_ = [r for key in (("item", item), ("family", scenario.item(item).family))
                 for r in wanting.get((recipient, *key), ()) if left[r.id] > TOL]
        for r in sorted(open_, key=lambda r: _claim(r, month)):
            if quantity <= TOL:
                break
            take = min(quantity, left[r.id])
            left[r.id] -= take
            quantity -= take
            out.append(Fulfilment(r.id, item, month, take, month > r.needed_by))
    return out


def _claim(r: Requirement, month: int) -> tuple[int, int, int, int, str]:
    """Which requirement an arrival in `month` meets first: on time before late, soonest due
    (on time) or highest priority (late), an item's before a family's."""
    late = month > r.needed_by
    return (int(late), r.priority if late else r.needed_by, r.needed_by if late else r.priority,
            int(r.item is None), r.id)


def idle_estimate(plan: Plan, d: Draw) -> float:
    """Idle system-months of the partner's systems with the plan's deliveries and the drawn
    consumption (module rules)."""
    idle = 0.0
    for r in plan.sustainment:
        idle += r.idle_no_crew
        factor = d.consumption.get(r.platform, 1.0)
        if r.operational <= TOL or factor <= 1.0:
            idle += r.idle_no_ammo
            continue
        cover = r.ammo_cover_months + 1.0 - r.idle_no_ammo / r.operational
        idle += max(r.idle_no_ammo, r.operational * max(0.0, 1.0 - cover / factor))
    return idle
