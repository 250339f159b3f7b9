"""The fixed-mode replay on cases computed by hand: a line short of capacity makes its orders
later, expansions late add capacity later, pledges slip or fall through, a donor gives only
what it holds; and a draw that changes nothing replays the plan exactly."""

from __future__ import annotations

import dataclasses

from replenish.model.records import Item, Requirement
from replenish.plan.records import Donation, Expansion, Order, Plan
from replenish.plan.totals import requirement_totals
from replenish.planning import PlanOptions, plan_scenario
from replenish.scenario.generator import generate_scenario
from replenish.sweep.draws import Draw
from replenish.sweep.metrics import measure
from replenish.sweep.simulate import fulfil, simulate

from .support import one_line

LINE = ("MAKER", "SHELL")


def _plan(orders: list[Order], donations: list[Donation] | None = None,
          expansions: list[Expansion] | None = None) -> Plan:
    return Plan(method="optimal", status="optimal", objective=0.0, procurement="joint",
                orders=orders, donations=donations or [], expansions=expansions or [])


def _order(quantity: float, month: int = 0, destination: str = "PTR", lead: int = 2) -> Order:
    return Order("AAA", destination, "MAKER", "SHELL", month, month + lead, quantity, 2.0)


def _arrivals(plan: Plan) -> list[tuple[int, float]]:
    return [(o.arrival_month, o.quantity) for o in plan.orders]


def test_a_line_at_half_capacity_makes_an_order_over_two_months() -> None:
    sc = one_line(capacity=10)
    happened = simulate(_plan([_order(10)]), sc, Draw(shortfall={LINE: 0.5}))
    assert _arrivals(happened) == [(2, 5.0), (3, 5.0)]       # the second half a month late
    assert requirement_totals(happened, sc)["on_time"] == 5.0
    result = measure(0, happened, sc, 0.0)
    assert result.on_time == {"all": 0.5, "1": 0.5}
    assert result.on_time_share[:3] == [None, None, 0.5]
    assert result.cost == {"AAA": 20.0}                       # 10 made at 2.0


def test_whole_units_and_a_queue_of_orders_wait_for_spare_output() -> None:
    sc = one_line(capacity=3, needed_by=3)
    orders = [_order(2, month=0), _order(2, month=1)]
    # 1.5 a month: whole units only, the fraction carried while orders wait
    happened = simulate(_plan(orders), sc, Draw(shortfall={LINE: 0.5}))
    assert [(o.production_month, o.quantity) for o in happened.orders] == [
        (0, 1.0), (1, 1.0), (1, 1.0), (2, 1.0)]
    assert _arrivals(happened)[-1] == (4, 1.0)                # planned for 3, one month late


def test_extra_lead_time_and_late_expansion_delay_arrivals() -> None:
    sc = one_line(capacity=2, needed_by=5)
    expansion = Expansion("MAKER", "SHELL", None, 4.0, 3)
    plan = _plan([_order(6, month=3)], expansions=[expansion])
    on_plan = simulate(plan, sc, Draw())
    assert _arrivals(on_plan) == [(5, 6.0)]
    late = simulate(plan, sc, Draw(expansion_delay={LINE: 2}, extra_lead={LINE: 1}))
    # months 3 and 4 make the base 2 each, month 5 the last 2 with the expansion
    assert _arrivals(late) == [(6, 2.0), (7, 2.0), (8, 2.0)]
    assert late.expansions[0].available_from == 5


def test_pledges_slip_or_fall_through() -> None:
    sc = one_line(on_hand=10, capacity=0, needed_by=4)
    gift = Donation("AAA", "PTR", "SHELL", 1, 2, 6.0, pledge="P1")
    other = Donation("AAA", "PTR", "SHELL", 1, 2, 4.0)
    plan = _plan([], donations=[gift, other])
    slipped = simulate(plan, sc, Draw(pledge_slip={"P1": 3}))
    assert sorted((g.dispatch_month, g.arrival_month, g.quantity)
                  for g in slipped.donations) == [(1, 2, 4.0), (4, 5, 6.0)]
    assert requirement_totals(slipped, sc)["on_time"] == 4.0
    lapsed = simulate(plan, sc, Draw(lapsed=frozenset({"P1"})))
    assert [g.quantity for g in lapsed.donations] == [4.0]
    stock = {s.month: s.on_hand for s in lapsed.stocks}
    assert stock[0] == 10.0 and stock[1] == 6.0


def test_a_donor_gives_only_what_it_holds_the_rest_when_stock_arrives() -> None:
    sc = one_line(on_hand=3, capacity=10, needed_by=5)
    plan = _plan([_order(2, month=0, destination="AAA", lead=1)],
                 donations=[Donation("AAA", "PTR", "SHELL", 0, 1, 5.0)])
    happened = simulate(plan, sc, Draw())
    assert [(g.dispatch_month, g.quantity) for g in happened.donations] == [(0, 3.0), (1, 2.0)]
    assert [s.on_hand for s in happened.stocks][:3] == [0.0, 0.0, 0.0]


def test_a_draw_that_changes_nothing_replays_the_plan() -> None:
    sc = generate_scenario(3, 8, 12, 4)
    plan = plan_scenario(sc, PlanOptions(time_limit=30, compare_greedy=False,
                                         explain="never"))
    happened = simulate(plan, sc, Draw())
    planned = {(s.nation, s.item, s.month): s.on_hand for s in plan.stocks}
    assert all(abs(planned[(s.nation, s.item, s.month)] - s.on_hand) < 1e-6
               for s in happened.stocks)
    assert requirement_totals(happened, sc) == requirement_totals(plan, sc)
    mine, theirs = measure(0, happened, sc, 0.0), measure(0, plan, sc, 0.0)
    assert (mine.back_at_floor, mine.back_at_target, mine.cost) == (
        theirs.back_at_floor, theirs.back_at_target, theirs.cost)


def test_a_family_need_is_met_by_any_item_of_the_family_soonest_due_first() -> None:
    base = one_line()
    sc = dataclasses.replace(
        base, items=(*base.items, Item("SHELL2", "Other shell", "shells", "munition", 1.0, True)),
        requirements=(Requirement("LATER", "PTR", None, "shells", 4.0, 6, 1),
                      Requirement("SOON", "PTR", None, "shells", 3.0, 3, 2)))
    happened = simulate(_plan([]), sc, Draw())
    met = fulfil(sc, [("PTR", "SHELL2", 2, 5.0)])
    assert [(f.requirement, f.quantity, f.late) for f in met] == [
        ("SOON", 3.0, False), ("LATER", 2.0, False)]
    late = fulfil(sc, [("PTR", "SHELL2", 5, 5.0)])
    assert [(f.requirement, f.quantity, f.late) for f in late] == [
        ("LATER", 4.0, False), ("SOON", 1.0, True)]
    assert happened.fulfilment == []
