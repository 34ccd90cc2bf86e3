"""Who may see whom, and finding members (`/profile view`, `/directory`, its interest autocomplete).

The rule: a member of a protected stakeholder group (`Students` by default) is seen only by organizers, by
themselves and by their school teammates; departed members (hidden) by nobody. It is written once, in SQL
(`storage.profiles._visible`), because the directory filters and counts with it; these are the ways the
features ask it. `/connect` never suggests protected members at all (`matching.suggest`).
"""

from __future__ import annotations

from storage.profiles import DirectoryPage, DirectoryQuery, Profile, ProfileRepository, Viewer

__all__ = [
    "DirectoryPage",
    "DirectoryQuery",
    "Viewer",
    "can_see",
    "interests_for",
    "search",
    "shown_in_full",
    "summary",
]

SUMMARY_LIMIT = 100


async def can_see(profiles: ProfileRepository, profile: Profile, viewer: Viewer) -> bool:
    """Whether `viewer` may see `profile` (see the module's rule)."""
    return await profiles.visible_to(profile, viewer)


async def shown_in_full(profiles: ProfileRepository, guild_id: int, user_id: int) -> bool:
    """Whether the member's public intro card shows everything; a protected member's shows only first name,
    school and group."""
    return not await profiles.is_protected(guild_id, user_id)


async def search(
    profiles: ProfileRepository, guild_id: int, query: DirectoryQuery, viewer: Viewer
) -> DirectoryPage:
    """The directory as `viewer` may see it: the first entries and whether more match."""
    return await profiles.directory(guild_id, query, viewer)


async def interests_for(profiles: ProfileRepository, guild_id: int, typed: str, viewer: Viewer) -> list[str]:
    """Interests like `typed` among the profiles `viewer` may see, most common first."""
    return await profiles.interests_like(guild_id, typed, viewer)


def summary(profile: Profile) -> str:
    """What a directory line says about a member when no searched words matched: what they offer, else seek,
    else their interests, else their title; cut at 100 characters."""
    about = profile.offers or profile.seeks or ", ".join(profile.interests) or profile.title
    return about[:SUMMARY_LIMIT] + ("…" if len(about) > SUMMARY_LIMIT else "")
