"""What organizers see of the counts: messages per channel kind and per stakeholder group over a period.

Aggregated only: a group (or the members in no group) with fewer than 5 members shows "fewer than 5
members" instead of its count, so no small group's or student's activity can be read off.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.text import plural
from storage.activity import ActivityRepository
from storage.groups import GroupRepository
from storage.guilds import GuildRepository
from storage.schools import SchoolRepository

from .counting import KIND_LABELS, ChannelKind, channel_kind, local_day

SMALL = 5  # counts describing fewer people than this are not shown
SUPPRESSED = f"fewer than {SMALL} members, not shown"
NO_GROUP = "Members in no group"


def period(now: datetime, zone: str, days: int) -> tuple[date, date]:
    """The last `days` days in the guild's zone, today included."""
    last = local_day(now, zone)
    return last - timedelta(days=max(days, 1) - 1), last


def shown_count(messages: int, members: int) -> str:
    """A group's count, or "fewer than 5 members" when the group is that small."""
    return SUPPRESSED if members < SMALL else plural(messages, "message")


@dataclass(frozen=True, slots=True)
class GroupLine:
    name: str
    emoji: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Summary:
    first: date
    last: date
    total: int
    by_kind: list[tuple[str, int]]
    by_group: list[GroupLine]

    def lines(self) -> list[str]:
        """The summary as lines for an organizer's private answer."""
        lines = [f"**All channels**: {plural(self.total, 'message')}"]
        lines += [f"**{label}**: {plural(count, 'message')}" for label, count in self.by_kind]
        if self.by_group:
            lines.append("")
            lines.append("**By stakeholder group** (a member in several groups counts in each):")
            lines += [f"{g.emoji + ' ' if g.emoji else ''}{g.name}: {g.text}" for g in self.by_group]
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
    to size the line of members in no group."""
    first, last = period(now, await guilds.timezone(guild_id), days)
    groups = await db_groups.all(guild_id)
    schools = await db_schools.all(guild_id)
    lounges = {g.channel_id for g in groups if g.channel_id is not None}
    school_channels = {s.channel_id for s in schools if s.channel_id is not None}
    per_kind = dict.fromkeys(ChannelKind, 0)
    for channel_id, count in (await repo.messages_by_channel(guild_id, first, last)).items():
        per_kind[channel_kind(channel_id, lounges=lounges, schools=school_channels)] += count
    by_group_counts = await repo.messages_by_group(guild_id, first, last)
    sizes = await db_groups.member_counts(guild_id)
    by_group = [
        GroupLine(g.name, g.emoji, shown_count(by_group_counts.get(g.id, 0), sizes.get(g.id, 0)))
        for g in groups
    ]
    in_no_group = len(set(members) - await repo.grouped_members(guild_id))
    by_group.append(GroupLine(NO_GROUP, None, shown_count(by_group_counts.get(None, 0), in_no_group)))
    return Summary(
        first=first,
        last=last,
        total=sum(per_kind.values()),
        by_kind=[(KIND_LABELS[kind], per_kind[kind]) for kind in ChannelKind],
        by_group=by_group,
    )
