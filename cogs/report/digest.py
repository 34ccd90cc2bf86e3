"""The monthly report summary: a job series (the 1st of each month at 09:00 in the guild's zone) posting the
summary of the month before in the channel an organizer chose, exactly once (the job's nonce), after a restart
too."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.client import CopBot
from bot.delivery import job_guild, resolve_channel, send_once
from core.report.periods import last_month
from core.report.scope import Audience
from core.scheduler import RunContext, StaleJob
from storage.jobs import Job, JobRepository
from storage.reports import ReportRepository

from .summary import summary_embed

if TYPE_CHECKING:
    from .cog import Reports

DIGEST_KIND = "report.digest"
DIGEST_GRACE = timedelta(days=7)  # found late after downtime, a month's summary is still worth posting
OWNER = "report:digest"
DIGEST_KEY = "digest"  # its reports are filed apart, so a digest is never "the last report" of /report
WHEN = {"day": 1, "hour": 9, "minute": 0}


class Digests:
    def __init__(self, bot: CopBot, reports: Reports) -> None:
        self.bot = bot
        self.reports = reports
        self.repo = ReportRepository(bot.db)

    async def start(self, guild_id: int, channel_id: int, *, set_by: int) -> datetime:
        """Start (or move) the guild's monthly summary; when the first is due."""
        zone = await self.bot.guild_settings.timezone(guild_id)
        async with self.bot.db.transaction():
            await self.bot.scheduler.cancel(owner=OWNER, guild_id=guild_id)
            series_id = await self.bot.scheduler.recurring(
                DIGEST_KIND, WHEN, {}, guild_id=guild_id, owner=OWNER, timezone=zone
            )
            await self.repo.set_digest(
                guild_id, channel_id, series_id, set_by=set_by, now=self.bot.clock.now()
            )
            series = await JobRepository(self.bot.db).get_series(series_id)
        assert series is not None
        assert series.next_due_at is not None
        return series.next_due_at

    async def stop(self, guild_id: int) -> bool:
        async with self.bot.db.transaction():
            had = await self.repo.digest(guild_id) is not None
            await self.bot.scheduler.cancel(owner=OWNER, guild_id=guild_id)
            await self.repo.clear_digest(guild_id)
        return had

    async def run(self, job: Job, ctx: RunContext) -> None:
        digest = await self.repo.digest(job.guild_id)
        if digest is None:
            raise StaleJob("the monthly summary was turned off")
        guild = await job_guild(self.bot, job.guild_id)
        if guild is None:
            raise StaleJob("the bot is no longer in that server")
        channel = await resolve_channel(self.bot, digest.channel_id, guild_id=job.guild_id)
        report, _ = await self.reports.make(
            guild,
            Audience.everyone(),
            lambda today, _last: last_month(today),
            made_by=None,
            files=False,
            key=DIGEST_KEY,
        )
        await send_once(channel, ctx.nonce, embed=summary_embed(report, title="Monthly report summary"))
