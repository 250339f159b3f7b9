"""Delivery through hubs and routes (DESIGN.md, "Delivery"): the rules of hubs.csv and
routes.csv that span files.

Where routes.csv exists everything that reaches a recipient travels one route, so a committed
pledge needs a route from its donor to its recipient; hubs.csv only carries routes, so it is
invalid alone. Single cells, keys and nation codes are checked like every other file's.
"""

from __future__ import annotations

from collections.abc import Collection

from replenish.errors import Problem
from replenish.scenario.validate import ParsedTable

HUBS = "hubs.csv"
ROUTES = "routes.csv"


def check_delivery(tables: dict[str, ParsedTable], present: Collection[str],
                   problems: list[Problem]) -> None:
    """Report hubs.csv without routes.csv, an empty routes.csv, routes through unknown hubs and
    committed pledges with no route from their donor to their recipient."""
    if HUBS in present and ROUTES not in present:
        problems.append(Problem(HUBS, None, None,
                                "hubs.csv without routes.csv; expected routes.csv beside it "
                                "(a hub only carries routes), or no hubs.csv"))
    routes = tables[ROUTES]
    if ROUTES not in present or not routes.usable:
        return
    if not routes.rows:
        problems.append(Problem(ROUTES, None, None,
                                "no routes; expected at least one route, or no routes.csv "
                                "(then there are no transport limits)"))
    _check_hubs(tables[HUBS], routes, problems)
    _check_pledge_routes(tables["pledges.csv"], routes, problems)


def _check_hubs(hubs: ParsedTable, routes: ParsedTable, problems: list[Problem]) -> None:
    """Report routes through a hub that hubs.csv does not have (unchecked if a code is bad)."""
    if not hubs.usable or not all("code" in row.values for row in hubs.rows):
        return
    codes = {row.values["code"] for row in hubs.rows}
    for row in routes.rows:
        hub = row.values.get("hub")
        if hub is not None and hub not in codes:
            problems.append(Problem(ROUTES, row.line, "hub",
                                    f"unknown hub {hub!r}; expected a code of hubs.csv, or "
                                    "empty for a direct route"))


def _check_pledge_routes(pledges: ParsedTable, routes: ParsedTable,
                         problems: list[Problem]) -> None:
    """Report committed pledges whose donor has no route to their recipient."""
    pairs = {(row.values.get("origin"), row.values.get("recipient")) for row in routes.rows}
    if any(None in pair for pair in pairs):
        return  # a route's origin or recipient is bad: already reported
    for row in pledges.rows:
        donor, recipient = row.values.get("donor"), row.values.get("recipient")
        if (row.values.get("status") != "committed" or donor is None or recipient is None
                or (donor, recipient) in pairs):
            continue
        problems.append(Problem("pledges.csv", row.line, "donor",
                                f"no route from {donor!r} to {recipient!r} in routes.csv; "
                                "expected a route for every committed pledge"))
