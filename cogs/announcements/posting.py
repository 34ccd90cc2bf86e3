"""The `announcement.post` job on Discord: re-reads the announcement, asks the core whether the occurrence
posts (`core.announcements.runs`), posts it once, records how it went and tells organizers of a failure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.delivery import resolve_channel, send_once
from core.announcements.runs import check_due, ends_after, failure_notice
from core.announcements.service import AnnouncementService
from core.scheduler import PermanentJobError, RetryableJobError, RunContext, StaleJob
from core.text import quote, safe_text
from storage.announcements import Announcement, AnnouncementState, RunOutcome
from storage.jobs import Job

from .render import everyone_sees, next_meeting_text, render

if TYPE_CHECKING:
    from bot.client import CopBot


class Poster:
    """Runs `announcement.post` jobs: re-reads the announcement, posts once, records how it went."""

    def __init__(self, bot: CopBot, service: AnnouncementService) -> None:
        self.bot = bot
        self.service = service
        self.repo = service.repo

    async def describe(self, job: Job) -> str | None:
        """What the job would have posted, for organizers told it was skipped as too late."""
        announcement = await self.repo.get(job.guild_id, int(job.payload["announcement_id"]))
        if announcement is None or announcement.state is AnnouncementState.CANCELLED:
            return None
        guild = self.bot.get_guild(job.guild_id)
        public = guild is not None and everyone_sees(guild, announcement.channel_id)
        # The notice is read by the whole server: a title meant for a private channel stays out of it.
        title = f" {quote(announcement.title, 100)}" if announcement.title and public else ""
        return f"announcement #{announcement.id}{title} in <#{announcement.channel_id}>"

    async def run(self, job: Job, ctx: RunContext) -> None:
        found = await self.repo.get(job.guild_id, int(job.payload["announcement_id"]))
        manual = bool(job.payload.get("manual"))
        due = check_due(
            found, job_id=job.id, series_id=job.series_id, scheduled_for=job.scheduled_for, manual=manual
        )
        if due.stale is not None:
            if due.finish and found is not None:
                await self.service.finish(found)
            raise StaleJob(due.stale)
        assert found is not None
        announcement: Announcement = found
        if not due.post:  # an off week of an every-N-weeks series: nothing to post
            await self._after_occurrence(announcement, job)
            return
        try:
            # First: it waits for the server while the bot starts, so the server's name below is known.
            channel = await resolve_channel(self.bot, announcement.channel_id, guild_id=job.guild_id)
            guild = self.bot.get_guild(job.guild_id)
            rendered = render(
                announcement,
                when=job.scheduled_for,
                server=guild.name if guild and guild.name else "this server",
                next_meeting=await next_meeting_text(
                    self.bot, job.guild_id, announcement.timezone, job.scheduled_for
                ),
                late_for=job.scheduled_for if ctx.late and not manual else None,
            )
            sent = await send_once(channel, ctx.nonce, **rendered.message())
        except PermanentJobError as error:
            await self._failed(announcement, job, ctx, error.reason, manual=manual)
            raise await self._organizer_notice(announcement, job, error) from None
        except RetryableJobError as error:
            if ctx.attempt >= self.bot.scheduler.max_attempts:
                await self._failed(announcement, job, ctx, error.reason, manual=manual)
            raise
        await self.repo.record_run(
            announcement,
            job_id=job.id,
            scheduled_for=job.scheduled_for,
            outcome=RunOutcome.POSTED,
            channel_id=announcement.channel_id,
            message_id=sent.id,
            late=ctx.late,
            manual=manual,
            now=self.bot.clock.now(),
        )
        if not manual:
            await self._after_occurrence(announcement, job)

    async def _after_occurrence(self, announcement: Announcement, job: Job, *, failed: bool = False) -> None:
        if ends_after(announcement, job.scheduled_for, failed=failed):
            await self.service.finish(announcement)

    async def _failed(
        self, announcement: Announcement, job: Job, ctx: RunContext, reason: str, *, manual: bool
    ) -> None:
        await self.repo.record_run(
            announcement,
            job_id=job.id,
            scheduled_for=job.scheduled_for,
            outcome=RunOutcome.FAILED,
            channel_id=announcement.channel_id,
            error=reason,
            late=ctx.late,
            manual=manual,
            now=self.bot.clock.now(),
        )
        if not manual:
            await self._after_occurrence(announcement, job, failed=True)

    async def _organizer_notice(
        self, announcement: Announcement, job: Job, error: PermanentJobError
    ) -> PermanentJobError:
        """The failure as the scheduler reports it, with the organizers' notice when the core says to tell."""
        previous = await self.repo.last_run(announcement.id, excluding_job=job.id)
        notice = failure_notice(announcement, error.cause, safe_text(error.reason, 200), previous)
        return PermanentJobError(error.reason, organizer_message=notice, cause=error.cause)
