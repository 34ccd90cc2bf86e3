"""`/intro remind`'s audience: members who joined but have not introduced themselves."""

from __future__ import annotations

from collections.abc import Iterable

from storage.profiles import ProfileRepository


async def remind_audience(
    profiles: ProfileRepository, guild_id: int, member_ids: Iterable[int], *, again: bool
) -> list[int]:
    """Of `member_ids` (people, not bots, in the server's order), those without a profile (a departed
    member's hidden one counts) and, unless `again`, not reminded before."""
    introduced = await profiles.introduced_ids(guild_id)
    skipped = set() if again else await profiles.reminded_ids(guild_id)
    return [m for m in member_ids if m not in introduced and m not in skipped]
