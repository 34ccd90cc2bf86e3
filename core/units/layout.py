"""Where every unit's channel goes on a rerun: which categories to keep, reuse, adopt or create, decided on
ids and names alone (`bot.structure.StructureBuilder` finds the Discord objects and carries the plan out).

The recorded ranges (`structure_ranges`) are kept while every category stays within Discord's 50 channels.
Otherwise the names are planned again (`categories.plan`), each new range reusing the old category that holds
most of its channels (fewest moves) and taking the planned name. A range without a category adopts an
unrecorded category that already has the planned name, else one is created. A channel someone moved to
another category by hand stays where it is, and counts there.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from core.units import categories as ranges
from core.units.room import Crowded


@dataclass(frozen=True, slots=True)
class Placed:
    """A unit's existing channel: its id and the category it is in now (None: outside any)."""

    channel_id: int
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class Server:
    """What the plan needs to know of the server: every category (id → name, in the server's order) and
    the ids of the channels in each."""

    categories: Mapping[int, str]
    contents: Mapping[int, Collection[int]]


@dataclass(frozen=True, slots=True)
class Plan:
    """Per range: its first key (`starts`), the category to use (None: create it), its planned name; the
    ranges whose reused category takes the planned name (`rename`); per unit: its range (`target`) and
    whether its channel stays where someone moved it (`by_hand`); per range, what it would hold (`crowded`)."""

    starts: list[str]
    categories: list[int | None]
    names: list[str]
    rename: set[int]
    target: list[int]
    by_hand: list[bool]
    crowded: list[Crowded]

    @property
    def fits(self) -> bool:
        return all(c.count <= ranges.LIMIT for c in self.crowded)


def moved_by_hand(recorded: int | None, parent: int | None, ours: Collection[int], server: Server) -> bool:
    """Whether a channel now in `parent` was moved away by hand from `recorded`, the category copbot last
    put it in (`ours`: the categories of the recorded ranges)."""
    if recorded is None:
        return parent is not None and parent not in ours
    if parent == recorded:
        return False
    # Its category was deleted (Discord then leaves the channel outside any category): not by hand.
    return not (parent is None and recorded not in server.categories)


def _occupancy(
    categories: Sequence[int | None],
    names: Sequence[str],
    target: Sequence[int],
    channels: Sequence[Placed | None],
    by_hand: Sequence[bool],
    server: Server,
) -> list[Crowded]:
    ours = {c.channel_id for c in channels if c is not None}
    out = []
    for index, category in enumerate(categories):
        others = (
            sum(1 for c in server.contents.get(category, ()) if c not in ours) if category is not None else 0
        )
        mine = 0
        for unit, channel in enumerate(channels):
            if channel is not None and by_hand[unit]:
                mine += category is not None and channel.parent_id == category
            else:
                mine += target[unit] == index
        out.append(Crowded(names[index], others + mine, others))
    return out


def plan_layout(
    base: str,
    names: Sequence[str],
    channels: Sequence[Placed | None],
    by_hand: Sequence[bool],
    recorded: Sequence[tuple[str, int]],
    server: Server,
) -> Plan:
    """The categories of one kind of unit (`base`: their usual name, "School teams"), for the units named
    `names` whose existing channels are `channels` (None: to create), given the recorded ranges."""

    def arrange(starts: list[str], categories: list[int | None], rename: set[int]) -> Plan:
        planned = [ranges.category_name(base, starts, i) for i in range(len(starts))]
        used = {c for c in categories if c is not None}
        for index, category in enumerate(categories):
            if category is None:
                adopted = next(
                    (i for i, n in server.categories.items() if n == planned[index] and i not in used), None
                )
                if adopted is not None:
                    categories[index] = adopted
                    used.add(adopted)
        target = [ranges.range_index(starts, n) for n in names]
        crowded = _occupancy(categories, planned, target, channels, by_hand, server)
        return Plan(starts, categories, planned, rename, target, list(by_hand), crowded)

    def alive(category_id: int) -> int | None:
        return category_id if category_id in server.categories else None

    if recorded:
        old_starts = [start for start, _ in recorded]
        kept = arrange(old_starts, [alive(i) for _, i in recorded], set())
        if kept.fits:
            return kept
        starts = ranges.plan(names)
        if starts == old_starts:
            return kept  # no other ranges would help; the room check says what to do
    else:
        starts = ranges.plan(names)
    known = {i for _, i in recorded if i in server.categories}
    votes: dict[tuple[int, int], int] = {}
    for index, channel in enumerate(channels):
        parent = channel.parent_id if channel is not None else None
        if parent is not None and not by_hand[index] and parent in known:
            key = (ranges.range_index(starts, names[index]), parent)
            votes[key] = votes.get(key, 0) + 1
    categories: list[int | None] = [None] * len(starts)
    reused: set[int] = set()
    for (index, category_id), _ in sorted(votes.items(), key=lambda item: -item[1]):
        if categories[index] is None and category_id not in reused:
            categories[index] = category_id
            reused.add(category_id)
    return arrange(starts, categories, {i for i, c in enumerate(categories) if c is not None})
