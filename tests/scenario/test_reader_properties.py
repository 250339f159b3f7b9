"""Whatever is done to a valid scenario, reading it gives a Scenario or a ScenarioError whose
problems say where: never any other exception."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from replenish.errors import ScenarioError
from replenish.scenario import read_scenario
from replenish.scenario.reader import SCENARIO_FILES

TINY = Path(__file__).parents[1] / "scenarios" / "tiny"
FILES = [name for name in SCENARIO_FILES if (TINY / name).exists()]
CSV_FILES = [name for name in FILES if name.endswith(".csv")]

Rows = list[list[str]]


def read_mutated(file: str, change: Callable[[bytes], bytes]) -> None:
    """Read a copy of tiny whose `file` went through `change`; only ScenarioError may escape."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "tiny"
        shutil.copytree(TINY, folder)
        path = folder / file
        path.write_bytes(change(path.read_bytes()))
        try:
            read_scenario(folder)
        except ScenarioError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.file in FILES or problem.file == file
                assert problem.line is None or problem.line >= 1
                assert problem.message


def rows_of(data: bytes) -> Rows:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def csv_bytes(rows: Rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def edit_rows(data: st.DataObject, file: str, edit: Callable[[Rows, int, int], None]) -> None:
    """Apply `edit(rows, row, column)` at a drawn cell of `file`, then read the scenario."""
    def change(raw: bytes) -> bytes:
        rows = rows_of(raw)
        row = data.draw(st.integers(0, len(rows) - 1), label="row")
        column = data.draw(st.integers(0, len(rows[row]) - 1), label="column")
        edit(rows, row, column)
        return csv_bytes(rows)
    read_mutated(file, change)


NOISE = st.one_of(st.text(max_size=20),
                  st.sampled_from(["", "-1", "0.5", "1e999", "nan", "2025-13", "9" * 400,
                                   "1_000", "true", "PZH", "RCP", "sph155", "AAA", "2030-01",
                                   '"', "\n", "\x00", "\ufeff"]))


@settings(max_examples=100, deadline=None)
@given(data=st.data(), file=st.sampled_from(CSV_FILES), text=NOISE)
def test_replaced_cell(data: st.DataObject, file: str, text: str) -> None:
    def replace(rows: Rows, row: int, column: int) -> None:
        rows[row][column] = text
    edit_rows(data, file, replace)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), file=st.sampled_from(CSV_FILES))
def test_deleted_cell(data: st.DataObject, file: str) -> None:
    def delete(rows: Rows, row: int, column: int) -> None:
        del rows[row][column]
    edit_rows(data, file, delete)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), file=st.sampled_from(CSV_FILES))
def test_swapped_columns(data: st.DataObject, file: str) -> None:
    def swap(rows: Rows, row: int, column: int) -> None:
        other = data.draw(st.integers(0, len(rows[0]) - 1), label="other column")
        for cells in rows:
            if max(column, other) < len(cells):
                cells[column], cells[other] = cells[other], cells[column]
    edit_rows(data, file, swap)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), file=st.sampled_from(FILES))
def test_truncated_file(data: st.DataObject, file: str) -> None:
    size = (TINY / file).stat().st_size
    cut = data.draw(st.integers(0, size), label="cut")
    read_mutated(file, lambda raw: raw[:cut])


@settings(max_examples=60, deadline=None)
@given(file=st.sampled_from(FILES), noise=st.binary(max_size=300))
def test_file_replaced_by_random_bytes(file: str, noise: bytes) -> None:
    read_mutated(file, lambda raw: noise)


@settings(max_examples=60, deadline=None)
@given(file=st.sampled_from(FILES), text=st.text(max_size=200))
def test_file_replaced_by_random_text(file: str, text: str) -> None:
    read_mutated(file, lambda raw: text.encode("utf-8"))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), file=st.sampled_from(FILES), text=st.text(max_size=30))
def test_text_inserted_anywhere(data: st.DataObject, file: str, text: str) -> None:
    size = (TINY / file).stat().st_size
    at = data.draw(st.integers(0, size), label="at")
    read_mutated(file, lambda raw: raw[:at] + text.encode("utf-8") + raw[at:])
