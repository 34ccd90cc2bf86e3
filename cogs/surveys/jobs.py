"""The survey jobs on Discord: `survey.close` closes at the closing time and marks the post closed,
`survey.remind` DMs those in the audience who have not finished (each at most once per reminder, even when
the job runs again after a restart). Members whose DMs are closed are not named anywhere (a mention in a
channel would show everyone who hasn't answered): the organizers are told once per reminder how many
could not be reached. Jobs that fell due while the bot was down run before Discord has sent the server, so
the audience is read from the server once it has arrived in full (`delivery.job_guild`)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.delivery import classify, job_guild
from bot.reach import jump_link, send_dm, tell_organizers
from core.scheduler import RunContext, StaleJob
from core.surveys.audience import AudienceKind
from core.surveys.service import SurveyService, audience_of, to_remind
from core.text import plural, safe_text
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
        await self.service.close(survey)  # False when closed already (an earlier attempt, or by hand)
        closed = await self.repo.get(survey.guild_id, survey.id)
        if closed is not None and closed.closed:
            # Again on a retry: an attempt that closed it may have failed to edit the post.
            await mark_closed(self.bot, closed, retry=True)

    async def _guild(self, survey: Survey) -> discord.Guild:
        """The survey's server in full (waiting for it while the bot starts); StaleJob when the bot left it."""
        guild = await job_guild(self.bot, survey.guild_id)
        if guild is None:
            raise StaleJob("the bot is no longer in the server", missed=False)
        return guild

    async def audience_ids(self, survey: Survey, guild: discord.Guild) -> set[int]:
        """Who the survey is for, among the server's members now (people, not bots)."""
        audience = audience_of(survey)
        if audience.kind is AudienceKind.GROUP and audience.unit_id is not None:
            ids = await GroupRepository(self.bot.db).member_ids(survey.guild_id, audience.unit_id)
        elif audience.kind is AudienceKind.SCHOOL and audience.unit_id is not None:
            ids = await SchoolRepository(self.bot.db).member_ids(survey.guild_id, audience.unit_id)
        else:
            return {m.id for m in guild.members if not m.bot}
        present = (guild.get_member(user_id) for user_id in ids)
        return {m.id for m in present if m is not None and not m.bot}

    async def remind(self, job: Job, ctx: RunContext) -> None:
        survey = await self._survey(job)
        if survey.closed or ctx.now >= survey.closes_at:
            raise StaleJob("the survey closed", missed=False)
        guild = await self._guild(survey)
        server = guild.name or "the server"
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
        unreachable: list[int] = []
        for user_id in to_remind(
            await self.audience_ids(survey, guild),
            await self.repo.finished_ids(survey.id),
            await self.repo.reminded(job.id),
        ):
            try:
                sent = await send_dm(self.bot, user_id, text, nonce=reminder_nonce(job.id, user_id))
            except discord.HTTPException as exc:  # not closed DMs: Discord's trouble, retried
                raise classify(exc) from exc
            if sent:
                await self.repo.mark_reminded(survey, job.id, user_id)
            else:
                unreachable.append(user_id)
        if not unreachable:
            return
        # Once per reminder (the nonce), counted, never named; marked reminded only once told, so a run
        # interrupted before this counts them again.
        await tell_organizers(
            self.bot,
            survey.guild_id,
            unreachable_text(survey, len(unreachable), link),
            nonce=f"svu-{job.id}",
        )
        for user_id in unreachable:
            await self.repo.mark_reminded(survey, job.id, user_id)


def unreachable_text(survey: Survey, count: int, link: str) -> str:
    """What organizers are told about members a reminder couldn't reach: how many, not who."""
    has = "hasn't" if count == 1 else "haven't"
    return (
        f"📋 The reminder about survey **#{survey.id}** ({safe_text(survey.title, 200)}) couldn't reach "
        f"{plural(count, 'member')} who {has} finished: their DMs are closed. I don't name them, so that "
        "nobody can see who hasn't answered. To reach them too, you could remind everyone in a channel, "
        f"with a link to the survey: {link}"
    )
