"""`/cop stats` as plain data: how many members introduced themselves, by stakeholder group and by school."""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.profiles import ProfileRepository


@dataclass(frozen=True, slots=True)
class ProfileStats:
    introduced: int  # profiles shown (departed members' hidden profiles are not counted)
    members: int  # members of the server who are people, not bots
    connections: int  # introductions made through /connect
    by_group: dict[str, int] = field(
        default_factory=dict
    )  # group name (or "No group") -> profiles, most first
    by_school: dict[str, int] = field(
        default_factory=dict
    )  # school or organization (or "Not given") -> profiles


async def profile_stats(profiles: ProfileRepository, guild_id: int, *, members: int) -> ProfileStats:
    """The counts for organizers; `members` is how many people the server has (the platform knows)."""
    total, by_group, by_school = await profiles.counts(guild_id)
    return ProfileStats(total, members, await profiles.connection_count(guild_id), by_group, by_school)
