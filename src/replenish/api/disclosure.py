"""Disclosure control: when an aggregate of members' numbers may be shown to a member.

One rule, written once and applied to every aggregate the server shows to a caller who may not
see each member's own numbers (see docs/server.md, "Disclosure control"). An aggregate of one
measure (on hand, floor, target) over some members is shown to `asker` only if

- at least MIN_HOLDERS members contribute a positive amount to it,
- at least MIN_OTHER_HOLDERS of them are not the asker (so subtracting its own share leaves a
  sum of two or more unknowns, never one member's number), and
- no single member contributes more than DOMINANCE of it (a near-total would tell everyone
  roughly what the dominant member holds, and the dominant member how little the others do).

Aggregates are only ever taken over a fixed partition (whole families), never over a set the
caller chooses, so no two aggregates shown differ by a single item or member.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Members with a positive contribution an aggregate needs before anyone but a coordinator
#: sees it.
MIN_HOLDERS = 3
#: Of those, how many must be members other than the one asking.
MIN_OTHER_HOLDERS = 2
#: The largest share of an aggregate one member may hold for it to be shown.
DOMINANCE = 0.8
#: Contributions at or below this count as nothing held (floating-point dust).
EPSILON = 1e-9


def may_disclose(contributions: Mapping[str, float], asker: str | None) -> bool:
    """Whether the sum of `contributions` (member -> amount) may be shown to `asker`.

    `asker` is the member asking (None for a caller bound to no member: then every holder
    counts as another). Amounts are non-negative; a negative one is treated as held.
    """
    held = {member: abs(amount) for member, amount in contributions.items()
            if abs(amount) > EPSILON}
    if len(held) < MIN_HOLDERS:
        return False
    if len(held.keys() - {asker}) < MIN_OTHER_HOLDERS:
        return False
    total = sum(held.values())
    return max(held.values()) <= DOMINANCE * total
