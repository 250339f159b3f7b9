"""Item groups' models kept on the workers of a Dask cluster (`replenish plan --scheduler`).

Planning by item groups (planning/decompose.py) solves each group many times: its first
relaxation, once per pass of coordination by price, within its shares, in whole numbers.
Each group's model lives in a Dask actor on one worker for the whole plan, so that it goes
through the scheduler once, as the scenario and the group's items, and is built on the worker
that keeps it; every call after carries only prices per budget key out and a proposal (value,
cost, spending per key) or a group plan back. The scenario is scattered to every worker once.

Groups are placed largest first on the worker with the fewest items so far. A worker runs its
actors' calls one at a time (Dask's actor thread), so a cluster of W single-threaded workers
solves W groups at once. The plan is the same, value for value, as in threads: each group
sees the same calls in the same order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from replenish.errors import MissingExtra, SchedulerUnavailable
from replenish.model import Scenario
from replenish.planning.decompose import Groups, _Group
from replenish.planning.options import PlanOptions


class DaskGroups(Groups):
    """The groups as actors on the workers of the scheduler at `address`."""

    def __init__(self, address: str, timeout: float) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise MissingExtra("plan --scheduler", "server", ["distributed"]) from None

        self.address = address
        # a plan by groups calls each group's actor once a batch: at L, 1,367 calls at once
        # fill the client's pool of connections, and distributed logs each sweep of it at
        # INFO ("Collecting unused comms", a thousand lines a minute on the command line)
        quiet = logging.getLogger("distributed")
        quiet.setLevel(max(quiet.getEffectiveLevel(), logging.WARNING))
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SchedulerUnavailable(f"the Dask scheduler at {address} could not be reached "
                                       f"in {timeout:g} s: {exc}") from exc
        self.actors: list[Any] = []

    def create(self, scenario: Scenario, options: PlanOptions, scale: float,
               parts: list[list[str]]) -> None:
        workers = sorted(self.client.scheduler_info(n_workers=-1)["workers"])
        if not workers:
            raise SchedulerUnavailable(f"the Dask scheduler at {self.address} has no workers")
        shipped = self.client.scatter(scenario, broadcast=True, hash=False)
        load = dict.fromkeys(workers, 0)
        where: dict[int, str] = {}
        for k in sorted(range(len(parts)), key=lambda k: (-len(parts[k]), k)):
            worker = min(workers, key=lambda w: (load[w], w))
            where[k] = worker
            load[worker] += len(parts[k])
        self.where = [where[k] for k in range(len(parts))]
        self.actors = self._actors(shipped, options, scale, list(range(len(parts))), parts)

    def _actors(self, scenario: Any, options: PlanOptions, scale: float, which: list[int],
                parts: list[list[str]]) -> list[Any]:
        """A new actor for each group `which[j]` (items `parts[j]`) on the group's worker."""
        futures = [self.client.submit(_Group, scenario, options, scale, items, actor=True,
                                      workers=[self.where[k]], allow_other_workers=False,
                                      pure=False)
                   for k, items in zip(which, parts, strict=True)]
        # an actor handle binds to the client current when it is made (not the default one:
        # a server may hold several)
        with self.client.as_current():
            return [f.result() for f in futures]

    def replace(self, which: list[int], scenario: Scenario, options: PlanOptions,
                scale: float, parts: list[list[str]]) -> list[Any]:
        if not which:
            return []
        old = [self.actors[k] for k in which]
        shipped = self.client.scatter(scenario, broadcast=True, hash=False)
        for k, actor in zip(which, self._actors(shipped, options, scale, which, parts),
                            strict=True):
            self.actors[k] = actor
        return old

    def put_back(self, which: list[int], old: list[Any]) -> None:
        for k, actor in zip(which, old, strict=True):
            self.actors[k] = actor

    def inherit(self, which: list[int], old: list[Any]) -> None:
        planned = [(actor.planned(), actor.basis(), actor.shares_basis(), actor.fingerprint())
                   for actor in old]
        done = [self.actors[k].inherit(x.result(), basis.result(), shares.result(),
                                       fingerprint.result())
                for k, (x, basis, shares, fingerprint) in zip(which, planned, strict=True)]
        for future in done:
            future.result()

    def call(self, method: str, which: list[int], args: list[tuple[Any, ...]],
             report: Callable[[int], None] = lambda done: None) -> list[Any]:
        pending = [getattr(self.actors[k], method)(*a)
                   for k, a in zip(which, args, strict=True)]
        out = []
        for done, future in enumerate(pending, start=1):
            out.append(future.result())
            report(done)
        return out

    def close(self) -> None:
        self.actors = []
        self.client.close()
