"""Waiting for a plan on Dask (api/planner.py, `PlanRunner._wait`): a plan that finishes just
as a wait for it runs out is done, not failed (seen once in CI: the finished plan read as
failed, "timed out after 0.5 s"); a plan that itself timed out still fails with its error.
The race cannot be brought about on a real cluster at will, so a stand-in future plays it."""

from __future__ import annotations

from typing import Any

import pytest

from replenish.api.planner import PlanRunner


class _Future:
    """A Dask future whose task ends just after the first wait for it runs out, with
    `outcome` (a result, or an exception it raised)."""

    key = "replenish-plan-1"

    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome
        self.waited = False

    def result(self, timeout: float | None = None) -> Any:
        if timeout is not None and not self.waited:
            self.waited = True
            raise TimeoutError(f"timed out after {timeout} s.")
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome

    def done(self) -> bool:
        return self.waited


def _runner() -> PlanRunner:
    # only `_wait` is used, and on these paths it touches nothing else of the runner
    return object.__new__(PlanRunner)


def test_a_plan_done_just_as_the_wait_runs_out_is_done() -> None:
    summary, files = {"status": "optimal"}, {"orders.csv": b""}
    got = _runner()._wait(1, None, _Future((summary, files)))    # type: ignore[arg-type]
    assert got == (summary, files)


def test_a_plan_that_itself_timed_out_still_fails() -> None:
    with pytest.raises(TimeoutError, match="the plan's own"):
        _runner()._wait(1, None, _Future(TimeoutError("the plan's own")))  # type: ignore[arg-type]
