"""Charts of the joint-procurement reports: stock recovery (PNG) and a line's offtake (SVG).

PNGs are drawn on matplotlib's Agg canvas without pyplot, so no global state or display is
touched; the SVG is written by hand, small enough to inline in a printable HTML page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from replenish.reports.compare import CompareResult

_SCALES = ((1e9, "billion"), (1e6, "million"), (1e3, "thousand"))


def money_scale(values: Sequence[float]) -> tuple[float, str]:
    """A divisor and its word so the largest value reads as a small number."""
    top = max((abs(v) for v in values), default=0.0)
    for divisor, word in _SCALES:
        if top >= divisor:
            return divisor, word
    return 1.0, ""


def plot_recovery(result: CompareResult, path: Path) -> Path:
    """PNG: value of members' stocks below target month by month, joint against national."""
    joint, national = result.joint.shortfall, result.national.shortfall
    divisor, word = money_scale([*joint, *national])
    figure = Figure(figsize=(9.0, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x = list(range(len(result.months)))
    axes.plot(x, [v / divisor for v in joint], marker="o", markersize=3, linewidth=2,
              label=f"joint: buying together ({result.joint.restocked} of "
                    f"{len(result.members)} members back at target)")
    axes.plot(x, [v / divisor for v in national], marker="s", markersize=3, linewidth=2,
              linestyle="--", label=f"national: each member alone ({result.national.restocked} "
                                    f"of {len(result.members)})")
    step = max(1, len(x) // 12)
    axes.set_xticks(x[::step], result.months[::step], rotation=45, ha="right")
    axes.set_xlabel("end of month")
    axes.set_ylabel(f"value below target ({word + ' ' if word else ''}currency units)")
    axes.set_ylim(bottom=0)
    axes.set_title(f"Stock recovery, {result.scenario}: members' stocks below target")
    axes.grid(True, alpha=0.3)
    axes.legend()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", dpi=100)
    return path


def offtake_svg(title: str, months: Sequence[str], committed: Sequence[float],
                announced: Sequence[float], capacity: Sequence[float],
                width: int = 320, height: int = 120) -> str:
    """Inline SVG: committed (dark) and announced (light) bars per month, capacity as a step."""
    top = max([*committed, *(c + a for c, a in zip(committed, announced, strict=True)),
               *capacity, 1e-9])
    n = max(1, len(months))
    left, bottom, plot_h = 4, 16, height - 32
    bar_w = (width - 2 * left) / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f'<text x="{left}" y="11" font-size="10">{escape(title)}</text>']

    def y(v: float) -> float:
        return height - bottom - plot_h * v / top

    for t in range(len(months)):
        x0 = left + t * bar_w
        c, a = committed[t], announced[t]
        if c > 0:
            parts.append(f'<rect x="{x0:.1f}" y="{y(c):.1f}" width="{bar_w * 0.8:.1f}" '
                         f'height="{y(0) - y(c):.1f}" fill="#1f4e79"/>')
        if a > 0:
            parts.append(f'<rect x="{x0:.1f}" y="{y(c + a):.1f}" width="{bar_w * 0.8:.1f}" '
                         f'height="{y(c) - y(c + a):.1f}" fill="#9dc3e6"/>')
    steps = " ".join(f"{left + t * bar_w:.1f},{y(v):.1f} {left + (t + 1) * bar_w:.1f},{y(v):.1f}"
                     for t, v in enumerate(capacity))
    parts.append(f'<polyline points="{steps}" fill="none" stroke="#c00000" '
                 f'stroke-width="1.5"/>')
    parts.append(f'<text x="{left}" y="{height - 3}" font-size="9">{escape(months[0])}</text>'
                 if months else "")
    parts.append(f'<text x="{width - left}" y="{height - 3}" font-size="9" '
                 f'text-anchor="end">{escape(months[-1])}</text>' if months else "")
    parts.append("</svg>")
    return "".join(parts)
