"""Index sets of the planning model, built once from the scenario as flat numpy arrays.

Sparse sets stay sparse: a stock position exists only where stocks.csv (or a committed pledge)
names it, an order channel only where a buyer has a reason to order from a line, a donation
channel only where the recipient needs the item.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from replenish.model import Pledge, ProductionLine, Requirement, Scenario

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass
class PlanIndex:
    scenario: Scenario
    H: int
    items: list[str]
    item_pos: dict[str, int]
    unit_cost: FloatArray
    integer: npt.NDArray[np.bool_]
    members: list[str]
    recipients: list[str]
    # stock positions of members
    pos_nation: list[str]
    pos_item: IntArray
    pos_of: dict[tuple[str, str], int]
    s0: FloatArray
    floor: FloatArray
    target: FloatArray
    lines: list[ProductionLine]
    # order channels: buyer, destination, line; dest is the buyer's own position or a recipient
    ord_buyer: list[str]
    ord_dest: list[str]
    ord_line: IntArray
    ord_pos: IntArray          # position index when destined to the buyer, else -1
    ord_rec: IntArray          # recipient index when destined to a recipient, else -1
    # donation channels: from position to recipient
    don_pos: IntArray
    don_rec: IntArray
    committed: list[Pledge]
    announced: list[Pledge]
    requirements: list[Requirement]
    # requirement allocation pairs (requirement index, item index)
    alloc_req: IntArray
    alloc_item: IntArray
    req_value: FloatArray
    # recipient-item pairs that can receive arrivals
    ri_rec: IntArray
    ri_item: IntArray
    ri_of: dict[tuple[int, int], int] = field(default_factory=dict)
    # delivery (DESIGN.md, "Delivery"): the route of each channel (-1: no routes.csv, or an
    # order for the buyer itself) and months from dispatch to arrival at the recipient
    don_route: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    don_lead: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    ord_route: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    # pledges dispatched over each route from the donor to the recipient: one channel per
    # (pledge, route), or one per pledge without routes.csv
    pc_pledge: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    pc_route: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    pc_lead: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    pa_pledge: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    pa_route: IntArray = field(default_factory=lambda: np.empty(0, np.int64))
    pa_lead: IntArray = field(default_factory=lambda: np.empty(0, np.int64))

    @property
    def delivery(self) -> bool:
        """Whether shipments to recipients travel routes (routes.csv exists)."""
        return bool(self.scenario.routes)

    def item_cost(self, codes: list[str]) -> FloatArray:
        return np.array([self.unit_cost[self.item_pos[c]] for c in codes], float)


def build_index(scenario: Scenario, fired_elsewhere: set[tuple[str, str]] | None = None
                ) -> PlanIndex:
    """Derive every index set the constraint groups need. `fired_elsewhere`: (recipient,
    munition) pairs other item groups' platforms fire (planning by groups with sustainment
    split), which the recipient needs too."""
    items = [i.code for i in scenario.items]
    item_pos = {c: k for k, c in enumerate(items)}
    members = [n.code for n in scenario.members]
    recipients = [n.code for n in scenario.recipients]
    rec_pos = {c: k for k, c in enumerate(recipients)}
    requirements = list(scenario.requirements)

    pos_nation, pos_item_l, s0, floor, target = _positions(scenario, item_pos)
    pos_of = {(n, items[i]): p for p, (n, i) in enumerate(zip(pos_nation, pos_item_l, strict=True))}

    needs = _recipient_needs(scenario, recipients)
    for r, munition in fired_elsewhere or ():
        needs[r].add(munition)
    # (munitions of other item groups its platforms may fire are not this model's to send)
    needs = {r: {i for i in wanted if i in item_pos} for r, wanted in needs.items()}
    ri_pairs = sorted({(rec_pos[r], item_pos[i]) for r in recipients for i in needs[r]})
    ri_rec = np.array([p[0] for p in ri_pairs], np.int64)
    ri_item = np.array([p[1] for p in ri_pairs], np.int64)
    ri_of = {p: k for k, p in enumerate(ri_pairs)}

    lines = list(scenario.lines)
    ways = route_choices(scenario)
    pledged = {(p.donor, p.item) for p in scenario.pledges if p.status == "committed"}
    channels: list[tuple[str, str, int, int, int, int]] = []
    for_recipient = set(buyers_for_recipients(scenario))
    for li, line in enumerate(lines):
        for b in members:
            p = pos_of.get((b, line.item))
            if p is not None and (target[p] > 0 or floor[p] > 0 or (b, line.item) in pledged):
                channels.append((b, b, li, p, -1, -1))
            if b not in for_recipient:
                continue
            for r in recipients:
                if line.item in needs[r]:
                    channels += [(b, r, li, -1, rec_pos[r], k)
                                 for k, _ in _ways(ways, line.nation, r, 0)]

    committed = [p for p in scenario.pledges if p.status == "committed"]
    # a position held in month 0 is held throughout (what it owes only grows): it gets no
    # donation columns, which would be fixed at zero (M's largest group had 10,941)
    held = held_by_floor(scenario.settings.readiness, np.array(s0, float),
                         np.array(floor, float),
                         pledged_due(committed, pos_of, len(s0), scenario.horizon))[:, 0]
    dl = scenario.settings.delivery_lead_months
    donation_pairs = [(p, rec_pos[r], k, lead) for p, i in enumerate(pos_item_l)
                      for r in recipients if items[i] in needs[r] and not held[p]
                      for k, lead in _ways(ways, pos_nation[p], r, dl)]
    ob = [c[0] for c in channels]
    od = [c[1] for c in channels]
    ol, op, orc, oroute = ([c[k] for c in channels] for k in (2, 3, 4, 5))
    dp, dr, droute, dlead = ([d[k] for d in donation_pairs] for k in range(4))
    pc_ways = pledge_channels(committed, ways, dl)
    pa_ways = pledge_channels([p for p in scenario.pledges if p.status == "announced"], ways, dl)

    alloc_req, alloc_item, req_value = _allocations(scenario, requirements, item_pos)
    return PlanIndex(
        scenario=scenario, H=scenario.horizon, items=items, item_pos=item_pos,
        unit_cost=np.array([i.unit_cost for i in scenario.items], float),
        integer=np.array([i.integer for i in scenario.items], bool),
        members=members, recipients=recipients,
        pos_nation=pos_nation, pos_item=np.array(pos_item_l, np.int64), pos_of=pos_of,
        s0=np.array(s0, float), floor=np.array(floor, float), target=np.array(target, float),
        lines=lines, ord_buyer=ob, ord_dest=od, ord_line=np.array(ol, np.int64),
        ord_pos=np.array(op, np.int64), ord_rec=np.array(orc, np.int64),
        don_pos=np.array(dp, np.int64), don_rec=np.array(dr, np.int64),
        committed=committed,
        announced=[p for p in scenario.pledges if p.status == "announced"],
        requirements=requirements, alloc_req=alloc_req, alloc_item=alloc_item,
        req_value=req_value, ri_rec=ri_rec, ri_item=ri_item, ri_of=ri_of,
        don_route=np.array(droute, np.int64), don_lead=np.array(dlead, np.int64),
        ord_route=np.array(oroute, np.int64),
        pc_pledge=pc_ways[0], pc_route=pc_ways[1], pc_lead=pc_ways[2],
        pa_pledge=pa_ways[0], pa_route=pa_ways[1], pa_lead=pa_ways[2],
    )


def route_choices(scenario: Scenario) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(route index, lead months) of every route from an origin to a recipient, in
    routes.csv order; empty without routes.csv (then there are no transport limits and every
    donation takes `delivery_lead_months`)."""
    ways: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for k, route in enumerate(scenario.routes):
        ways.setdefault((route.origin, route.recipient), []).append((k, route.lead_months))
    return ways


def _ways(ways: dict[tuple[str, str], list[tuple[int, int]]], origin: str, recipient: str,
          lead: int) -> list[tuple[int, int]]:
    """The routes from `origin` to `recipient` where there are routes (none if it has none),
    else one way of `lead` months with no route (-1)."""
    return ways.get((origin, recipient), []) if ways else [(-1, lead)]


def pledge_channels(pledges: list[Pledge], ways: dict[tuple[str, str], list[tuple[int, int]]],
                    lead: int) -> tuple[IntArray, IntArray, IntArray]:
    """(pledge, route, lead) of each way a pledge can travel: every route from its donor to
    its recipient where routes.csv exists (none for an announced pledge without one), else
    one channel per pledge at `lead`."""
    rows = [(k, r, months) for k, pl in enumerate(pledges)
            for r, months in _ways(ways, pl.donor, pl.recipient, lead)]
    return tuple(np.array([row[j] for row in rows], np.int64)  # type: ignore[return-value]
                 for j in range(3))


def buyers_for_recipients(scenario: Scenario) -> list[str]:
    """Members who may order from a line for a recipient.

    Every member may, but in joint mode a member without a budget limit dominates all others
    there: such an order counts the same towards the line's capacity and commitment whoever
    places it, and only the buyer's budget tells them apart. So when one exists, only the first
    such member buys for recipients: the same optimum with 1/n of those order columns (which
    are most of the model). National mode keeps every buyer, since there each buyer's own
    orders underwrite its own expansion.
    """
    members = [n.code for n in scenario.members]
    if scenario.settings.procurement == "joint":
        unlimited = [n.code for n in scenario.members if n.annual_budget is None]
        if unlimited:
            return unlimited[:1]
    return members


def _positions(
    scenario: Scenario, item_pos: dict[str, int]
) -> tuple[list[str], list[int], list[float], list[float], list[float]]:
    """Members' stock positions, plus zero positions for pledges from items a donor lacks."""
    rows = [(s.nation, item_pos[s.item], s.on_hand, s.floor, s.target) for s in scenario.stocks]
    seen = {(s.nation, s.item) for s in scenario.stocks}
    for pl in scenario.pledges:
        if (pl.donor, pl.item) not in seen:
            seen.add((pl.donor, pl.item))
            rows.append((pl.donor, item_pos[pl.item], 0.0, 0.0, 0.0))
    return ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
            [r[3] for r in rows], [r[4] for r in rows])


def pledged_due(committed: list[Pledge], pos_of: dict[tuple[str, str], int], positions: int,
                H: int) -> FloatArray:
    """Committed pledge quantity due from each position by each month, cumulative, (P, H)."""
    due = np.zeros((positions, H))
    for pl in committed:
        due[pos_of[(pl.donor, pl.item)], pl.month:] += pl.quantity
    return due


def held_by_floor(readiness: str, s0: FloatArray, floor: FloatArray,
                  due: FloatArray) -> npt.NDArray[np.bool_]:
    """Positions and months (P, H) that may give nothing freely: with readiness "above_aid",
    those below their floor once what they owe by then is counted."""
    if readiness != "above_aid":
        return np.zeros(due.shape, bool)
    return (s0[:, None] - due) < floor[:, None]


def _recipient_needs(scenario: Scenario, recipients: list[str]) -> dict[str, set[str]]:
    """Items each recipient has a reason to receive: requirements, pledges, sustainment."""
    needs: dict[str, set[str]] = {r: set() for r in recipients}
    family: dict[str, list[str]] = {}
    for it in scenario.items:
        family.setdefault(it.family, []).append(it.code)
    for q in scenario.requirements:
        needs[q.recipient].update([q.item] if q.item else family.get(q.family or "", []))
    for pl in scenario.pledges:
        needs[pl.recipient].add(pl.item)
    fits: dict[str, set[str]] = {}
    for c in scenario.compatibility:
        fits.setdefault(c.platform, set()).add(c.munition)
    for use in scenario.consumption:
        needs[use.recipient].add(use.munition)
        needs[use.recipient].update(fits.get(use.platform, set()))
    return needs


def _allocations(
    scenario: Scenario, requirements: list[Requirement], item_pos: dict[str, int]
) -> tuple[IntArray, IntArray, FloatArray]:
    """(requirement, item) pairs that can meet each requirement and each requirement's value."""
    cost = {i.code: i.unit_cost for i in scenario.items}
    family: dict[str, list[str]] = {}
    for it in scenario.items:
        family.setdefault(it.family, []).append(it.code)
    aq: list[int] = []
    ai: list[int] = []
    value: list[float] = []
    for k, q in enumerate(requirements):
        codes = [q.item] if q.item else family.get(q.family or "", [])
        aq.extend([k] * len(codes))
        ai.extend(item_pos[c] for c in codes)
        # a family requirement is valued at the mean value of the family's items
        value.append(float(np.mean([cost[c] for c in codes])) if codes else 0.0)
    return np.array(aq, np.int64), np.array(ai, np.int64), np.array(value, float)
