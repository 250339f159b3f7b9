"""Synthetic scenarios of any size, deterministic for a seed, for tests and benchmarks.

Items come in system groups (air defence, rocket artillery, 155 mm artillery, armoured personnel
carriers, spares). An item's `family` is a set of interchangeable items within a group (say
`howitzer_155` or `ammunition_155`), so a requirement by family is met by like for like;
munitions fit platforms of their own group only. Everything is drawn as numpy arrays from one
`numpy.random.default_rng(seed)` and turned into records at the end.

With `hubs`, `delivery_generator` adds transit hubs, routes and items' weights from a random
stream of its own, so a scenario without hubs is the same, byte for byte, as before hubs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from replenish.model.records import (
    Compatibility,
    Consumption,
    Fielded,
    Item,
    Kind,
    Nation,
    Pledge,
    ProductionLine,
    Requirement,
    Scenario,
    Settings,
    Stock,
    Training,
)

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

START = "2027-01"
MIN_ITEMS = 8


@dataclass(frozen=True, slots=True)
class Family:
    """A family of interchangeable items; `qty` and `use` give log10 of a typical member's
    target and of a system's monthly use as `a - b * log10(unit_cost)` (before noise)."""

    prefix: str
    family: str
    kind: Kind
    group: str
    share: float
    cost: tuple[float, float]
    qty: tuple[float, float]
    use: tuple[float, float] = (0.0, 0.0)


FAMILIES: tuple[Family, ...] = (
    Family("AD-L", "air_defence_launcher", "platform", "air_defence", 0.08, (6.3, 7.0), (1.1, 0)),
    Family("AD-M", "air_defence_interceptor", "munition", "air_defence", 0.12, (5.0, 6.0),
           (2.3, 0), (0.3, 0)),
    Family("RA-L", "rocket_launcher", "platform", "rocket_artillery", 0.05, (6.0, 6.7), (1.2, 0)),
    Family("RA-M", "guided_rocket", "munition", "rocket_artillery", 0.10, (4.7, 5.5),
           (2.9, 0), (1.0, 0)),
    Family("ART155-H", "howitzer_155", "platform", "artillery_155", 0.10, (5.7, 7.0), (1.8, 0)),
    Family("ART155-S", "ammunition_155", "munition", "artillery_155", 0.20, (3.3, 5.0),
           (8.0, 1), (6.0, 1)),
    Family("APC-P", "apc", "platform", "apc", 0.15, (5.0, 6.5), (2.2, 0)),
    Family("SPR-S", "spares", "spare", "spares", 0.20, (3.0, 5.0), (2.4, 0)),
)


@dataclass
class _Draft:
    """The arrays drawn so far; records are built from them at the end."""

    members: list[str]
    size: Floats
    codes: list[str]
    family: Ints          # index into FAMILIES, per item
    cost: Floats
    typical: Floats
    held: tuple[Ints, Ints]   # (member, item) of every stock row
    on_hand: Floats
    floor: Floats
    target: Floats


def generate_scenario(
    nations: int, items: int, months: int, seed: int, recipients: int = 1, hubs: int = 0,
) -> Scenario:
    """A synthetic scenario of `nations` members, `recipients` recipients, `items` items and
    `months` months, with `hubs` transit hubs and routes where `hubs` > 0; the same arguments
    always give the same scenario."""
    if nations < 1 or recipients < 1 or months < 1 or items < MIN_ITEMS:
        raise ValueError(
            f"need at least 1 member, 1 recipient, 1 month and {MIN_ITEMS} items"
        )
    if hubs < 0:
        raise ValueError(f"need 0 hubs or more, got {hubs}")
    rng = np.random.default_rng(seed)
    draft = _draw_stocks(rng, nations, items)
    item_records = _items(draft)
    compatibility = _compatibility(rng, draft)
    receivers = [f"R{r + 1}" for r in range(recipients)]
    requirements = _requirements(rng, draft, receivers, months)
    fielded, consumption = _sustainment(rng, draft, receivers, compatibility)
    settings = Settings(name=f"synthetic-n{nations}-i{items}-m{months}-s{seed}", start=START,
                        horizon_months=months)
    scenario = Scenario(
        settings=settings,
        nations=_nations(rng, draft, receivers, months),
        items=item_records,
        stocks=_stocks(draft),
        compatibility=compatibility,
        requirements=requirements,
        pledges=_pledges(rng, draft, receivers, months),
        lines=_lines(rng, draft, months),
        fielded=fielded,
        consumption=consumption,
        training=_training(rng, draft),
    )
    if not hubs:
        return scenario
    from replenish.scenario.delivery_generator import with_hubs

    return with_hubs(scenario, hubs, seed)


def round_sig(x: Floats, digits: int = 3) -> Floats:
    """Round values >= 1 to `digits` significant figures, keeping them whole numbers."""
    exponent = np.maximum(np.floor(np.log10(np.maximum(x, 1.0))) - (digits - 1), 0)
    scale = 10.0**exponent
    return np.rint(x / scale) * scale


def split_items(total: int) -> Ints:
    """Items per family, proportional to each family's share, at least one each."""
    raw = np.array([f.share for f in FAMILIES]) * total
    counts = np.maximum(np.floor(raw), 1).astype(np.int64)
    deficit = int(total - counts.sum())
    if deficit > 0:
        counts[np.argsort(np.floor(raw) - raw, kind="stable")[:deficit]] += 1
    while counts.sum() > total:
        counts[int(np.argmax(counts))] -= 1
    return counts


def _width(count: int, least: int) -> int:
    return max(least, len(str(count)))


def _draw_stocks(rng: np.random.Generator, nations: int, items: int) -> _Draft:
    """Members, items and members' stocks: sparse, depleted below target, some below floor."""
    counts = split_items(items)
    family = np.repeat(np.arange(len(FAMILIES)), counts)
    codes = [f"{fam.prefix}{k + 1:0{_width(n, 2)}d}"
             for fam, n in zip(FAMILIES, counts.tolist(), strict=True) for k in range(n)]
    lo, hi = (np.array([f.cost[j] for f in FAMILIES])[family] for j in (0, 1))
    log_cost = rng.uniform(lo, hi)
    cost = round_sig(10.0**log_cost)
    a, b = (np.array([f.qty[j] for f in FAMILIES])[family] for j in (0, 1))
    typical = 10.0 ** (a - b * log_cost + rng.uniform(-0.4, 0.4, items))
    size = rng.lognormal(0.0, 0.6, nations)
    held_mask = rng.random((nations, items)) < rng.uniform(0.3, 0.6, nations)[:, None]
    orphans = np.flatnonzero(~held_mask.any(axis=0))
    held_mask[rng.integers(0, nations, orphans.size), orphans] = True
    member, item = np.nonzero(held_mask)
    rows = member.size
    target = np.maximum(np.rint(typical[item] * size[member] * rng.uniform(0.7, 1.3, rows)), 1)
    floor = np.rint(target * rng.uniform(0.3, 0.6, rows))
    on_hand = np.rint(target * rng.uniform(0.15, 1.1, rows))
    if not (on_hand < floor).any():
        worst = int(np.argmax(floor))
        on_hand[worst] = np.floor(floor[worst] / 2)
    return _Draft(
        members=[f"N{n + 1:0{_width(nations, 2)}d}" for n in range(nations)],
        size=size, codes=codes, family=family, cost=cost, typical=typical,
        held=(member.astype(np.int64), item.astype(np.int64)),
        on_hand=on_hand, floor=floor, target=target,
    )


def _item_name(fam: Family, number: int, cost: float) -> str:
    """A readable name; the kind of howitzer, round or carrier follows from its cost."""
    if fam.family == "howitzer_155":
        kind = "towed" if cost < 2e6 else "self-propelled"
        return f"155 mm {kind} howitzer {number:02d}"
    if fam.family == "ammunition_155":
        kind = "HE" if cost < 1e4 else "extended-range" if cost < 3e4 else "guided"
        return f"155 mm {kind} round {number:02d}"
    if fam.family == "apc":
        return f"{'Wheeled' if cost < 1.5e6 else 'Tracked'} APC {number:02d}"
    return f"{fam.family.replace('_', ' ').capitalize()} {number:02d}"


def _items(draft: _Draft) -> tuple[Item, ...]:
    """Item records; platforms, spares and munitions costing 10 000 or more are whole units."""
    records = []
    number = 0
    previous = -1
    for code, f, cost in zip(draft.codes, draft.family.tolist(), draft.cost.tolist(),
                             strict=True):
        number = number + 1 if f == previous else 1
        previous = f
        fam = FAMILIES[f]
        integer = fam.kind != "munition" or cost >= 1e4
        records.append(Item(code, _item_name(fam, number, cost), fam.family, fam.kind, cost,
                            integer))
    return tuple(records)


def _group_members(draft: _Draft, kind: str) -> dict[str, list[int]]:
    """Item indices of one kind, by system group, in item order."""
    groups: dict[str, list[int]] = {}
    for index, f in enumerate(draft.family.tolist()):
        if FAMILIES[f].kind == kind:
            groups.setdefault(FAMILIES[f].group, []).append(index)
    return groups


def _compatibility(rng: np.random.Generator, draft: _Draft) -> tuple[Compatibility, ...]:
    """Each munition fits 1-3 platforms of its group; each such platform takes at least one."""
    platforms = _group_members(draft, "platform")
    pairs: list[tuple[int, int]] = []
    for group, munitions in _group_members(draft, "munition").items():
        fits = platforms[group]
        chosen = np.argsort(rng.random((len(munitions), len(fits))), axis=1)
        fan = rng.integers(1, min(3, len(fits)) + 1, len(munitions))
        covered = np.zeros(len(fits), dtype=bool)
        links = [(m, p) for m, row, k in zip(munitions, chosen.tolist(), fan.tolist(),
                                             strict=True) for p in row[:k]]
        covered[[p for _, p in links]] = True
        spare = rng.integers(0, len(munitions), len(fits))
        links += [(munitions[int(spare[p])], p) for p in np.flatnonzero(~covered).tolist()]
        pairs += [(m, fits[p]) for m, p in links]
    pairs.sort()
    return tuple(Compatibility(draft.codes[m], draft.codes[p]) for m, p in pairs)


def _stocks(draft: _Draft) -> tuple[Stock, ...]:
    """Stock records, by member then item."""
    member, item = draft.held
    return tuple(
        Stock(draft.members[n], draft.codes[i], h, f, t)
        for n, i, h, f, t in zip(member.tolist(), item.tolist(), draft.on_hand.tolist(),
                                 draft.floor.tolist(), draft.target.tolist(), strict=True)
    )


def _nations(rng: np.random.Generator, draft: _Draft, receivers: list[str],
             months: int) -> tuple[Nation, ...]:
    """Members with annual budgets near their yearly shortfall (a fifth unlimited), then
    the recipients."""
    member, item = draft.held
    gap = np.maximum(draft.target - draft.on_hand, 0) * draft.cost[item]
    value = np.bincount(member, weights=gap, minlength=len(draft.members))
    budget = round_sig(np.maximum(value, 1e6) * 12 / months * rng.uniform(0.3, 1.0, value.size))
    unlimited = rng.random(value.size) < 0.2
    records = [Nation(code, f"Nation {code[1:]}", "member", None if free else b)
               for code, b, free in zip(draft.members, budget.tolist(), unlimited.tolist(),
                                        strict=True)]
    records += [Nation(code, f"Recipient {code[1:]}", "recipient") for code in receivers]
    return tuple(records)


def _lines(rng: np.random.Generator, draft: _Draft, months: int) -> tuple[ProductionLine, ...]:
    """One to three lines per item from producers of its group, sized well below the
    coalition's shortfall so that expansion matters."""
    n_items = len(draft.codes)
    group_of = [FAMILIES[f].group for f in draft.family.tolist()]
    groups = sorted(set(group_of))
    pools = [max(3, -(-group_of.count(g) // 3)) for g in groups]
    first = np.cumsum([0] + pools)
    weight = draft.size / draft.size.sum()
    producer_nation = rng.choice(len(draft.members), size=int(first[-1]), p=weight)
    k = rng.choice([1, 2, 3], size=n_items, p=[0.5, 0.35, 0.15])
    item = np.repeat(np.arange(n_items), k)
    slot = np.concatenate([np.sort(np.argsort(rng.random(pools[groups.index(group_of[i])]))[:n])
                           for i, n in enumerate(k.tolist())])
    producer = first[[groups.index(group_of[i]) for i in item.tolist()]] + slot
    _, held_item = draft.held
    short = np.bincount(held_item, np.maximum(draft.target - draft.on_hand, 0), n_items)
    size = item.size
    capacity = np.maximum(np.rint(short[item] * rng.uniform(0.3, 0.9, size) / months / k[item]), 1)
    price = round_sig(draft.cost[item] * rng.uniform(0.92, 1.15, size))
    grows = rng.random(size) >= 0.15
    most = np.where(grows, np.maximum(np.rint(capacity * rng.uniform(0.5, 2.5, size)), 1), 0)
    least = np.minimum(np.maximum(np.rint(most * rng.uniform(0.25, 0.7, size)), 1), most)
    ramp = np.where(grows, np.minimum(rng.integers(3, 13, size), months // 2), 0)
    invest = np.where(grows, round_sig(price * rng.uniform(3, 18, size)), 0)
    commit = np.where(grows, rng.choice([12, 18, 24, 36], size), 12)
    lead = rng.integers(1, 7, size)
    width = _width(int(first[-1]), 3)
    columns = zip(producer.tolist(), producer_nation[producer].tolist(), item.tolist(),
                  capacity.tolist(), price.tolist(), lead.tolist(), most.tolist(),
                  least.tolist(), ramp.tolist(), invest.tolist(), commit.tolist(), strict=True)
    return tuple(
        ProductionLine(f"PRD{p + 1:0{width}d}", draft.members[n], draft.codes[i], c, u, int(t),
                       mx, mn, int(r), e, int(m))
        for p, n, i, c, u, t, mx, mn, r, e, m in columns
    )


def _requirements(rng: np.random.Generator, draft: _Draft, receivers: list[str],
                  months: int) -> tuple[Requirement, ...]:
    """Every priority 1-5 for each recipient; a quarter by family, the rest by item."""
    per = max(5, round(len(draft.codes) * 0.25))
    total = per * len(receivers)
    priority = np.concatenate([np.r_[1:6, rng.integers(1, 6, per - 5)] for _ in receivers])
    by_family = rng.random(total) < 0.25
    item = rng.integers(0, len(draft.codes), total)
    family = draft.family[item]
    scale = np.array([np.median(draft.typical[draft.family == f]) for f in range(len(FAMILIES))])
    base = np.where(by_family, scale[family], draft.typical[item])
    quantity = np.maximum(np.rint(base * rng.uniform(0.05, 0.4, total)), 1)
    needed_by = rng.integers(min(1, months - 1), months, total)
    width = _width(total, 4)
    return tuple(
        Requirement(f"REQ{r + 1:0{width}d}", receivers[r // per],
                    None if fam else draft.codes[i], FAMILIES[f].family if fam else None,
                    q, int(t), int(p))
        for r, (fam, i, f, q, t, p) in enumerate(zip(
            by_family.tolist(), item.tolist(), family.tolist(), quantity.tolist(),
            needed_by.tolist(), priority.tolist(), strict=True))
    )


def _pledges(rng: np.random.Generator, draft: _Draft, receivers: list[str],
             months: int) -> tuple[Pledge, ...]:
    """Half committed, half announced, each from a different stock row; a committed pledge
    takes only part of what its donor holds above floor, so it is always feasible."""
    member, item = draft.held
    spare = draft.on_hand - draft.floor
    candidates = rng.permutation(np.flatnonzero(spare >= 1))
    per = max(2, round(len(draft.codes) * 0.05))
    rows = candidates[: per * len(receivers)]
    count = rows.size
    committed = np.arange(count) % 2 == 0
    give = np.where(committed, np.floor(spare[rows] * rng.uniform(0.1, 0.6, count)),
                    np.rint(draft.on_hand[rows] * rng.uniform(0.05, 0.3, count)))
    give = np.maximum(give, 1)
    month = np.where(committed, rng.integers(0, min(months, 6), count),
                     rng.integers(0, months, count))
    width = _width(count, 4)
    return tuple(
        Pledge(f"PLG{k + 1:0{width}d}", draft.members[member[r]], receivers[k // per],
               draft.codes[item[r]], q, int(t), "committed" if c else "announced")
        for k, (r, q, t, c) in enumerate(zip(rows.tolist(), give.tolist(), month.tolist(),
                                             committed.tolist(), strict=True))
    )


def _sustainment(
    rng: np.random.Generator, draft: _Draft, receivers: list[str],
    compatibility: tuple[Compatibility, ...],
) -> tuple[tuple[Fielded, ...], tuple[Consumption, ...]]:
    """Platforms in service with each recipient and the compatible munitions they use."""
    index = {code: i for i, code in enumerate(draft.codes)}
    takes: dict[int, list[int]] = {}
    for link in compatibility:
        takes.setdefault(index[link.platform], []).append(index[link.munition])
    platforms = np.flatnonzero([FAMILIES[f].kind == "platform" for f in draft.family.tolist()])
    fielded: list[Fielded] = []
    consumption: list[Consumption] = []
    for receiver in receivers:
        chosen = platforms[rng.random(platforms.size) < 0.4]
        share = rng.uniform(0.1, 0.6, chosen.size)
        quantity = np.maximum(np.rint(draft.typical[chosen] * share), 1)
        for p, q in zip(chosen.tolist(), quantity.tolist(), strict=True):
            fielded.append(Fielded(receiver, draft.codes[p], q))
            for m in takes.get(p, []):
                a, b = FAMILIES[int(draft.family[m])].use
                use = 10.0 ** (a - b * np.log10(draft.cost[m]) + rng.uniform(-0.3, 0.3))
                consumption.append(Consumption(receiver, draft.codes[m], draft.codes[p],
                                               float(max(np.rint(use), 1)),
                                               int(rng.integers(1, 6))))
    return tuple(fielded), tuple(consumption)


def _training(rng: np.random.Generator, draft: _Draft) -> tuple[Training, ...]:
    """A crew course for every platform."""
    platforms = [i for i, f in enumerate(draft.family.tolist()) if FAMILIES[f].kind == "platform"]
    course = rng.integers(1, 7, len(platforms))
    seats = rng.integers(1, 11, len(platforms))
    return tuple(Training(draft.codes[p], int(c), float(s))
                 for p, c, s in zip(platforms, course.tolist(), seats.tolist(), strict=True))
