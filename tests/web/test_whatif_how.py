"""How a what-if's plan was made, in words beside its difference (issue 19): a local re-plan
says that every other item group kept the plan; a coordinated one, where the two plans differ
by less than their gaps, that the difference may be the planner's."""

from __future__ import annotations

from typing import Any

from replenish.web.whatif import planned_how


def _summary(objective: float, gap: float, warm: dict[str, Any] | None = None,
             groups: bool = True) -> dict[str, Any]:
    model: dict[str, Any] = {"gap": gap}
    if groups:
        model["decomposition"] = {"groups": 3, **({"warm": warm} if warm else {})}
    return {"objective": objective, "model": model}


def test_a_local_re_plan_says_the_difference_is_the_change_s_alone() -> None:
    how = planned_how(_summary(99.9, 0.004, {"coordinated": False}), _summary(100.0, 0.004))
    assert "only the item group this change touches" in how[0]
    assert how[1] == ("The current plan is within 0.4 % of the best possible plan, the plan "
                      "with the change within 0.4 %.")
    assert len(how) == 2     # no warning: the other groups are the plan's, item for item


def test_a_coordinated_re_plan_within_the_gaps_is_read_as_the_planner_s_margin() -> None:
    close = planned_how(_summary(100.5, 0.003, {"coordinated": True}), _summary(100.0, 0.004))
    assert "every item group" in close[0]
    assert "planner's margin" in close[-1]
    # farther apart than both gaps together: the difference is the change's
    far = planned_how(_summary(101.0, 0.003, {"coordinated": True}), _summary(100.0, 0.004))
    assert not any("margin" in words for words in far)


def test_a_re_plan_that_kept_the_current_plan_says_so_and_no_more() -> None:
    # a budget raised: nothing better than the plan before, which still holds, was found
    how = planned_how(_summary(100.0, 0.005, {"coordinated": True, "plan_before_kept": True}),
                      _summary(100.0, 0.004))
    assert "None came out better than the current plan" in how[0]
    assert len(how) == 2 and not any("margin" in words for words in how)


def test_plans_proven_optimal_as_one_model_need_no_words() -> None:
    assert planned_how(_summary(90.0, 0.0, groups=False), _summary(100.0, 0.0, groups=False)) == []
    assert planned_how({}, {}) == []


def test_a_plan_a_time_limit_decided_in_part_says_another_run_may_differ() -> None:
    stopped = _summary(100.5, 0.003, {"coordinated": True})
    stopped["model"]["stopped_by_time"] = 2
    for after, before in ((stopped, _summary(100.0, 0.004)), (_summary(100.0, 0.004), stopped)):
        how = planned_how(after, before)
        assert sum("A time limit stopped" in words for words in how) == 1, how
    # the plan before kept: there is no difference to explain
    kept = _summary(100.0, 0.005, {"coordinated": True, "plan_before_kept": True})
    kept["model"]["stopped_by_time"] = 2
    assert not any("time limit" in words for words in planned_how(kept, stopped))
    calm = _summary(100.5, 0.003, {"coordinated": True})
    calm["model"]["stopped_by_time"] = 0
    assert not any("time limit" in words
                   for words in planned_how(calm, _summary(100.0, 0.004)))
