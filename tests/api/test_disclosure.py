"""Disclosure control: no member can solve another member's stock from the totals it is shown.

The end-to-end test replays the attack of issue 21 on PostgreSQL; the property test gives
every member of generated coalitions everything the totals show it, plus its own numbers, and
asks a linear programme for the least and the most each other member could hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from replenish.api.disclosure import DOMINANCE, may_disclose
from replenish.api.routes.stocks import family_totals
from replenish.ledger import Position
from replenish.model import Item, Nation, Scenario, Settings, Stock

from .support import Server, open_server

MEMBERS = ("ALD", "BRV", "CZE", "DNK", "EST")
#: ALD's and BRV's spares, then three members whose spares are dispatched in the attack.
SPARES = {"ALD": 55, "BRV": 20, "CZE": 30, "DNK": 25, "EST": 22}


def spares_scenario() -> Scenario:
    """Five members holding two spare items of one family; one recipient."""
    return Scenario(
        settings=Settings(name="spares", start="2027-03", horizon_months=6),
        nations=(*(Nation(code, code, "member") for code in MEMBERS),
                 Nation("UKR", "Ukraine", "recipient")),
        items=(Item("SP1", "Spare 1", "spares", "spare", 100.0, True),
               Item("SP2", "Spare 2", "spares", "spare", 100.0, True)),
        stocks=tuple(Stock(code, "SP1", held, 5, 10) for code, held in SPARES.items())
        + (Stock("ALD", "SP2", 0, 0, 0),),
    )


@pytest.fixture(scope="module")
def spares(pg_module_url: str) -> Iterator[Server]:
    """The spares coalition on PostgreSQL, a nation user per member."""
    users = {code: (code.lower(), "nation", code, None) for code in MEMBERS}
    users["coordinator"] = ("coord", "coordinator", None, None)
    with open_server(pg_module_url, spares_scenario(), users) as server:
        yield server


def totals(server: Server, role: str) -> dict[str, Any]:
    """The spares total as `role` sees it."""
    response = server.client.get("/api/v1/stocks/totals", headers=server.headers(role))
    assert response.status_code == 200
    return dict({t["family"]: t for t in response.json()}["spares"])


def test_emptied_stocks_do_not_count_as_holders(spares: Server) -> None:
    """Issue 21: after three members dispatch all their spares, ALD must not read BRV's."""
    assert totals(spares, "ALD")["on_hand"] == sum(SPARES.values())  # five holders: shown
    for code in ("CZE", "DNK", "EST"):
        body = {"nation": code, "item": "SP1", "kind": "dispatch", "quantity": SPARES[code],
                "reason": "to the front", "occurred_on": "2027-03-15"}
        headers = {**spares.headers(code), "Idempotency-Key": f"empty-{code}"}
        assert spares.client.post("/api/v1/movements", json=body,
                                  headers=headers).status_code == 201
    shown = totals(spares, "ALD")
    assert shown["withheld"] is True and shown["on_hand"] is None
    assert shown["floor"] is None and shown["target"] is None
    assert totals(spares, "coordinator")["on_hand"] == SPARES["ALD"] + SPARES["BRV"]


def test_a_dominant_member_withholds_the_total(spares: Server) -> None:
    """Once CZE holds more than 80 %, no member is shown the total."""
    body = {"nation": "CZE", "item": "SP1", "kind": "receipt", "quantity": 1000,
            "reason": "from industry", "occurred_on": "2027-03-20"}
    headers = {**spares.headers("CZE"), "Idempotency-Key": "dominant"}
    assert spares.client.post("/api/v1/movements", json=body, headers=headers).status_code == 201
    for code in MEMBERS:
        assert totals(spares, code)["withheld"] is True
    assert totals(spares, "coordinator")["withheld"] is False


def test_the_rule_counts_holders_other_than_the_asker() -> None:
    three = {"A": 10.0, "B": 10.0, "C": 10.0}
    assert may_disclose(three, "A") and may_disclose(three, None)
    assert not may_disclose({**three, "C": 0.0}, "A")  # two holders
    assert not may_disclose({"A": 10.0, "B": 10.0, "D": 0.0}, "D")  # D holds none
    assert not may_disclose({"A": 0.0, "B": 0.0, "C": 0.0}, None)  # all zero tells all
    assert not may_disclose({"A": 81.0, "B": 10.0, "C": 9.0}, "B")  # A dominates
    assert may_disclose({"A": 80.0, "B": 10.0, "C": 10.0}, "B")


# --- the property: what a member is shown never pins down another member's numbers ---

@st.composite
def coalitions(draw: st.DrawFn) -> list[Position]:
    """Members holding items of a few families: amounts often zero, sometimes dominant."""
    members = [f"M{i}" for i in range(draw(st.integers(3, 5)))]
    families = {f"F{f}": [f"F{f}I{i}" for i in range(draw(st.integers(1, 3)))]
                for f in range(draw(st.integers(1, 3)))}
    amount = st.one_of(st.just(0.0), st.integers(1, 50).map(float),
                       st.integers(200, 2000).map(float))
    positions = []
    for member in members:
        for family, items in families.items():
            for item in items:
                if draw(st.booleans()):
                    floor = draw(amount)
                    positions.append(Position(member, item, family, draw(amount), floor,
                                              floor + draw(amount)))
    return positions


def _range(positions: list[Position], asker: str, shown: dict[str, dict[str, float]],
           measure: str, member: str, family: str) -> tuple[float, float]:
    """Least and most `member` could hold of `measure` in `family`, given what `asker` knows:
    its own positions, which positions exist, every total shown, and amounts >= 0 (floors
    below targets)."""
    unknown = [p for p in positions if p.nation != asker]
    pair = ("floor", "target") if measure in ("floor", "target") else (measure,)
    columns = [(p, m) for p in unknown for m in pair]
    index = {(p.nation, p.item, m): j for j, (p, m) in enumerate(columns)}
    rows, rhs = [], []
    for fam, sums in shown.items():
        for m in pair:
            row = np.zeros(len(columns))
            for p in unknown:
                if p.family == fam:
                    row[index[(p.nation, p.item, m)]] = 1.0
            own = sum(getattr(p, m) for p in positions if p.nation == asker and p.family == fam)
            rows.append(row)
            rhs.append(sums[m] - own)
    bound_rows, bound_rhs = [], []
    if len(pair) == 2:  # floor <= target on every position
        for p in unknown:
            row = np.zeros(len(columns))
            row[index[(p.nation, p.item, "floor")]] = 1.0
            row[index[(p.nation, p.item, "target")]] = -1.0
            bound_rows.append(row)
            bound_rhs.append(0.0)
    goal = np.zeros(len(columns))
    for p in unknown:
        if p.nation == member and p.family == family:
            goal[index[(p.nation, p.item, measure)]] = 1.0
    found = []
    for sign in (1.0, -1.0):
        result = linprog(sign * goal, A_eq=np.array(rows) if rows else None,
                         b_eq=np.array(rhs) if rows else None,
                         A_ub=np.array(bound_rows) if bound_rows else None,
                         b_ub=np.array(bound_rhs) if bound_rows else None,
                         bounds=(0, None), method="highs")
        if result.status == 3:  # unbounded above: nothing pins it
            found.append(float("inf"))
        else:
            assert result.status == 0, result.message
            found.append(sign * result.fun)
    return found[0], found[1]


@given(coalitions())
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_member_can_solve_another_members_stock(positions: list[Position]) -> None:
    members = sorted({p.nation for p in positions})
    for asker in members:
        shown = {t.family: {"on_hand": t.on_hand, "floor": t.floor, "target": t.target}
                 for t in family_totals(positions, withhold=True, asker=asker)
                 if not t.withheld}
        for family, sums in shown.items():
            by_member: dict[str, float] = {}
            for p in positions:
                if p.family == family:
                    by_member[p.nation] = by_member.get(p.nation, 0.0) + p.on_hand
            assert max(by_member.values()) <= DOMINANCE * sum(by_member.values())
            for member in members:
                if member == asker or not any(p.nation == member and p.family == family
                                              for p in positions):
                    continue
                for measure in sums:
                    least, most = _range(positions, asker, shown, measure, member, family)
                    assert most - least > 1e-6, (
                        f"{asker} can solve {member}'s {measure} of {family}: {least}")
