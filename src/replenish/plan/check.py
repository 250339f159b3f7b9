"""Independent checker of a written plan against the rules of DESIGN.md.

It reads the plan files through the plan reader (what cannot be read is a `[format]`
violation) and is written from DESIGN.md, not from the optimiser, so that a mistake in the
model is unlikely to be repeated here; only the commitment rule is shared, as the contract
states it once (plan/rules.py). Every violation is one line `[rule] who what when: what is
wrong`, naming the nation, item, line or pledge and the month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replenish.errors import Problem
from replenish.model.records import Item, ProductionLine, Route, Scenario, Stock
from replenish.plan.reader import PLAN_FILES, read_summary, read_table
from replenish.plan.rules import (
    commitment_factor,
    committed_output,
    expansion_months,
    needed_commitment,
)

#: Relative tolerance of every comparison (absolute below magnitude 1).
REL_TOL = 1e-6
#: spending may exceed a budget by a cent and a billionth of it, no more: the files state
#: quantities of items bought in part to 6 decimals, so an order of 189.7251294 rounds
#: shells at 9,940 each to 0.0006 more than the plan paid; REL_TOL would let 396 through on a
#: budget of 396,000,000
MONEY_TOL, MONEY_REL_TOL = 0.01, 1e-9

Row = dict[str, Any]
Sums = defaultdict[tuple[Any, ...], float]

#: the plan files every plan has (contracts.csv is read where a joint plan wrote it)
_FILES = ("donations.csv", "orders.csv", "production.csv", "expansions.csv", "stocks.csv",
          "fulfilment.csv")
_QUANTITIES = {"donations.csv": "quantity", "orders.csv": "quantity",
               "production.csv": "quantity", "stocks.csv": "on_hand",
               "fulfilment.csv": "quantity"}
_SUMMARY_KEYS = ("status", "objective", "procurement", "requirements", "readiness", "cost",
                 "expansion", "timings")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def _le(a: float, b: float) -> bool:
    return a <= b + REL_TOL * max(1.0, abs(a), abs(b))


def _sum(rows: Iterable[Row], keys: tuple[str, ...], into: Sums | None = None) -> Sums:
    """Quantities summed by the given columns."""
    sums: Sums = into if into is not None else defaultdict(float)
    for row in rows:
        sums[tuple(row[k] for k in keys)] += row["quantity"]
    return sums


@dataclass
class _Ctx:
    """The scenario, the parsed plan files and the sums every rule needs."""

    sc: Scenario
    t: dict[str, list[Row]]
    out: list[str]
    lines: dict[tuple[str, str], ProductionLine] = field(init=False)
    routes: dict[str, Route] = field(init=False)
    stocks: dict[tuple[str, str], Stock] = field(init=False)
    items: dict[str, Item] = field(init=False)
    members: set[str] = field(init=False)
    recipients: set[str] = field(init=False)
    arrivals: Sums = field(init=False)
    dispatched: Sums = field(init=False)
    line_orders: Sums = field(init=False)
    buyer_orders: Sums = field(init=False)
    expansions: dict[tuple[str, str], list[Row]] = field(init=False)
    #: joint plans: expansion cost per (producer, item) and buyer, from contracts.csv if written
    contract_shares: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    stock_rows: dict[tuple[str, str, int], Row] = field(init=False)
    #: throughput.csv's rows; None where the plan has no such file
    throughput: list[Row] | None = None

    def __post_init__(self) -> None:
        sc, orders, donations = self.sc, self.t["orders.csv"], self.t["donations.csv"]
        self.lines = {line.key: line for line in sc.lines}
        self.routes = {route.code: route for route in sc.routes}
        self.stocks = {(s.nation, s.item): s for s in sc.stocks}
        self.items = sc.item_map
        self.members = {n.code for n in sc.members}
        self.recipients = {n.code for n in sc.recipients}
        self.arrivals = _sum(orders, ("destination", "item", "arrival_month"))
        _sum(donations, ("recipient", "item", "arrival_month"), self.arrivals)
        self.dispatched = _sum(donations, ("donor", "item", "dispatch_month"))
        self.line_orders = _sum(orders, ("producer", "item", "production_month"))
        self.buyer_orders = _sum(orders, ("buyer", "producer", "item", "production_month"))
        self.expansions = defaultdict(list)
        for row in self.t["expansions.csv"]:
            self.expansions[(row["producer"], row["item"])].append(row)
        self.stock_rows = {}
        for row in self.t["stocks.csv"]:
            key = (row["nation"], row["item"], row["month"])
            if key in self.stock_rows:
                self.add("stocks", f"{key[0]} {key[1]} {self.m(key[2])}: duplicate row")
            self.stock_rows[key] = row

    def add(self, rule: str, message: str) -> None:
        self.out.append(f"[{rule}] {message}")

    def m(self, t: int) -> str:
        return self.sc.settings.month(t)

    def floor(self, nation: str, item: str) -> float:
        stock = self.stocks.get((nation, item))
        return stock.floor if stock else 0.0

    def expansion_at(self, line: ProductionLine, t: int) -> float:
        """Capacity added to `line` that is available in month t."""
        return sum(r["added_capacity"] for r in self.expansions.get(line.key, [])
                   if t >= max(r["available_from"], line.expansion_lead_time))

    def expansion_months(self, line: ProductionLine) -> range:
        return expansion_months(line, self.sc.horizon)


def _check_orders(ctx: _Ctx) -> None:
    """Buyers are members, destinations the buyer or a recipient, lines exist, lead times hold."""
    for r in ctx.t["orders.csv"]:
        prod, arr = r["production_month"], r["arrival_month"]
        where = f"order {r['buyer']}->{r['destination']} {r['producer']} {r['item']} {ctx.m(prod)}"
        if r["buyer"] not in ctx.members:
            ctx.add("roles", f"{where}: buyer {r['buyer']} is not a member")
        if r["destination"] != r["buyer"] and r["destination"] not in ctx.recipients:
            ctx.add("roles", f"{where}: destination must be the buyer itself or a recipient")
        if r["quantity"] < 0:
            ctx.add("quantity", f"{where}: negative quantity {r['quantity']:g}")
        if not 0 <= prod < ctx.sc.horizon:
            ctx.add("horizon", f"{where}: production month outside the horizon")
        line = ctx.lines.get((r["producer"], r["item"]))
        if line is None:
            ctx.add("production", f"{where}: no production line {r['producer']} for {r['item']}")
            continue
        route = ctx.routes.get(r["route"] or "")
        if route is not None and r["destination"] in ctx.recipients:
            expected = prod + line.lead_time + route.lead_months
            if arr != expected:
                ctx.add("delivery", f"{where}: arrives {ctx.m(arr)}, expected "
                                    f"{ctx.m(expected)} (lead_time {line.lead_time} and route "
                                    f"{route.code}'s lead_months {route.lead_months})")
        elif arr != prod + line.lead_time:
            ctx.add("lead time", f"{where}: arrives {ctx.m(arr)}, expected "
                                 f"{ctx.m(prod + line.lead_time)} (lead_time {line.lead_time})")
        prices = [line.unit_price] + [b.unit_price for b in ctx.sc.price_breaks
                                      if (b.producer, b.item) == line.key]
        if not any(_close(r["unit_price"], p) for p in prices):
            ctx.add("price", f"{where}: unit_price {r['unit_price']:g} is not a price of the line")


def _check_donations(ctx: _Ctx) -> None:
    """Donations go from members to recipients and arrive delivery_lead_months later."""
    lead = ctx.sc.settings.delivery_lead_months
    for r in ctx.t["donations.csv"]:
        sent, arr = r["dispatch_month"], r["arrival_month"]
        where = f"donation {r['donor']}->{r['recipient']} {r['item']} {ctx.m(sent)}"
        if r["donor"] not in ctx.members:
            ctx.add("roles", f"{where}: donor {r['donor']} is not a member")
        if r["recipient"] not in ctx.recipients:
            ctx.add("roles", f"{where}: {r['recipient']} is not a recipient")
        if r["item"] not in ctx.items:
            ctx.add("roles", f"{where}: unknown item {r['item']}")
        if r["quantity"] < 0:
            ctx.add("quantity", f"{where}: negative quantity {r['quantity']:g}")
        if not 0 <= sent < ctx.sc.horizon:
            ctx.add("horizon", f"{where}: dispatch month outside the horizon")
        route = ctx.routes.get(r["route"] or "")
        if route is not None:
            if arr != sent + route.lead_months:
                ctx.add("delivery", f"{where}: arrives {ctx.m(arr)}, expected "
                                    f"{ctx.m(sent + route.lead_months)} (route {route.code}'s "
                                    f"lead_months {route.lead_months})")
        elif arr != sent + lead:
            ctx.add("lead time", f"{where}: arrives {ctx.m(arr)}, expected {ctx.m(sent + lead)} "
                                 f"(delivery_lead_months {lead})")


def _check_routes(ctx: _Ctx) -> None:
    """Where routes.csv exists, everything that reaches a recipient travels one route from its
    origin (a donation's donor, an order's line's nation) to that recipient, and the tonnes
    arriving over each route and hub in a month stay within their capacity_tonnes; without
    it, nothing names a route."""
    sc = ctx.sc
    shipments = [(f"donation {r['donor']}->{r['recipient']} {r['item']} "
                  f"{ctx.m(r['dispatch_month'])}", r, r["donor"], r["recipient"])
                 for r in ctx.t["donations.csv"]]
    for r in ctx.t["orders.csv"]:
        line = ctx.lines.get((r["producer"], r["item"]))
        where = (f"order {r['buyer']}->{r['destination']} {r['producer']} {r['item']} "
                 f"{ctx.m(r['production_month'])}")
        if r["destination"] in ctx.recipients and line is not None:
            shipments.append((where, r, line.nation, r["destination"]))
        elif r["route"]:
            ctx.add("delivery", f"{where}: route {r['route']} on an order that does not go "
                                "to a recipient")
    if not sc.routes:
        for where, r, _, _ in shipments:
            if r["route"]:
                ctx.add("delivery", f"{where}: route {r['route']} but the scenario has no "
                                    "routes.csv")
        return
    weight = {i.code: i.tonnes_per_unit for i in sc.items}
    tonnes: Sums = defaultdict(float)
    for where, r, origin, recipient in shipments:
        route = ctx.routes.get(r["route"] or "")
        if route is None:
            ctx.add("delivery", f"{where}: expected a route of routes.csv from {origin} to "
                                f"{recipient}, got {r['route'] or 'none'}")
            continue
        if (route.origin, route.recipient) != (origin, recipient):
            ctx.add("delivery", f"{where}: route {route.code} goes from {route.origin} to "
                                f"{route.recipient}, not from {origin} to {recipient}")
        t = r["quantity"] * weight.get(r["item"], 0.0)
        tonnes[("route", route.code, r["arrival_month"])] += t
        if route.hub is not None:
            tonnes[("hub", route.hub, r["arrival_month"])] += t
    capacity = {("route", x.code): x.capacity_tonnes for x in sc.routes}
    capacity.update({("hub", h.code): h.capacity_tonnes for h in sc.hubs})
    for (kind, code, month), used in sorted(tonnes.items()):
        cap = capacity.get((kind, code))
        if cap is not None and not _le(used, cap):
            ctx.add("delivery", f"{kind} {code} {ctx.m(month)}: {used:g} tonnes arrive, "
                                f"capacity_tonnes {cap:g}")
    _check_throughput(ctx, tonnes, capacity)


def _check_throughput(ctx: _Ctx, tonnes: Sums,
                      capacity: dict[tuple[str, str], float | None]) -> None:
    """throughput.csv, where routes.csv exists: a row per hub and route and month with the
    tonnes the donations and orders bring over it then, and its capacity_tonnes."""
    if ctx.throughput is None:
        ctx.add("delivery", "throughput.csv: missing; expected it where routes.csv exists")
        return
    seen: set[tuple[str, str, int]] = set()
    for r in ctx.throughput:
        key = (r["kind"], r["code"], r["month"])
        where = f"throughput.csv {r['kind']} {r['code']} {ctx.m(r['month'])}"
        if (r["kind"], r["code"]) not in capacity:
            ctx.add("delivery", f"{where}: not a hub or route of the scenario")
            continue
        if key in seen:
            ctx.add("delivery", f"{where}: duplicate row")
        seen.add(key)
        if not _close(r["tonnes"], tonnes.get(key, 0.0)):
            ctx.add("delivery", f"{where}: {r['tonnes']:g} tonnes, but the donations and "
                                f"orders bring {tonnes.get(key, 0.0):g}")
        cap = capacity[(r["kind"], r["code"])]
        if (cap is None) != (r["capacity_tonnes"] is None) or (
                cap is not None and not _close(cap, r["capacity_tonnes"])):
            ctx.add("delivery", f"{where}: capacity_tonnes {r['capacity_tonnes']}, the "
                                f"scenario says {cap}")
    for key, used in sorted(tonnes.items()):
        if key not in seen and used > 0:
            ctx.add("delivery", f"throughput.csv {key[0]} {key[1]} {ctx.m(key[2])}: no row, "
                                f"but {used:g} tonnes arrive")


def _check_member_stocks(ctx: _Ctx) -> None:
    """on_hand[t] = on_hand[t-1] + arrivals[t] - dispatched[t], never negative, for members."""
    positions = dict.fromkeys(ctx.stocks)
    positions.update(dict.fromkeys((k[0], k[1]) for k in ctx.arrivals if k[0] in ctx.members))
    positions.update(dict.fromkeys((k[0], k[1]) for k in ctx.dispatched if k[0] in ctx.members))
    for n, i in positions:
        stock = ctx.stocks.get((n, i))
        prev = stock.on_hand if stock else 0.0
        for t in range(ctx.sc.horizon):
            where = f"{n} {i} {ctx.m(t)}"
            arrived, sent = ctx.arrivals[(n, i, t)], ctx.dispatched[(n, i, t)]
            expected = prev + arrived - sent
            row = ctx.stock_rows.get((n, i, t))
            if row is None:
                ctx.add("stocks", f"{where}: no row in stocks.csv")
                prev = expected
                continue
            q = row["on_hand"]
            if not _close(q, expected):
                ctx.add("stock balance", f"{where}: on_hand {q:g}, expected {prev:g} + arrivals "
                                         f"{arrived:g} - dispatched {sent:g} = {expected:g}")
            if q < -REL_TOL:
                ctx.add("negative stock", f"{where}: on_hand {q:g} is negative")
            want = (stock.floor, stock.target) if stock else (0.0, 0.0)
            got = (row["floor"] or 0.0, row["target"] or 0.0)
            if not (_close(got[0], want[0]) and _close(got[1], want[1])):
                ctx.add("stocks", f"{where}: floor/target {got[0]:g}/{got[1]:g}, "
                                  f"scenario says {want[0]:g}/{want[1]:g}")
            prev = q


def _usable(sc: Scenario) -> dict[tuple[str, str], set[str]]:
    """Munitions each recipient platform with consumption rows fires: its rows' own and those
    compatible with the platform."""
    fits: dict[str, set[str]] = defaultdict(set)
    for c in sc.compatibility:
        fits[c.platform].add(c.munition)
    usable: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u in sc.consumption:
        usable[(u.recipient, u.platform)] |= {u.munition} | fits[u.platform]
    return dict(usable)


def _check_recipient_stocks(ctx: _Ctx) -> None:
    """A recipient holds one stock per item: what arrived, less what its systems fired. It never
    rises by more than arrived, and only a munition its systems may fire ever falls."""
    fired = {(r, m) for (r, _p), ms in _usable(ctx.sc).items() for m in ms}
    keys = {(k[0], k[1]) for k in ctx.arrivals if k[0] in ctx.recipients and k[2] < ctx.sc.horizon}
    keys |= {(k[0], k[1]) for k in ctx.stock_rows if k[0] in ctx.recipients}
    for n, i in sorted(keys):
        cum = prev = 0.0
        for t in range(ctx.sc.horizon):
            where = f"{n} {i} {ctx.m(t)}"
            arrived = ctx.arrivals[(n, i, t)]
            cum += arrived
            row = ctx.stock_rows.get((n, i, t))
            if row is None:
                ctx.add("stocks", f"{where}: no row in stocks.csv")
                continue
            q = row["on_hand"]
            if (n, i) in fired:
                ok = q >= -REL_TOL and _le(q, prev + arrived)
            else:
                ok = _close(q, cum)
            if not ok:
                ctx.add("stock balance", f"{where}: recipient on_hand {q:g} does not follow from "
                                         f"{cum:g} arrived so far")
            prev = q
    for n, i, t in ctx.stock_rows:
        if n not in ctx.members and n not in ctx.recipients:
            ctx.add("stocks", f"{n} {i} {ctx.m(t)}: {n} is not a nation of the scenario")
        elif not 0 <= t < ctx.sc.horizon:
            ctx.add("stocks", f"{n} {i} {ctx.m(t)}: month outside the horizon")


def _sustainment_rows(ctx: _Ctx) -> dict[tuple[str, str, int], Row]:
    """sustainment.csv by (recipient, platform, month), with a violation per duplicate."""
    rows: dict[tuple[str, str, int], Row] = {}
    for r in ctx.t.get("sustainment.csv", []):
        key = (r["recipient"], r["platform"], r["month"])
        if key in rows:
            ctx.add("sustainment", f"{key[0]} {key[1]} {ctx.m(key[2])}: duplicate row")
        rows[key] = r
    return rows


def _check_sustainment(ctx: _Ctx) -> None:
    """sustainment.csv follows from the deliveries and the recipient's stock (DESIGN.md
    "Sustainment"): operational systems and those idle for want of a crew make up the fleet
    (fielded plus arrived), only a platform with a course waits for crews, no faster than its
    seats train them; a system is idle for ammunition only when none of its usable munitions is
    left that month, never without consumption rows; what the stock lost was fired."""
    sc = ctx.sc
    rows = _sustainment_rows(ctx)
    usable = _usable(sc)
    fielded = {(f.recipient, f.platform): f.quantity for f in sc.fielded}
    rate: Sums = defaultdict(float)
    for u in sc.consumption:
        rate[(u.recipient, u.platform)] += u.per_platform_month
    courses = {tr.platform: tr for tr in sc.training}
    crewed: Sums = defaultdict(float)     # donated systems operational per platform and month
    for rec, platform in sorted(set(fielded) | set(usable)):
        fleet = fielded.get((rec, platform), 0.0)
        for t in range(sc.horizon):
            fleet += ctx.arrivals[(rec, platform, t)]
            row = rows.get((rec, platform, t))
            if row is None:
                ctx.add("sustainment", f"{rec} {platform} {ctx.m(t)}: no row in sustainment.csv")
                continue
            crewed[(platform, t)] += max(0.0, row["operational"]
                                         - fielded.get((rec, platform), 0.0))
            _check_systems(ctx, row, fleet, platform in courses, rate[(rec, platform)] > 0)
            _check_idle_for_ammunition(ctx, row, usable.get((rec, platform), set()))
    for (platform, t), q in sorted(crewed.items()):
        course = courses.get(platform)
        trained = course.seats_per_month * max(0, t - course.course_months + 1) if course else 0
        if course and not _le(q, trained):
            ctx.add("training", f"{platform} {ctx.m(t)}: {q:g} donated systems operational, "
                                f"but {trained:g} crews at most can have trained by then")
    _check_firing(ctx, rows, usable, rate)


def _check_systems(ctx: _Ctx, row: Row, fleet: float, trained: bool, fires: bool) -> None:
    """One row of sustainment.csv against the fleet: operational plus idle for a crew."""
    where = f"{row['recipient']} {row['platform']} {ctx.m(row['month'])}"
    op, no_ammo, no_crew = row["operational"], row["idle_no_ammo"], row["idle_no_crew"]
    if min(op, no_ammo, no_crew) < -REL_TOL or not _le(no_ammo, op):
        ctx.add("sustainment", f"{where}: operational {op:g}, idle for ammunition {no_ammo:g}, "
                               f"for a crew {no_crew:g}")
    if not _close(op + no_crew, fleet):
        ctx.add("sustainment", f"{where}: operational {op:g} and {no_crew:g} idle for a crew, "
                               f"but the fleet is {fleet:g} (fielded and arrived)")
    if not trained and no_crew > REL_TOL:
        ctx.add("sustainment", f"{where}: {no_crew:g} idle for a crew, but training.csv has no "
                               "course for it")
    if not fires and no_ammo > REL_TOL:
        ctx.add("sustainment", f"{where}: {no_ammo:g} idle for ammunition, but it has no "
                               "consumption row")


def _check_idle_for_ammunition(ctx: _Ctx, row: Row, usable: set[str]) -> None:
    """Systems idle for ammunition only where none of their usable munitions is left."""
    rec, t, no_ammo = row["recipient"], row["month"], row["idle_no_ammo"]
    left = {m: q for m in sorted(usable) if (q := _on_hand(ctx, rec, m, t)) > REL_TOL}
    if no_ammo > REL_TOL and left:
        held = ", ".join(f"{q:g} {m}" for m, q in left.items())
        ctx.add("sustainment", f"{rec} {row['platform']} {ctx.m(t)}: {no_ammo:g} idle for "
                               f"ammunition while {rec} holds {held}")


def _on_hand(ctx: _Ctx, nation: str, item: str, t: int) -> float:
    row = ctx.stock_rows.get((nation, item, t))
    return float(row["on_hand"]) if row is not None else 0.0


def _check_firing(ctx: _Ctx, rows: dict[tuple[str, str, int], Row],
                  usable: dict[tuple[str, str], set[str]], rate: Sums) -> None:
    """Per group of platforms sharing munitions at a recipient, the rounds its stock lost so
    far are those its active systems fired: rounds of a whole-number munition are fired whole,
    up to one more each than the rate (rounded up)."""
    for rec, platforms, munitions in _firing_groups(usable):
        whole = sum(1 for m in munitions if ctx.items[m].integer)
        arrived = used = lost = 0.0
        for t in range(ctx.sc.horizon):
            for p in platforms:
                row = rows.get((rec, p, t))
                if row is not None:
                    used += (row["operational"] - row["idle_no_ammo"]) * rate[(rec, p)]
            arrived += sum(ctx.arrivals[(rec, m, t)] for m in munitions)
            lost = arrived - sum(_on_hand(ctx, rec, m, t) for m in munitions)
            # each row's counts are written to 6 decimals
            slack = 1e-6 * (t + 1) * sum(rate[(rec, p)] for p in platforms) + len(munitions) * 1e-6
            if not (_le(used, lost + slack) and _le(lost, used + whole + slack)):
                ctx.add("sustainment", f"{rec} {'/'.join(platforms)} {ctx.m(t)}: active systems "
                                       f"fired {used:g} rounds so far, but the stock of "
                                       f"{'/'.join(munitions)} lost {lost:g}")


def _firing_groups(usable: dict[tuple[str, str], set[str]]
                   ) -> list[tuple[str, list[str], list[str]]]:
    """(recipient, platforms, munitions) of each group of platforms linked by munitions."""
    groups: list[tuple[str, set[str], set[str]]] = []
    for (rec, platform), ms in sorted(usable.items()):
        linked = [g for g in groups if g[0] == rec and g[2] & ms]
        merged = (rec, {platform}, set(ms))
        for g in linked:
            groups.remove(g)
            merged[1].update(g[1])
            merged[2].update(g[2])
        groups.append(merged)
    return [(rec, sorted(ps), sorted(ms)) for rec, ps, ms in groups]


def _check_floors(ctx: _Ctx) -> None:
    """With readiness above_aid only a committed pledge may leave a donor below its floor."""
    if ctx.sc.settings.readiness != "above_aid":
        return
    committed = {p.id for p in ctx.sc.pledges if p.status == "committed"}
    free = _sum((r for r in ctx.t["donations.csv"] if r["pledge"] not in committed),
                ("donor", "item", "dispatch_month"))
    for (n, i, t), q in free.items():
        row = ctx.stock_rows.get((n, i, t))
        floor = ctx.floor(n, i)
        if q > 0 and row is not None and not _le(floor, row["on_hand"]):
            ctx.add("readiness floor", f"{n} {i} {ctx.m(t)}: donating {q:g} (no committed pledge) "
                                       f"leaves on_hand {row['on_hand']:g} below floor {floor:g}")


def _check_production(ctx: _Ctx) -> None:
    """Per line and month: production = orders <= capacity + expansion available."""
    rows: dict[tuple[str, str, int], Row] = {}
    for r in ctx.t["production.csv"]:
        key = (r["producer"], r["item"], r["month"])
        if (key[0], key[1]) not in ctx.lines or key in rows:
            ctx.add("production", f"{key[0]} {key[1]} {ctx.m(key[2])}: unknown or duplicate row")
        rows[key] = r
    for line in ctx.sc.lines:
        for t in range(ctx.sc.horizon):
            where = f"line {line.producer} {line.item} {ctx.m(t)}"
            available = line.capacity + ctx.expansion_at(line, t)
            ordered = ctx.line_orders[(line.producer, line.item, t)]
            row = rows.get((line.producer, line.item, t))
            if row is None:
                ctx.add("production", f"{where}: no row in production.csv")
            elif not _close(row["quantity"], ordered):
                ctx.add("production", f"{where}: quantity {row['quantity']:g} but orders sum "
                                      f"to {ordered:g}")
            elif not _close(row["capacity"], available):
                ctx.add("production", f"{where}: capacity {row['capacity']:g}, expected "
                                      f"{available:g} (base + expansion available)")
            if not _le(ordered, available):
                ctx.add("capacity", f"{where}: orders {ordered:g} exceed capacity {available:g}")


def _check_expansion_rows(ctx: _Ctx, line: ProductionLine, rows: list[Row]) -> None:
    """Buyer column by mode, available_from, min/max expansion."""
    national = ctx.sc.settings.procurement == "national"
    where = f"line {line.producer} {line.item}"
    buyers = [r["buyer"] for r in rows]
    if national and (len(set(buyers)) < len(buyers) or not set(buyers) <= ctx.members):
        ctx.add("expansion", f"{where}: national mode needs one row per member buyer")
    if not national and (len(rows) > 1 or buyers[0] is not None):
        ctx.add("expansion", f"{where}: joint mode needs one row with an empty buyer")
    total = 0.0
    for r in rows:
        added, who = r["added_capacity"], f"{where} {r['buyer'] or ''}".rstrip()
        total += added
        if r["available_from"] != line.expansion_lead_time:
            ctx.add("expansion", f"{who}: available_from {ctx.m(r['available_from'])}, expected "
                                 f"{ctx.m(line.expansion_lead_time)} (expansion_lead_time)")
        if added < 0 or (national and 0 < added and not _le(line.min_expansion, added)):
            ctx.add("expansion", f"{who}: added {added:g}, min_expansion {line.min_expansion:g}")
    if not _le(total, line.max_expansion) or (0 < total and not _le(line.min_expansion, total)):
        ctx.add("expansion", f"{where}: added {total:g} outside min_expansion "
                             f"{line.min_expansion:g} .. max_expansion {line.max_expansion:g}")


def _check_commitment(ctx: _Ctx, line: ProductionLine, rows: list[Row]) -> None:
    """The demand-signal commitment (plan/rules.py), line-wide and per buyer in national mode."""
    months, H = ctx.expansion_months(line), ctx.sc.horizon
    total = sum(r["added_capacity"] for r in rows)
    if total <= 0 or commitment_factor(line, H) == 0:
        return
    span = f"{ctx.m(months[0])}..{ctx.m(months[-1])}"
    excess = committed_output(line, H, [ctx.line_orders[(*line.key, t)] for t in range(H)])
    if not _le(needed_commitment(line, H, total), excess):
        ctx.add("commitment", f"line {line.producer} {line.item} {span}: orders exceed base "
                              f"output by {excess:g}, expansion {total:g} needs "
                              f"{needed_commitment(line, H, total):g}")
    if ctx.sc.settings.procurement != "national":
        return
    for r in rows:
        orders = [ctx.buyer_orders[(r["buyer"], *line.key, t)] for t in range(H)]
        own = committed_output(line, H, orders, base=0.0)
        need = needed_commitment(line, H, r["added_capacity"])
        if not _le(need, own):
            ctx.add("commitment", f"line {line.producer} {line.item} {r['buyer']} {span}: own "
                                  f"orders {own:g}, expansion {r['added_capacity']:g} needs "
                                  f"{need:g}")


def _check_expansions(ctx: _Ctx) -> None:
    """Expansion rows and the demand-signal commitment, per line."""
    for key, rows in ctx.expansions.items():
        line = ctx.lines.get(key)
        if line is None:
            ctx.add("expansion", f"line {key[0]} {key[1]}: no such production line")
            continue
        _check_expansion_rows(ctx, line, rows)
        _check_commitment(ctx, line, rows)


def _check_fulfilment(ctx: _Ctx) -> None:
    """Family matching, late flags, no more than required, no more than arrived."""
    reqs = {r.id: r for r in ctx.sc.requirements}
    per_req: Sums = defaultdict(float)
    per_arrival: Sums = defaultdict(float)
    for row in ctx.t["fulfilment.csv"]:
        req, arr, q = reqs.get(row["requirement"]), row["arrival_month"], row["quantity"]
        where = f"requirement {row['requirement']} {row['item']} {ctx.m(arr)}"
        if req is None:
            ctx.add("fulfilment", f"{where}: unknown requirement")
            continue
        where = f"requirement {req.id} {req.recipient} {row['item']} {ctx.m(arr)}"
        allowed = [req.item] if req.item else ctx.sc.family_items(req.family or "")
        if row["item"] not in allowed:
            wanted = req.item or f"of family {req.family}"
            ctx.add("fulfilment", f"{where}: item is not {wanted}")
        if row["late"] != (arr > req.needed_by):
            ctx.add("fulfilment", f"{where}: late={str(row['late']).lower()} but needed_by is "
                                  f"{ctx.m(req.needed_by)}")
        if not 0 <= arr < ctx.sc.horizon or q < 0:
            ctx.add("fulfilment", f"{where}: {q:g} is negative or arrives outside the horizon")
        per_req[(req.id,)] += q
        per_arrival[(req.recipient, row["item"], arr)] += q
    for (rid,), q in per_req.items():
        if not _le(q, reqs[rid].quantity):
            ctx.add("fulfilment", f"requirement {rid}: fulfilled {q:g} exceeds quantity "
                                  f"{reqs[rid].quantity:g}")
    for (n, i, t), q in per_arrival.items():
        if not _le(q, ctx.arrivals[(n, i, t)]):
            ctx.add("fulfilment", f"{n} {i} {ctx.m(t)}: fulfilment {q:g} exceeds arrivals "
                                  f"{ctx.arrivals[(n, i, t)]:g}")


def _check_pledges(ctx: _Ctx) -> None:
    """Committed pledges are dispatched in full by their month, from their donor."""
    tagged: dict[str, list[Row]] = defaultdict(list)
    pledges = {p.id: p for p in ctx.sc.pledges}
    for r in ctx.t["donations.csv"]:
        if r["pledge"] is not None and r["pledge"] not in pledges:
            ctx.add("pledge", f"donation {r['donor']} {r['item']} {ctx.m(r['dispatch_month'])}: "
                              f"unknown pledge {r['pledge']}")
        tagged[r["pledge"]].append(r)
    for p in ctx.sc.pledges:
        rows = tagged.get(p.id, [])
        where = f"pledge {p.id} ({p.donor} {p.item} to {p.recipient} by {ctx.m(p.month)})"
        for r in rows:
            if (r["donor"], r["recipient"], r["item"]) != (p.donor, p.recipient, p.item):
                ctx.add("pledge", f"{where}: tagged donation {r['donor']}->{r['recipient']} "
                                  f"{r['item']} does not match")
            if p.status == "committed" and r["dispatch_month"] > p.month:
                ctx.add("pledge", f"{where}: dispatched in {ctx.m(r['dispatch_month'])}, too late")
        total = sum(r["quantity"] for r in rows)
        short = p.status == "committed" and not _close(total, p.quantity)
        if short or not _le(total, p.quantity):
            ctx.add("pledge", f"{where}: dispatched {total:g} of {p.quantity:g}")


def _spending(ctx: _Ctx) -> Sums:
    """Money per (member, year index): orders in their production month, expansion in month 0."""
    spend: Sums = defaultdict(float)
    for o in ctx.t["orders.csv"]:
        spend[(o["buyer"], o["production_month"] // 12)] += o["quantity"] * o["unit_price"]
    for key, rows in ctx.expansions.items():
        line = ctx.lines.get(key)
        if line is None:
            continue
        if ctx.sc.settings.procurement == "national":
            for r in rows:
                spend[(r["buyer"], 0)] += r["added_capacity"] * line.expansion_cost
            continue
        cost = sum(r["added_capacity"] for r in rows) * line.expansion_cost
        if key in ctx.contract_shares:
            # each buyer pays the share of the expansion its own orders underwrite
            for b, money in ctx.contract_shares[key].items():
                spend[(b, 0)] += money
            continue
        shares = {b: sum(ctx.buyer_orders[(b, *key, t)] for t in ctx.expansion_months(line))
                  for b in ctx.members}
        whole = sum(shares.values())
        if cost > 0 and whole <= 0:
            ctx.add("budget", f"line {key[0]} {key[1]}: expansion cost {cost:g} has no orders "
                              "over its expansion months to be shared by")
        for b, share in shares.items():
            if whole > 0:
                spend[(b, 0)] += cost * share / whole
    return spend


def _check_budgets(ctx: _Ctx) -> None:
    """Each member's spending per 12-month year stays within annual_budget."""
    budgets = {n.code: n.annual_budget for n in ctx.sc.members}
    for (buyer, year), spent in sorted(_spending(ctx).items(), key=str):
        limit = budgets.get(buyer)
        if limit is not None and spent > limit * (1.0 + MONEY_REL_TOL) + MONEY_TOL:
            span = f"{ctx.m(12 * year)}..{ctx.m(12 * year + 11)}"
            ctx.add("budget", f"{buyer} year {year + 1} ({span}): spends {spent:,.2f}, "
                              f"annual_budget {limit:,.2f}")


def _check_integrality(ctx: _Ctx) -> None:
    """Quantities of integer items are whole in every file."""
    items = ctx.items
    for name, col in _QUANTITIES.items():
        for row in ctx.t[name]:
            item, q = items.get(row["item"]), row[col]
            if item is not None and item.integer and abs(q - round(q)) > REL_TOL * max(1, abs(q)):
                kinds = PLAN_FILES[name].columns
                who = " ".join(str(v) for k, v in row.items() if kinds.get(k) == "code")
                when = " ".join(ctx.m(v) for k, v in row.items() if kinds.get(k) == "month")
                ctx.add("integrality", f"{name}:{row['_line']} {who} {when}: {col} {q:g} "
                                       "is not whole")


def _check_summary(ctx: _Ctx, data: Any) -> None:
    """summary.json agrees with the rows: requirement totals, readiness, cost, procurement."""
    if not isinstance(data, dict) or any(k not in data for k in _SUMMARY_KEYS):
        ctx.add("summary", f"summary.json must be an object with keys {', '.join(_SUMMARY_KEYS)}")
        return
    if data["procurement"] != ctx.sc.settings.procurement:
        ctx.add("summary", f"procurement {data['procurement']!r}, scenario says "
                           f"{ctx.sc.settings.procurement!r}")
    rows = ctx.t["fulfilment.csv"]
    quantity = sum(r.quantity for r in ctx.sc.requirements)
    on_time = sum(r["quantity"] for r in rows if not r["late"])
    late = sum(r["quantity"] for r in rows if r["late"])
    readiness = sum(max(0.0, ctx.floor(n, i) - r["on_hand"])
                    for (n, i, t), r in ctx.stock_rows.items()
                    if n in ctx.members and 0 <= t < ctx.sc.horizon)
    cost = sum(o["quantity"] * o["unit_price"] for o in ctx.t["orders.csv"])
    cost += sum(r["added_capacity"] * ctx.lines[k].expansion_cost
                for k, rs in ctx.expansions.items() if k in ctx.lines for r in rs)
    req = data["requirements"] if isinstance(data["requirements"], dict) else {}
    expected = {"requirements.quantity": (req.get("quantity"), quantity),
                "requirements.on_time": (req.get("on_time"), on_time),
                "requirements.late": (req.get("late"), late),
                "requirements.unmet": (req.get("unmet"), quantity - on_time - late),
                "readiness": (data["readiness"], readiness), "cost": (data["cost"], cost)}
    if "idle_system_months" in data:
        expected["idle_system_months"] = (data["idle_system_months"], sum(
            r["idle_no_ammo"] + r["idle_no_crew"] for r in ctx.t.get("sustainment.csv", [])
            if 0 <= r["month"] < ctx.sc.horizon))
    for key, (got, want) in expected.items():
        if not isinstance(got, int | float) or not _close(float(got), want):
            ctx.add("summary", f"{key} is {got!r}, the plan files give {want:g}")


def _format(problems: Iterable[Problem], out: list[str]) -> None:
    """Problems of reading the plan files as `[format]` violations, naming the file by name."""
    for p in problems:
        out.append(f"[format] {Problem(Path(p.file).name, p.line, p.column, p.message)}")


def _load(scenario: Scenario, plan_dir: Path, out: list[str]) -> _Ctx:
    """The plan files read through the plan reader; what cannot be read is a violation."""
    problems: list[Problem] = []
    tables = {name: read_table(Path(plan_dir), name, scenario.settings.start, problems)
              for name in (*_FILES, "sustainment.csv", "contracts.csv", "throughput.csv")}
    _format(problems, out)
    throughput = tables.pop("throughput.csv")
    shares: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for row in tables.pop("contracts.csv"):
        key = (row["producer"], row["item"])
        shares[key][row["buyer"]] = shares[key].get(row["buyer"], 0.0) + \
            row["expansion_share_cost"]
    return _Ctx(scenario, tables, out, contract_shares=dict(shares),
                throughput=throughput if (Path(plan_dir) / "throughput.csv").exists() else None)


def _load_summary(plan_dir: Path, out: list[str]) -> Any:
    problems: list[Problem] = []
    summary = read_summary(Path(plan_dir), problems)
    _format(problems, out)
    return summary


_CHECKS: tuple[Callable[[_Ctx], None], ...] = (
    _check_orders, _check_donations, _check_routes, _check_member_stocks, _check_recipient_stocks,
    _check_sustainment, _check_floors, _check_production, _check_expansions, _check_fulfilment,
    _check_pledges, _check_budgets, _check_integrality,
)


def check_plan(scenario: Scenario, plan_dir: Path) -> list[str]:
    """Every rule of DESIGN.md the plan written in `plan_dir` breaks (empty list = valid)."""
    out: list[str] = []
    ctx = _load(scenario, plan_dir, out)
    for check in _CHECKS:
        check(ctx)
    summary = _load_summary(plan_dir, out)
    if summary is not None:
        _check_summary(ctx, summary)
    return out


def check_summary(scenario: Scenario, plan_dir: Path) -> list[str]:
    """Whether summary.json agrees with the plan's rows (totals, readiness, cost)."""
    out: list[str] = []
    ctx = _load(scenario, plan_dir, [])
    summary = _load_summary(plan_dir, out)
    if summary is not None:
        ctx.out = out
        _check_summary(ctx, summary)
    return out


def assert_plan_valid(scenario: Scenario, plan_dir: Path) -> None:
    """Test helper: fail with every violation listed if the plan in `plan_dir` is invalid."""
    violations = check_plan(scenario, plan_dir)
    assert not violations, "plan breaks the rules:\n" + "\n".join(violations)
