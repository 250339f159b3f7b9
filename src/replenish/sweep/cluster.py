"""The runs of a sweep on Dask distributed: a local cluster of processes, or a scheduler's.

The job (scenario, uncertainty, plan) goes to the cluster once, as one task every run depends
on, so a worker fetches it once and a lost copy is made again. Each run is a task of its own,
submitted with `retries=2` so that a worker lost mid-run has its runs run again elsewhere;
a run that fails by itself returns a failed RunResult. Ctrl-C cancels what has not finished
and keeps what has.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from replenish.errors import SchedulerUnavailable
from replenish.sweep.draws import run_seeds
from replenish.sweep.metrics import RunResult
from replenish.sweep.runs import SweepJob, run_one

if TYPE_CHECKING:
    from distributed import Client, Future

#: seconds to reach a scheduler given by address
CONNECT_TIMEOUT = 10.0


@dataclass
class SweepOutcome:
    """The runs that finished, by run number, and whether the sweep was interrupted."""

    results: dict[int, RunResult] = field(default_factory=dict)
    interrupted: bool = False


def _identity(job: SweepJob) -> SweepJob:
    return job


@contextmanager
def dask_client(scheduler: str = "", workers: int = 0) -> Iterator[Client]:
    """A client of the scheduler at `scheduler`, or of a new local cluster of `workers`
    processes (0: one per core) with one thread each."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnavailable(
                f"the Dask scheduler at {scheduler} could not be reached in "
                f"{CONNECT_TIMEOUT:g} s ({exc}); expected the address of a running "
                "scheduler, such as tcp://host:8786, or no --scheduler for a local "
                "cluster") from None
        with client:
            try:
                client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
            except TimeoutError:
                raise SchedulerUnavailable(f"the Dask scheduler at {scheduler} has no workers "
                                           f"(waited {CONNECT_TIMEOUT:g} s)") from None
            yield client
        return
    n = workers or os.cpu_count() or 1
    # ":0", not None: the scheduler's HTTP server starts either way, and a taken port warns
    with _workers_ignore_ctrl_c():
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=":0", host="127.0.0.1",
                               silence_logs=logging.ERROR)
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start worker processes with Ctrl-C ignored (they inherit it), so that it reaches this
    process alone, which cancels the runs and closes the cluster, rather than every worker
    dying with a traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_sweep(client: Client, job: SweepJob, seed: int, runs: int,
              on_result: Callable[[RunResult], None] | None = None) -> SweepOutcome:
    """Run `runs` draws of `job` on the cluster of `client`; `on_result` hears of each run as
    it finishes, in any order."""
    from distributed import as_completed

    tag = uuid.uuid4().hex[:8]
    shared = client.submit(_identity, job, pure=False, key=f"replenish-sweep-job-{tag}")
    futures = {client.submit(run_one, shared, k, seq, pure=False, retries=2,
                             key=f"replenish-sweep-{tag}-run-{k}"): k
               for k, seq in enumerate(run_seeds(seed, runs))}
    outcome = SweepOutcome()
    try:
        for future in as_completed(futures, loop=client.loop):
            k = futures[future]
            if future.status == "finished":
                result = future.result()
            else:
                result = RunResult(run=k, status="failed",
                                   error=f"lost on the cluster: {_reason(future)}")
            outcome.results[k] = result
            if on_result is not None:
                on_result(result)
    except KeyboardInterrupt:
        outcome.interrupted = True
        client.cancel([f for f in futures if not f.done()])
    finally:
        shared.release()
    return outcome


def _reason(future: Future) -> str:
    try:
        exc = future.exception(timeout=1)
    except Exception as err:   # cancelled futures raise rather than return their exception
        return type(err).__name__
    return f"{type(exc).__name__}: {exc}"
