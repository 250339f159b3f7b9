"""Months are written YYYY-MM in files and held as integer offsets from the scenario start."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> tuple[int, int]:
    """Parse 'YYYY-MM' into (year, month); raise ValueError otherwise."""
    m = _MONTH.match(text.strip())
    if not m:
        raise ValueError(f"expected a month as YYYY-MM, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def month_index(text: str, start: str) -> int:
    """Offset of month `text` from `start` (both YYYY-MM); may be negative or past the horizon."""
    y, m = parse_month(text)
    y0, m0 = parse_month(start)
    return (y - y0) * 12 + (m - m0)


@lru_cache(maxsize=4096)
def format_month(index: int, start: str) -> str:
    """The YYYY-MM of month `index` counted from `start` (kept: a plan's files name the same
    few months hundreds of thousands of times)."""
    y0, m0 = parse_month(start)
    total = y0 * 12 + (m0 - 1) + index
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def runs(values: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive whole numbers (month indices) as (first, last) runs, in order; duplicates
    count once: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    out: list[list[int]] = []
    for v in sorted(set(values)):
        if out and v == out[-1][1] + 1:
            out[-1][1] = v
        else:
            out.append([v, v])
    return [(a, b) for a, b in out]
