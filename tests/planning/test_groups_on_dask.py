"""Planning by item groups with the groups' models on a Dask cluster's workers
(`replenish plan --scheduler`): the same plan, file for file, as in threads."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster

from replenish.cli import run
from replenish.plan.writer import write_plan_files
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.on_dask import DaskGroups
from replenish.scenario.generator import generate_scenario
from replenish.scenario.writer import write_scenario

from .support import checked

ALWAYS = PlanOptions(compare_greedy=False, decompose="always")


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two Dask workers, each a process of its own with one thread."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", host="127.0.0.1") as local:
        yield local


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_groups_on_two_workers_give_the_plan_in_threads_file_for_file(
        cluster: LocalCluster, tmp_path: Path) -> None:
    # budgets bind (coordination makes passes) and whole numbers leave money that a group
    # is planned again with: every call a group gets, on a worker as in a thread (seed 12:
    # see test_decompose's test_money_left_by_whole_numbers_buys_a_better_plan)
    sc = generate_scenario(3, 12, 8, 12)
    threads = plan_scenario(sc, ALWAYS)
    dask = plan_scenario(sc, dataclasses.replace(ALWAYS, scheduler=cluster.scheduler_address))
    d = dask.extra["model"]["decomposition"]
    assert d["groups"] > 2 and d["price_passes"] > 0 and d["replanned_with_leftovers"] > 0
    assert dask.extra["model"]["bound"] == threads.extra["model"]["bound"]
    assert dask.objective == threads.objective
    # the same work, iteration for iteration: the measure of work the bench compares across
    # machines is the machine's no more than the plan is
    assert d["simplex_iterations"] == threads.extra["model"]["decomposition"][
        "simplex_iterations"] > 0
    checked(sc, dask)
    write_plan_files(threads, sc, tmp_path / "threads")
    write_plan_files(dask, sc, tmp_path / "dask")
    files = _files(tmp_path / "threads")
    assert "orders.csv" in files and len(files) >= 8
    assert _files(tmp_path / "dask") == files


def test_groups_sharing_hubs_on_two_workers_give_the_plan_in_threads(
        cluster: LocalCluster, tmp_path: Path) -> None:
    # hubs of 60 t a month shared by price as budgets are: the same calls on a worker
    sc = generate_scenario(4, 12, 10, 3, hubs=2)
    sc = dataclasses.replace(sc, hubs=tuple(dataclasses.replace(h, capacity_tonnes=60.0)
                                            for h in sc.hubs))
    threads = plan_scenario(sc, ALWAYS)
    dask = plan_scenario(sc, dataclasses.replace(ALWAYS, scheduler=cluster.scheduler_address))
    assert dask.extra["model"]["decomposition"]["coupling_rows"]["transport"] > 0
    checked(sc, dask)
    write_plan_files(threads, sc, tmp_path / "threads")
    write_plan_files(dask, sc, tmp_path / "dask")
    assert "throughput.csv" in _files(tmp_path / "dask")
    assert _files(tmp_path / "dask") == _files(tmp_path / "threads")


def test_groups_meeting_families_in_part_on_two_workers_give_the_plan_in_threads(
        cluster: LocalCluster, tmp_path: Path) -> None:
    # family requirements priced between groups (PlanOptions.split_families): each group's
    # part of them built on its worker as in a thread
    sc = generate_scenario(8, 60, 24, 1)
    split = dataclasses.replace(ALWAYS, split_families="always", explain="never")
    threads = plan_scenario(sc, split)
    dask = plan_scenario(sc, dataclasses.replace(split, scheduler=cluster.scheduler_address))
    assert dask.extra["model"]["decomposition"]["coupling_rows"]["requirement"] > 0
    assert dask.objective == threads.objective
    write_plan_files(threads, sc, tmp_path / "threads")
    write_plan_files(dask, sc, tmp_path / "dask")
    assert _files(tmp_path / "dask") == _files(tmp_path / "threads")


def test_plan_command_on_a_scheduler(cluster: LocalCluster, tmp_path: Path) -> None:
    sc = generate_scenario(3, 10, 6, 2)
    write_scenario(sc, tmp_path / "sc")
    assert run(["plan", str(tmp_path / "sc"), "--out", str(tmp_path / "plan"), "--no-greedy",
                "--decompose", "always", "--scheduler", cluster.scheduler_address]) == 0
    summary = json.loads((tmp_path / "plan" / "summary.json").read_text())
    assert summary["model"]["decomposition"]["groups"] > 1


def test_a_plan_on_a_scheduler_keeps_distributed_s_chatter_off_the_command_line(
        cluster: LocalCluster) -> None:
    # at L, every batch's calls swept the client's pool of connections, a thousand INFO
    # lines a minute on the command line
    chatty = logging.getLogger("distributed")
    level = chatty.level
    chatty.setLevel(logging.INFO)
    try:
        groups = DaskGroups(cluster.scheduler_address, 10.0)
        groups.close()
        assert chatty.getEffectiveLevel() == logging.WARNING
    finally:
        chatty.setLevel(level)


def test_a_scheduler_that_cannot_be_reached_is_a_clear_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sc = generate_scenario(3, 10, 6, 2)
    write_scenario(sc, tmp_path / "sc")
    code = run(["plan", str(tmp_path / "sc"), "--out", str(tmp_path / "plan"), "--no-greedy",
                "--decompose", "always", "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    err = capsys.readouterr().err
    assert "tcp://127.0.0.1:9 could not be reached" in err and "Traceback" not in err
    assert not (tmp_path / "plan").exists()


def test_a_warm_replan_on_workers_gives_the_warm_replan_in_threads(
        cluster: LocalCluster) -> None:
    from replenish.planning.decompose import GroupPlanner

    from .test_warm_replan import _one_more

    sc = generate_scenario(3, 12, 8, 5)
    changed, _item = _one_more(sc)
    # by blocks: the model's fingerprint crosses from the old group's worker, and only the
    # blocks the change touched are planned again
    options = dataclasses.replace(ALWAYS, explain="never", split_columns=0, batch_columns=1)
    with GroupPlanner(sc, options, lambda step, f: None) as planner:
        threads = planner.replan(changed)
    on_dask = dataclasses.replace(options, scheduler=cluster.scheduler_address)
    with GroupPlanner(sc, on_dask, lambda step, f: None) as planner:
        dask = planner.replan(changed)
        assert len(planner.groups.actors) == threads.extra["model"]["decomposition"]["groups"]  # type: ignore[attr-defined]
    assert dask.extra["model"]["decomposition"]["warm"]["groups_rebuilt"] == 1
    assert dask.objective == threads.objective
    assert dask.orders == threads.orders and dask.donations == threads.donations
