"""What organizers see of the counts: messages per channel kind and per stakeholder group over a period.

Aggregated only, and about 5 people or more. A group (or the members in no group) of fewer than 5 members
shows "fewer than 5 members" instead of its count, and so does a kind of channel that fewer than 5 members
can post in (the lounges of small groups, the channels of small teams). The totals are shown, so what the
hidden lines hold together (the total less the shown lines) must describe 0 or at least 5 people too, or a
student's activity could be worked out by subtraction (7 messages in all less the Teachers' 5 = the one
student's 2). The smallest shown lines are hidden until that holds: the rule of survey results
(`core.surveys.results.shown_units`). The summary says, in plain words, what it hid and why.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from core.text import plural
from storage.activity import ActivityRepository
from storage.groups import GroupRepository
from storage.guilds import GuildRepository
from storage.schools import SchoolRepository

from .counting import KIND_LABELS, ChannelKind, channel_kind, local_day

SMALL = 5  # counts describing fewer people than this are not shown
SUPPRESSED = f"fewer than {SMALL} members, not shown"
WITHHELD = "hidden too, so that the smaller groups can't be worked out from the totals"
FEW_CAN_POST = f"fewer than {SMALL} members can post there, not shown"
KIND_WITHHELD = "hidden too, so that the smaller kinds can't be worked out from the total"
NO_GROUP = "Members in no group"
EXPLAINED = (
    f"Counts about fewer than {SMALL} members are never shown. When a small group's count could be worked "
    "out by subtracting the lines shown from a total, a larger line is hidden too."
)

K = TypeVar("K", bound=Hashable)
SOMEONE = -1  # who posted in a kind of channel none of whose members are known (not a member id)


def period(now: datetime, zone: str, days: int) -> tuple[date, date]:
    """The last `days` days in the guild's zone, today included."""
    last = local_day(now, zone)
    return last - timedelta(days=max(days, 1) - 1), last


def shown_count(messages: int, members: int) -> str:
    """A group's count, or "fewer than 5 members" when the group is that small."""
    return SUPPRESSED if members < SMALL else plural(messages, "message")


def _smallest_first(people: Mapping[K, Collection[int]]) -> list[K]:
    """The lines of at least `SMALL` people, the smallest first."""
    return sorted(
        (key for key, who in people.items() if len(set(who)) >= SMALL),
        key=lambda key: (len(set(people[key])), str(key)),
    )


def withheld(people: Mapping[K, Collection[int]], *, covered: Collection[int]) -> set[K]:
    """Lines splitting *people* (each member's messages count in each of their lines) that have at least
    `SMALL` people but are hidden anyway. The total describes everyone (`covered`); less the shown lines,
    it describes the people in no shown line, who must be 0 or at least `SMALL`. While they are not, the
    smallest shown line is hidden too. A shown line inside another that has 1 to 4 people more is hidden
    too, for the same reason (the larger less the smaller)."""
    everyone = set(covered)
    members = {key: set(who) for key, who in people.items()}
    shown = _smallest_first(people)
    hidden: set[K] = set()
    while shown:
        if 0 < len(everyone.difference(*(members[key] for key in shown))) < SMALL:
            hidden.add(shown.pop(0))
            continue
        # A line inside another (every member of one in the other) with 1 to 4 people more in the larger:
        # the larger less the smaller would be those people's. The smaller is hidden.
        inside = [
            inner
            for inner in shown
            if any(
                outer != inner
                and members[inner] <= members[outer]
                and len(members[outer] - members[inner]) < SMALL
                for outer in shown
                if len(members[outer]) > len(members[inner])
            )
        ]
        if not inside:
            break
        shown.remove(inside[0])  # the smallest such: `shown` is smallest first
        hidden.add(inside[0])
    return hidden


def withheld_parts(people: Mapping[K, Collection[int]]) -> set[K]:
    """Lines splitting *messages* (each message in one line; `people` are who can post in each) that have
    at least `SMALL` people but are hidden anyway. The total less the shown lines is what the hidden ones
    hold together, written by the people of the hidden lines: they must be 0 or at least `SMALL`. While
    they are not, the smallest shown line is hidden too."""
    shown = _smallest_first(people)
    hidden: set[K] = set()

    def rest() -> set[int]:
        return set().union(*(set(who) for key, who in people.items() if key not in shown))

    while shown and 0 < len(rest()) < SMALL:
        hidden.add(shown.pop(0))
    return hidden


@dataclass(frozen=True, slots=True)
class GroupLine:
    name: str
    emoji: str | None
    text: str


@dataclass(frozen=True, slots=True)
class KindLine:
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Summary:
    first: date
    last: date
    total: int
    by_kind: list[KindLine]
    by_group: list[GroupLine]
    hid_some: bool = False  # a line was hidden: the summary says why

    def lines(self) -> list[str]:
        """The summary as lines for an organizer's private answer."""
        lines = [f"**All channels**: {plural(self.total, 'message')}"]
        lines += [f"**{k.label}**: {k.text}" for k in self.by_kind]
        if self.by_group:
            lines.append("")
            lines.append("**By stakeholder group** (a member in several groups counts in each):")
            lines += [f"{g.emoji + ' ' if g.emoji else ''}{g.name}: {g.text}" for g in self.by_group]
        if self.hid_some:
            lines += ["", f"*{EXPLAINED}*"]
        return lines


async def summarise(
    db_groups: GroupRepository,
    db_schools: SchoolRepository,
    repo: ActivityRepository,
    guilds: GuildRepository,
    guild_id: int,
    *,
    now: datetime,
    days: int,
    members: Collection[int],
) -> Summary:
    """The counts of the last `days` days; `members` are the server's current members (people, not bots),
    whom every line's size is counted among."""
    first, last = period(now, await guilds.timezone(guild_id), days)
    present = set(members)
    groups = await db_groups.all(guild_id)
    schools = await db_schools.all(guild_id)
    lounges = {g.channel_id for g in groups if g.channel_id is not None}
    school_channels = {s.channel_id for s in schools if s.channel_id is not None}
    per_kind = dict.fromkeys(ChannelKind, 0)
    for channel_id, count in (await repo.messages_by_channel(guild_id, first, last)).items():
        per_kind[channel_kind(channel_id, lounges=lounges, schools=school_channels)] += count

    # Who each group line describes, among the members now.
    in_group: dict[int | None, set[int]] = {g.id: set() for g in groups}
    in_group[None] = set()
    for user_id, group_ids in (await repo.groups_of(guild_id, sorted(present))).items():
        known: list[int | None] = [group_id for group_id in group_ids if group_id in in_group]
        for group_id in known or [None]:
            in_group[group_id].add(user_id)
    by_group_counts = await repo.messages_by_group(guild_id, first, last)
    hidden_groups = withheld(in_group, covered=present)

    def group_text(group_id: int | None) -> str:
        if len(in_group.get(group_id, ())) < SMALL:
            return SUPPRESSED
        if group_id in hidden_groups:
            return WITHHELD
        return plural(by_group_counts.get(group_id, 0), "message")

    by_group = [GroupLine(g.name, g.emoji, group_text(g.id)) for g in groups]
    by_group.append(GroupLine(NO_GROUP, None, group_text(None)))

    # Who can post in each kind of channel: the groups with a lounge, the teams with a channel, everyone.
    in_teams: set[int] = set()
    for school in schools:
        if school.channel_id is not None:
            in_teams.update(present.intersection(await db_schools.member_ids(guild_id, school.id)))
    can_post = {
        ChannelKind.LOUNGE: set().union(*(in_group[g.id] for g in groups if g.channel_id is not None)),
        ChannelKind.SCHOOL: in_teams,
        ChannelKind.GENERAL: present,
    }
    for kind, who in can_post.items():
        if not who and per_kind[kind]:
            can_post[kind] = {SOMEONE}  # posted there by people in none of its units: few, and unknown
    hidden_kinds = withheld_parts(can_post)

    def kind_text(kind: ChannelKind) -> str:
        if 0 < len(can_post[kind]) < SMALL:
            return FEW_CAN_POST
        if kind in hidden_kinds:
            return KIND_WITHHELD
        return plural(per_kind[kind], "message")

    by_kind = [KindLine(KIND_LABELS[kind], kind_text(kind)) for kind in ChannelKind]
    hid_some = any(k.text in (FEW_CAN_POST, KIND_WITHHELD) for k in by_kind) or any(
        g.text in (SUPPRESSED, WITHHELD) for g in by_group
    )
    return Summary(
        first=first,
        last=last,
        total=sum(per_kind.values()),
        by_kind=by_kind,
        by_group=by_group,
        hid_some=hid_some,
    )
