"""Members who leave: hidden at once, their data deleted after the guild's hidden period unless they came back.

Leaving hides the profile and schedules a `profile.purge` job in the same transaction. The job names the
departure, not the member, so once it has run no trace of the member remains. Coming back forgets the
departure and cancels the job; a purge that finds the member back in the server (they returned while the
bot was away) forgets the departure instead of deleting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.personal_data import PersonalDataRegistry
from core.platform import Members
from core.scheduler import Jobs
from storage.database import Database
from storage.profiles import ProfileRepository

PURGE_KIND = "profile.purge"
PURGE_GRACE = timedelta(days=365)  # a purge found late still runs: the promise is deletion


def purge_owner(departure_id: int) -> str:
    return f"departure:{departure_id}"


def purge_due(left_at: datetime, hidden_days: int) -> datetime:
    """When a departed member's data is deleted: `hidden_days` after they left."""
    return left_at + timedelta(days=hidden_days)


async def leave(
    db: Database, profiles: ProfileRepository, jobs: Jobs, guild_id: int, user_id: int, *, now: datetime
) -> int:
    """The member left: hide their profile and schedule the purge (one transaction); the departure's id."""
    async with db.transaction():
        departure = await profiles.depart(guild_id, user_id, now)
        days = (await profiles.settings(guild_id)).hidden_days
        await jobs.schedule(
            PURGE_KIND,
            purge_due(now, days),
            {"departure": departure},
            guild_id=guild_id,
            owner=purge_owner(departure),
        )
    return departure


async def come_back(profiles: ProfileRepository, jobs: Jobs, guild_id: int, user_id: int) -> bool:
    """The member joined again: show their profile and cancel the purge; whether they had left before."""
    departure = await profiles.return_of(guild_id, user_id)
    if departure is None:
        return False
    await jobs.cancel(owner=purge_owner(departure), guild_id=guild_id)
    return True


async def purge(
    profiles: ProfileRepository,
    presence: Members,
    personal_data: PersonalDataRegistry,
    guild_id: int,
    departure_id: int,
) -> dict[str, int] | None:
    """The hidden period is over: delete everything about the member (rows per feature), unless they came
    back (None)."""
    user_id = await profiles.departure(guild_id, departure_id)
    if user_id is None:
        return None  # back in the server, or deleted already
    if await presence.is_member(guild_id, user_id):
        await profiles.return_of(guild_id, user_id)  # came back while the bot was away
        return None
    return await personal_data.delete(guild_id, user_id)
