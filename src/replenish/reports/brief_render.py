"""The brief as HTML (a Jinja2 template, charts embedded) and as PDF (WeasyPrint), both made
with nothing fetched from outside the page."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from replenish import i18n
from replenish.i18n import _, ngettext, number, percent, significant
from replenish.model.months import format_month
from replenish.plan.totals import money
from replenish.reports import brief_charts as charts
from replenish.reports.brief import Brief, Readiness, family_name, month_name
from replenish.reports.delivery import FULL, Limit, month_spans, use_words
from replenish.reports.sweep_view import Sweep

TEMPLATES = Path(__file__).parent / "templates"
#: lines in the asks to industry; the rest are summed in one sentence
ASKS_SHOWN = 10


def units(value: float) -> str:
    """A quantity as printed: 12,345 (whole units), 2.5 below 100 when not whole."""
    return number(value, 0 if abs(value - round(value)) < 1e-6 or abs(value) >= 100 else 1)


def share(part: float, whole: float) -> str:
    """part / whole as a percentage to a tenth, never rounded up to 100 % or down to 0 %."""
    if whole <= 0:
        return "–"
    if part >= whole or part <= 0:
        return f"{number(100 * part / whole)} %"
    return f"{number(min(99.9, max(0.1, 100 * part / whole)), 1)} %"


def _back(month: str | None) -> str:
    if month is None:
        return _("never below")
    return month_name(month) if month else _("after the plan")


def _full(limit: Limit) -> str:
    """The months a hub or route is full, counted and in runs: '3 months: Jan 2027 – Mar
    2027'."""
    months = limit.full_months
    if not months:
        return _("never full")
    count = ngettext("%(num)s month", "%(num)s months", len(months)) % {"num": len(months)}
    return f"{count}: {', '.join(month_spans(months))}"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        ["html", "j2"]), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(units=units, money=money, share=share, family=family_name,
                       month=lambda m: month_name(m) if m else "", translated=i18n.gettext,
                       back=_back, capitalize_first=lambda s: s[:1].upper() + s[1:],
                       full_months=_full, use=use_words)
    env.globals["language"] = i18n.language
    i18n.install(env)
    return env


def _quality(brief: Brief) -> str:
    """The plan's status in words, and where a time limit decided it in part, that planning
    again may give another (docs/planner.md, "Same scenario, same plan")."""
    words = _status_words(brief)
    if brief.stopped:     # a greedy plan searches nothing: 0
        words += "; " + ngettext(
            "a time limit stopped one of the planner's searches, so that planned again the "
            "plan may differ slightly",
            "a time limit stopped %(num)s of the planner's searches, so that planned again "
            "the plan may differ slightly", brief.stopped) % {"num": number(brief.stopped)}
    return words


def _status_words(brief: Brief) -> str:
    if brief.method == "greedy":
        return _("allocated by the greedy rule, not optimised")
    if brief.status == "optimal":
        return _("the best plan possible")
    if brief.gap is not None and brief.status == "feasible":
        return _("within %(gap)s %% of the best plan possible") % {
            "gap": significant(100 * brief.gap, 2)}
    if brief.status:
        return _("plan status %(status)s") % {"status": _(brief.status)}
    return _("plan status unknown")


def _recovery(brief: Brief) -> list[tuple[Readiness, Readiness]]:
    """First- and last-month cells of each member and family that is below floor in either
    or dips below it during the plan."""
    pairs: dict[tuple[str, str], list[Readiness]] = {}
    for cell in brief.readiness:
        pairs.setdefault((cell.member, cell.family), []).append(cell)
    return [(cells[0], cells[-1]) for cells in pairs.values()
            if cells[0].back_to_floor is not None]


def chart_uris(brief: Brief, sweep: Sweep | None = None) -> dict[str, str]:
    """Each chart of the brief (and of its sweep, if any) as an SVG data: URI."""
    months = [format_month(m, brief.first_month) for m in range(brief.horizon)]
    made = {"priorities": charts.priorities_chart(brief.priorities),
            "readiness": charts.readiness_chart(brief.readiness),
            "arrivals": charts.arrivals_chart(brief.arrivals, months),
            "payers": charts.payers_chart(brief.payers)}
    if brief.delivery:
        made["delivery"] = charts.delivery_chart(brief.delivery)
    if sweep is not None:
        from replenish.reports import sweep_charts

        axis = charts.month_axis(sweep.months)
        made["sweep_shortfall"] = sweep_charts.shortfall_chart(sweep, axis)
        made["sweep_on_time"] = sweep_charts.on_time_chart(sweep, axis)
    return {name: charts.data_uri(charts.svg(chart)) for name, chart in made.items()}


def _page_footer() -> str:
    """The printed page's number in the brief's language ('page 2 of 4', 'side 2 af 4'), as
    CSS: the counters stand where the message has its placeholders."""
    words = _("page %(page)s of %(pages)s") % {"page": "\0page\0", "pages": "\0pages\0"}
    content = " ".join(f"counter({part})" if k % 2 else json.dumps(part)
                       for k, part in enumerate(words.split("\0")) if part or k % 2)
    return f"\n@page {{ @bottom-right {{ content: {content}; }} }}\n"


def _sweep_context(sweep: Sweep | None) -> dict[str, Any]:
    """What the sweep's section shows (nothing without a sweep)."""
    if sweep is None:
        return {"sweep": None}
    from replenish.reports import sweep_view

    return {"sweep": sweep, "sweep_title": sweep_view.title(sweep),
            "sweep_headline": sweep_view.headline(sweep),
            "sweep_members": sweep_view.member_rows(sweep),
            "sweep_on_time": sweep_view.on_time_rows(sweep),
            "sweep_note": _(sweep_view.QUANTILE_NOTE)}


def render_brief_html(brief: Brief, sweep: Sweep | None = None) -> str:
    """The brief as one self-contained HTML page (styles and charts inline), with a section on
    the sweep `sweep` if given."""
    env = _environment()
    years = max((p.years for p in brief.payers), key=len, default=[])
    context: dict[str, Any] = {
        "b": brief, "title": _("Ministers' brief: %(scenario)s") % {"scenario": brief.scenario},
        "css": (TEMPLATES / "brief.css").read_text(encoding="utf-8") + _page_footer(),
        "quality": _quality(brief), "charts": chart_uris(brief, sweep), "years": years,
        "recovery": _recovery(brief), "asks": brief.asks[:ASKS_SHOWN],
        "more_asks": brief.asks[ASKS_SHOWN:], "full_share": percent(FULL, 1),
        **_sweep_context(sweep)}
    return env.get_template("brief.html.j2").render(context)


def write_brief_pdf(html: str, path: Path) -> Path:
    """Render the brief's HTML to a PDF at `path`."""
    with warnings.catch_warnings():
        # without HarfBuzz-Subset WeasyPrint warns (and embeds whole fonts): not the user's concern
        warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # data: URIs only, and a failure stops the rendering: a brief reaches nothing outside it
    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    HTML(string=html, url_fetcher=fetcher).write_pdf(path)
    return path
