"""The weekly resource digest without Discord: which resources a week's digest shows, and turning the durable
recurring job on or off (`resource.digest`, one series per guild)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.scheduler import Scheduler
from storage.resources import DigestSettings, Mark, Ranked, Resource, ResourceRepository

DIGEST_KIND = "resource.digest"
DIGEST_OWNER = "resources:digest"
DIGEST_GRACE = timedelta(hours=12)
WEEK = timedelta(days=7)
DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
        "sat": "Saturday", "sun": "Sunday"}  # fmt: skip
SHOWN = 10  # new resources listed
TOP = 5  # most helpful and most used listed


@dataclass(frozen=True, slots=True)
class Digest:
    since: datetime
    until: datetime
    new: list[Resource]  # the first SHOWN shared in the week, oldest first
    more: int  # how many more were shared that week
    helpful: list[Ranked]  # most marked helpful within the week
    used: list[Ranked]


@dataclass(frozen=True, slots=True)
class DigestChange:
    before: DigestSettings
    next_due: datetime | None  # the next digest (None when turned off)


async def select_digest(repo: ResourceRepository, guild_id: int, until: datetime) -> Digest | None:
    """What the digest for the week before `until` shows, or None when the week had nothing to tell."""
    since = until - WEEK
    new = await repo.created_between(guild_id, since, until, limit=SHOWN + 1)
    helpful = await repo.top(guild_id, Mark.HELPFUL, since=since, until=until, limit=TOP)
    used = await repo.top(guild_id, Mark.USED, since=since, until=until, limit=TOP)
    if not (new or helpful or used):
        return None
    more = (await repo.count_between(guild_id, since, until) - SHOWN) if len(new) > SHOWN else 0
    return Digest(since, until, new[:SHOWN], more, helpful, used)


async def set_digest(
    repo: ResourceRepository,
    scheduler: Scheduler,
    guild_id: int,
    *,
    enabled: bool,
    day: str,
    hour: int,
    zone: str,
) -> DigestChange:
    """Stop the guild's digest, or (re)start it every `day` at `hour`:00 in `zone`; what it was before and
    when the next one is due."""
    before = await repo.digest_settings(guild_id)
    async with repo.db.transaction():
        await scheduler.cancel(owner=DIGEST_OWNER, guild_id=guild_id)
        if not enabled:
            await repo.set_digest(guild_id, None, None, None)
        else:
            series = await scheduler.recurring(
                DIGEST_KIND,
                {"day_of_week": day, "hour": hour, "minute": 0},
                {},
                guild_id=guild_id,
                owner=DIGEST_OWNER,
                timezone=zone,
            )
            await repo.set_digest(guild_id, series, day, hour)
    if not enabled:
        return DigestChange(before, None)
    upcoming = [j for j in await scheduler.upcoming(guild_id, limit=25) if j.owner == DIGEST_OWNER]
    return DigestChange(before, upcoming[0].due_at if upcoming else None)


def was_set(before: DigestSettings) -> str:
    """ " (it was set for Mondays at 09:00)", or "" when it was not set."""
    if before.day is not None and before.day in DAYS and before.hour is not None:
        return f" (it was set for {DAYS[before.day]}s at {before.hour:02d}:00)"
    return ""
