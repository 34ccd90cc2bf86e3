"""The announcement use cases that write: saving an announcement with its job or series in one transaction,
pausing, resuming, sending now, cancelling and finishing. Plain data in and out; refusals are
`AnnouncementError`s written for the organizer."""

from __future__ import annotations

from datetime import datetime

from core.clock import Clock
from core.scheduler import Scheduler
from core.text import plural
from core.timeutil import discord_timestamp
from storage.announcements import (
    OPEN_STATES,
    Announcement,
    AnnouncementRepository,
    AnnouncementState,
    NewAnnouncement,
)
from storage.database import Database

from .plans import AnnouncementError, upcoming_runs
from .runs import KIND

DEFAULT_RECURRING_LIMIT = 25


async def find_announcement(
    repo: AnnouncementRepository, guild_id: int, announcement_id: int
) -> Announcement:
    """The guild's announcement; an unknown id (or another guild's) is refused."""
    found = await repo.get(guild_id, announcement_id)
    if found is None:
        raise AnnouncementError(
            f"There is no announcement #{announcement_id} in this server. `/announce list` shows them."
        )
    return found


def _repeating(count: int) -> str:
    return plural(count, "repeating announcement")


class AnnouncementService:
    """What organizers do with announcements, on the database and the durable scheduler."""

    def __init__(
        self,
        db: Database,
        scheduler: Scheduler,
        clock: Clock,
        *,
        recurring_limit: int = DEFAULT_RECURRING_LIMIT,
    ) -> None:
        self.db = db
        self.scheduler = scheduler
        self.clock = clock
        self.repo = AnnouncementRepository(db)
        self.recurring_limit = recurring_limit

    async def find(self, guild_id: int, announcement_id: int) -> Announcement:
        """The guild's announcement; an unknown id (or another guild's) is refused."""
        return await find_announcement(self.repo, guild_id, announcement_id)

    async def check_limit(self, guild_id: int) -> None:
        """Refuse one more running repeating announcement past the guild's limit."""
        active = await self.repo.count_active_recurring(guild_id)
        if active >= self.recurring_limit:
            raise AnnouncementError(
                f"This server already has {_repeating(active)} running, the most allowed "
                f"({self.recurring_limit}). Cancel or pause one first (`/announce list` shows them)."
            )

    async def save(self, new: NewAnnouncement) -> Announcement:
        """Write the announcement and its job (or series) in one transaction."""
        now = self.clock.now()
        if new.schedule.run_at is not None and new.schedule.run_at <= now:
            raise AnnouncementError(
                f"The time you chose ({discord_timestamp(new.schedule.run_at)}) passed while the preview was "
                "open. Run `/announce create` again with a later time."
            )
        async with self.db.transaction():
            if new.schedule.trigger is not None:
                await self.check_limit(new.guild_id)
            announcement_id = await self.repo.create(new, now=now)
            saved = await self.find(new.guild_id, announcement_id)
            await self.schedule(saved, now)
        return saved

    async def schedule(self, announcement: Announcement, now: datetime) -> None:
        """Give the announcement its job (one-off) or series (recurring); inside the caller's transaction."""
        if announcement.trigger is None:
            assert announcement.run_at is not None
            job_id = await self.scheduler.schedule(
                KIND,
                announcement.run_at,
                {"announcement_id": announcement.id},
                guild_id=announcement.guild_id,
                owner=announcement.owner,
            )
            await self.repo.set_jobs(announcement.id, job_id=job_id, series_id=None, now=now)
            return
        try:
            series_id = await self.scheduler.recurring(
                KIND,
                announcement.trigger,
                {"announcement_id": announcement.id},
                guild_id=announcement.guild_id,
                owner=announcement.owner,
                timezone=announcement.timezone,
            )
        except ValueError:
            raise AnnouncementError("That schedule has no future runs. Check `repeat` and `until`.") from None
        await self.repo.set_jobs(announcement.id, job_id=None, series_id=series_id, now=now)

    async def replan(self, announcement: Announcement, now: datetime) -> None:
        """Its jobs again after the schedule changed; inside the caller's transaction."""
        await self.scheduler.cancel(owner=announcement.owner, guild_id=announcement.guild_id, kind=KIND)
        await self.schedule(announcement, now)

    async def pause(self, announcement: Announcement) -> str:
        if announcement.state is not AnnouncementState.SCHEDULED:
            raise AnnouncementError(
                f"Announcement #{announcement.id} is {announcement.state.value}, so there is nothing to pause."
            )
        async with self.db.transaction():
            await self.scheduler.cancel(owner=announcement.owner, guild_id=announcement.guild_id, kind=KIND)
            await self.repo.set_state(announcement.id, AnnouncementState.PAUSED, now=self.clock.now())
        return (
            f"Paused announcement **#{announcement.id}**. Nothing will be posted until you "
            f"`/announce resume id:{announcement.id}`; posts it would have made meanwhile are skipped, "
            "not sent all at once later."
        )

    async def resume(self, announcement: Announcement) -> str:
        announcement_id = announcement.id
        if announcement.state is not AnnouncementState.PAUSED:
            raise AnnouncementError(
                f"Announcement #{announcement_id} isn't paused (it is {announcement.state.value})."
            )
        now = self.clock.now()
        if announcement.run_at is not None and announcement.run_at <= now:
            raise AnnouncementError(
                f"Announcement #{announcement_id} was due {discord_timestamp(announcement.run_at, 'f')}, while it "
                f"was paused, so it was skipped. Give it a new time with `/announce edit id:{announcement_id} when:`."
            )
        if announcement.recurring:
            await self.check_limit(announcement.guild_id)
        async with self.db.transaction():
            await self.repo.set_state(announcement_id, AnnouncementState.SCHEDULED, now=now)
            resumed = await self.find(announcement.guild_id, announcement_id)
            runs = upcoming_runs(resumed, now=now, count=1)
            if not runs:
                raise AnnouncementError(
                    f"Announcement #{announcement_id} has no runs left before its end. "
                    "Change `until` with `/announce edit`."
                )
            await self.schedule(resumed, now)
        return (
            f"Resumed announcement **#{announcement_id}**. Next post {discord_timestamp(runs[0], 'F')} "
            f"({discord_timestamp(runs[0], 'R')})."
        )

    async def send_now(self, announcement: Announcement) -> str:
        if announcement.state is AnnouncementState.CANCELLED:
            raise AnnouncementError(f"Announcement #{announcement.id} was cancelled, so it can't be sent.")
        await self.scheduler.schedule(
            KIND,
            self.clock.now(),
            {"announcement_id": announcement.id, "manual": True},
            guild_id=announcement.guild_id,
            owner=announcement.owner,
        )
        return (
            f"Posting announcement **#{announcement.id}** in <#{announcement.channel_id}> now. Its schedule is "
            f"unchanged; `/announce history id:{announcement.id}` shows the link once it is out."
        )

    async def cancel(self, announcement: Announcement) -> bool:
        """Cancel it for good, with its jobs; False when it was no longer open (changed meanwhile)."""
        async with self.db.transaction():
            changed = await self.repo.set_state(
                announcement.id, AnnouncementState.CANCELLED, now=self.clock.now(), expect=OPEN_STATES
            )
            if changed:
                await self.scheduler.cancel(
                    owner=announcement.owner, guild_id=announcement.guild_id, kind=KIND
                )
        return changed

    async def finish(self, announcement: Announcement) -> None:
        """Its last occurrence is over: the series stops and the announcement is finished."""
        async with self.db.transaction():
            if announcement.series_id is not None:
                await self.scheduler.cancel(series_id=announcement.series_id, guild_id=announcement.guild_id)
            await self.repo.set_state(
                announcement.id,
                AnnouncementState.FINISHED,
                now=self.clock.now(),
                expect=(AnnouncementState.SCHEDULED,),
            )
