"""What a page may show its user: the API's own permission table (api/policy.py), applied to a
signed-in user instead of a bearer token."""

from __future__ import annotations

from replenish.api.deps import Grant
from replenish.api.identity import Identity
from replenish.api.policy import POLICY
from replenish.i18n import _


class PageForbidden(Exception):
    """The user's role may not see this page, or do what it asked (403, in words)."""

    def __init__(self, message: str, user: Identity | None = None) -> None:
        super().__init__(message)
        self.user = user


def grant(user: Identity, action: str) -> Grant | None:
    """What `user` may do of `action` (see `policy.POLICY`): everything, its own records, or
    nothing (None)."""
    rule = POLICY[action]
    if user.role in rule.everyone:
        return Grant(user)
    target = rule.own.get(user.role)
    if target is None or user.code is None:
        return None
    return Grant(user, target.field, user.code)


def require(user: Identity, action: str) -> Grant:
    """The grant of `action`, or PageForbidden naming what the role may not do."""
    granted = grant(user, action)
    if granted is None:
        raise PageForbidden(_("The %(role)s role may not %(verb)s.") % {
            "role": _(user.role), "verb": _(POLICY[action].verb)}, user)
    return granted
