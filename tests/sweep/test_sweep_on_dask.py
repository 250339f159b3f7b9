"""Sweeps on Dask: the same seed gives the same results on one worker or two, whatever order
runs finish in; a worker killed mid-sweep has its runs run again, and every run ends done."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster

from replenish.cli import run
from replenish.scenario.reader import read_scenario
from replenish.scenario.uncertainty import read_uncertainty
from replenish.sweep.cluster import run_sweep
from replenish.sweep.metrics import RunResult
from replenish.sweep.runs import SweepJob, sweep_options

from .support import synthetic_folder


def _sweep(folder: Path, out: Path, *extra: str) -> dict[str, Any]:
    assert run(["sweep", str(folder), "--out", str(out), "--seed", "7", *extra]) == 0
    return dict(json.loads((out / "sweep.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize(("mode", "runs"), [("fixed", "12"), ("replan", "4")])
def test_one_worker_or_two_give_the_same_sweep(tmp_path: Path, mode: str, runs: str) -> None:
    folder = synthetic_folder(tmp_path / "sc")
    common = ("--mode", mode, "--runs", runs, "--time-limit", "20")
    one = _sweep(folder, tmp_path / "one", *common, "--workers", "1")
    two = _sweep(folder, tmp_path / "two", *common, "--workers", "2")
    assert one == two
    assert one["done"] == int(runs) and one["failed"] == []
    assert (tmp_path / "one" / "runs.csv").read_text() == (
        tmp_path / "two" / "runs.csv").read_text()


@pytest.fixture
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", host="127.0.0.1") as local:
        yield local


def test_a_worker_killed_mid_sweep_loses_no_run(tmp_path: Path, cluster: LocalCluster
                                                ) -> None:
    folder = synthetic_folder(tmp_path / "sc")
    job = SweepJob(read_scenario(folder), read_uncertainty(folder / "uncertainty.toml"),
                   "replan", sweep_options(20))
    killed: list[int] = []      # runs in flight on the worker killed
    with Client(cluster, set_as_default=False) as client:

        def kill_a_busy_worker(result: RunResult) -> None:
            if killed:
                return
            busy, tasks = max(client.processing().items(), key=lambda kv: len(kv[1]))
            pid = client.run(os.getpid, workers=[busy])[busy]
            os.kill(pid, signal.SIGKILL)
            killed.append(len(tasks))

        outcome = run_sweep(client, job, seed=3, runs=10, on_result=kill_a_busy_worker)
        again = run_sweep(client, job, seed=3, runs=10)
    assert killed and killed[0] > 0
    assert sorted(outcome.results) == list(range(10)) and not outcome.interrupted
    assert [r.status for r in outcome.results.values()] == ["done"] * 10
    assert outcome.results == again.results
