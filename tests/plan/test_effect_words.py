"""An effect in words: the members named for a change of cost are the largest, and where
there are more a reader is told, so that the shares shown need not add up to the total."""

from __future__ import annotations

from replenish.i18n import speaking
from replenish.plan.totals import effect_sentence


def _effect(members: dict[str, float]) -> dict[str, object]:
    return {"on_time": 0, "late": 0, "unmet": 0, "readiness": 0, "idle_system_months": 0,
            "cost": sum(members.values()), "cost_by_member": members}


def test_three_members_or_fewer_are_all_named() -> None:
    words = effect_sentence(_effect({"A": 2e6, "B": -1e6}))
    assert words == "costs 1 M more in all (A 2 M more, B 1 M less)"


def test_more_members_than_shown_are_counted() -> None:
    members = {"A": 5e6, "B": -4e6, "C": 3e6, "D": 1e6, "E": -2e5}
    words = effect_sentence(_effect(members))
    assert words.endswith("(A 5 M more, B 4 M less, C 3 M more and 2 other members)")
    one_more = effect_sentence(_effect({k: members[k] for k in "ABCD"}))
    assert one_more.endswith("and 1 other member)")
    with speaking("da"):
        assert effect_sentence(_effect(members)).endswith("og 2 andre medlemmer)")
