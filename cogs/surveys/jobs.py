"""The survey jobs on Discord: `survey.close` closes at the closing time, `survey.remind` DMs those in the
audience who have not finished (each at most once per reminder, even when the job runs again after a
restart; closed DMs are skipped quietly)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.reach import jump_link, send_dm
from core.scheduler import RunContext, StaleJob
from core.surveys.audience import AudienceKind
from core.surveys.service import SurveyService, audience_of, to_remind
from core.text import safe_text
from core.timeutil import full_and_relative
from storage.groups import GroupRepository
from storage.jobs import Job
from storage.schools import SchoolRepository
from storage.surveys import Survey

from .cards import mark_closed

if TYPE_CHECKING:
    from bot.client import CopBot

CLOSE_GRACE = timedelta(days=30)  # a close that fell due while the bot was down still closes
REMIND_GRACE = timedelta(hours=6)


def reminder_nonce(job_id: int, user_id: int) -> str:
    """One DM nonce per reminder and member, within Discord's 25 characters."""
    return "svr" + hashlib.sha256(f"{job_id}:{user_id}".encode()).hexdigest()[:20]


class SurveyJobs:
    def __init__(self, bot: CopBot, service: SurveyService) -> None:
        self.bot = bot
        self.service = service
        self.repo = service.repo

    async def _survey(self, job: Job) -> Survey:
        survey = await self.repo.get(job.guild_id, int(job.payload["survey_id"]))
        if survey is None:
            raise StaleJob("the survey is gone")
        return survey

    async def close(self, job: Job, ctx: RunContext) -> None:
        survey = await self._survey(job)
        if await self.service.close(survey):
            closed = await self.repo.get(survey.guild_id, survey.id)
            await mark_closed(self.bot, closed or survey)

    async def audience_ids(self, survey: Survey) -> set[int]:
        audience = audience_of(survey)
        if audience.kind is AudienceKind.GROUP and audience.unit_id is not None:
            return set(await GroupRepository(self.bot.db).member_ids(survey.guild_id, audience.unit_id))
        if audience.kind is AudienceKind.SCHOOL and audience.unit_id is not None:
            return set(await SchoolRepository(self.bot.db).member_ids(survey.guild_id, audience.unit_id))
        guild = self.bot.get_guild(survey.guild_id)
        return set() if guild is None else {m.id for m in guild.members if not m.bot}

    async def remind(self, job: Job, ctx: RunContext) -> None:
        survey = await self._survey(job)
        if survey.closed or ctx.now >= survey.closes_at:
            raise StaleJob("the survey closed", missed=False)
        guild = self.bot.get_guild(survey.guild_id)
        server = guild.name if guild is not None and guild.name else "the server"
        link = (
            jump_link(survey.guild_id, survey.channel_id, survey.message_id)
            if survey.message_id
            else jump_link(survey.guild_id, survey.channel_id)
        )
        text = (
            f"A friendly reminder from **{safe_text(server, 100)}**: the survey "
            f"**{safe_text(survey.title, 200)}** closes {full_and_relative(survey.closes_at)}. "
            f"If you started, it picks up where you stopped. Click **Answer the survey** here: {link}"
        )
        for user_id in to_remind(
            await self.audience_ids(survey),
            await self.repo.finished_ids(survey.id),
            await self.repo.reminded(job.id),
        ):
            await send_dm(self.bot, user_id, text, nonce=reminder_nonce(job.id, user_id))
            await self.repo.mark_reminded(survey, job.id, user_id)
