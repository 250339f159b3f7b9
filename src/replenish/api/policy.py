"""Who may do what: every action of the API and the roles allowed, in one table.

A role listed in `everyone` acts on any record. A role listed in `own` acts only on records of
the code it is bound to (its nation, recipient or producer); the `Target` says where a request
names that code (a query parameter, a body field, or the owner of the record in the path), and
which field the role's results are confined to. Any other role is refused outright.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.i18n import N_
from replenish.store.tables import PledgeRow

#: Roles that see per-nation stock numbers of every member.
PER_NATION_ROLES = frozenset({"coordinator"})


@dataclass(frozen=True, slots=True)
class Target:
    """Where a request names the code a bound role must own, and the field it confines."""

    source: Literal["query", "body", "path"]
    name: str
    field: str
    owner: Callable[[Session, str], str | None] | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """The roles allowed one action: on everything, or on their own records only."""

    verb: str
    everyone: frozenset[str] = frozenset()
    own: Mapping[str, Target] = field(default_factory=dict)


def pledge_donor(session: Session, pledge_id: str) -> str | None:
    """The donor of a pledge, or None if there is no such pledge."""
    return session.scalar(select(PledgeRow.donor).where(PledgeRow.id == pledge_id))


def query(name: str) -> Target:
    """The code is the query parameter `name`, which also names the confined field."""
    return Target("query", name, name)


def body(name: str) -> Target:
    """The code is the body field `name`."""
    return Target("body", name, name)


COORDINATOR = frozenset({"coordinator"})

POLICY: dict[str, Rule] = {
    "stocks.read": Rule(N_("read stocks"), COORDINATOR, {"nation": query("nation")}),
    "stocks.totals": Rule(N_("read coalition totals"), frozenset({"coordinator", "nation"})),
    "movements.read": Rule(N_("read movements"), COORDINATOR, {"nation": query("nation")}),
    "movements.create": Rule(N_("record movements"), own={"nation": body("nation")}),
    "requirements.read": Rule(N_("read requirements"), frozenset({"coordinator", "nation"}),
                              {"recipient": query("recipient")}),
    "requirements.create": Rule(N_("state requirements"), own={"recipient": body("recipient")}),
    "pledges.read": Rule(N_("read pledges"), COORDINATOR,
                         {"nation": query("donor"), "recipient": query("recipient")}),
    "pledges.create": Rule(N_("make pledges"), own={"nation": body("donor")}),
    "pledges.update": Rule(N_("change pledges"), own={
        "nation": Target("path", "pledge_id", "donor", pledge_donor)}),
    "hubs.read": Rule(N_("read hubs"), frozenset({"coordinator", "nation", "recipient"})),
    "hubs.create": Rule(N_("add hubs"), COORDINATOR),
    "routes.read": Rule(N_("read routes"), COORDINATOR,
                        {"nation": query("origin"), "recipient": query("recipient")}),
    "routes.create": Rule(N_("add routes"), COORDINATOR),
    "deliveries.read": Rule(N_("read deliveries"), COORDINATOR,
                            {"recipient": query("recipient")}),
    "plans.create": Rule(N_("plan"), COORDINATOR),
    "plans.read": Rule(N_("read plans"), COORDINATOR),
    "signal.read": Rule(N_("read the demand signal"), COORDINATOR,
                        {"industry": query("producer")}),
    "audit.read": Rule(N_("read the audit log"), COORDINATOR),
    "announcements.read": Rule(N_("read statements into proposals"), COORDINATOR),
    "announcements.accept": Rule(N_("accept reviewed announcements"), COORDINATOR),
    "health.details": Rule(N_("read the server's details"), COORDINATOR),
    "users.read": Rule(N_("list users"), frozenset({"admin"})),
    "users.write": Rule(N_("manage users"), frozenset({"admin"})),
}
