"""Counting members' messages: which day and which groups a message counts under, and one batch's counts.

A message is counted, never kept: the adapter hands over who posted where and when (`Posted`, held in
memory only until the batch is written) and the counts that come out name no one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from storage.activity import ActivityRepository, ChannelDay, GroupDay
from storage.guilds import GuildRepository


class ChannelKind(StrEnum):
    LOUNGE = "lounge"  # a stakeholder group's channel
    SCHOOL = "school"  # a school team's channel
    GENERAL = "general"  # anything else


KIND_LABELS = {
    ChannelKind.LOUNGE: "Group lounges",
    ChannelKind.SCHOOL: "School team channels",
    ChannelKind.GENERAL: "General channels",
}


def channel_kind(channel_id: int, *, lounges: Iterable[int], schools: Iterable[int]) -> ChannelKind:
    """A group's channel is a lounge, a school team's is a school channel, any other is general."""
    if channel_id in set(lounges):
        return ChannelKind.LOUNGE
    if channel_id in set(schools):
        return ChannelKind.SCHOOL
    return ChannelKind.GENERAL


def local_day(at: datetime, zone: str) -> date:
    """The day `at` falls on in the guild's zone."""
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at.astimezone(ZoneInfo(zone)).date()


def counted_groups(group_ids: Iterable[int]) -> list[int | None]:
    """The groups a member's message counts under: once under each of their groups (a protected group such
    as Students like any other), or under None when they are in none."""
    unique = sorted(set(group_ids))
    return list(unique) if unique else [None]


@dataclass(frozen=True, slots=True)
class Posted:
    """One member's message, as far as counting goes: where and when, and who (in memory only)."""

    guild_id: int
    channel_id: int
    author_id: int
    at: datetime


@dataclass(slots=True)
class Tally:
    messages: Counter[ChannelDay] = field(default_factory=Counter)
    groups: Counter[GroupDay] = field(default_factory=Counter)


def tally(
    posts: Sequence[Posted], *, zones: Mapping[int, str], groups_of: Mapping[tuple[int, int], Sequence[int]]
) -> Tally:
    """The counts of a batch: each message once per channel and day, and once under each counted group."""
    counts = Tally()
    for post in posts:
        day = local_day(post.at, zones[post.guild_id])
        counts.messages[(post.guild_id, post.channel_id, day)] += 1
        for group in counted_groups(groups_of.get((post.guild_id, post.author_id), ())):
            counts.groups[(post.guild_id, post.channel_id, day, group)] += 1
    return counts


class ActivityCounter:
    """Writes a batch of posts as counts: reads the zones and the authors' groups, then one transaction."""

    def __init__(self, repo: ActivityRepository, guilds: GuildRepository) -> None:
        self.repo = repo
        self.guilds = guilds

    async def record(self, posts: Sequence[Posted]) -> Tally:
        zones: dict[int, str] = {}
        groups_of: dict[tuple[int, int], list[int]] = {}
        for guild_id in {p.guild_id for p in posts}:
            zones[guild_id] = await self.guilds.timezone(guild_id)
            authors = sorted({p.author_id for p in posts if p.guild_id == guild_id})
            for user_id, groups in (await self.repo.groups_of(guild_id, authors)).items():
                groups_of[(guild_id, user_id)] = groups
        counts = tally(posts, zones=zones, groups_of=groups_of)
        await self.repo.add(counts.messages, counts.groups)
        return counts
