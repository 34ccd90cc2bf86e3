"""The `agreement.review` job on Discord: a week before the review date both sides are reminded (the
partner by DM, else with a mention in the team channel); at the review date an agreement not renewed lapses.
Each post carries the job's nonce, so a retry or a restart never posts twice."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.delivery import classify, job_guild, resolve_channel, send_once
from bot.reach import send_dm
from core.agreements.service import AgreementService
from core.scheduler import RunContext, StaleJob
from core.text import safe_text
from core.timeutil import discord_timestamp
from storage.agreements import OPEN, Status
from storage.jobs import Job, from_db_time
from storage.schools import SchoolRepository

from .common import can_view, refresh_card

if TYPE_CHECKING:
    from bot.client import CopBot


class Reviews:
    def __init__(self, bot: CopBot, service: AgreementService) -> None:
        self.bot = bot
        self.service = service

    async def describe(self, job: Job) -> str | None:
        return f"the review {job.payload.get('step', '')} of agreement #{int(job.payload['agreement_id'])}"

    async def run(self, job: Job, ctx: RunContext) -> None:
        agreement_id = int(job.payload["agreement_id"])
        review_at = from_db_time(str(job.payload["review_at"]))
        if job.payload.get("step") == "lapse":
            await self._lapse(job, ctx, agreement_id, review_at)
        else:
            await self._remind(job, ctx, agreement_id, review_at)

    async def _team_channel(self, guild_id: int, school_id: int) -> discord.abc.Messageable | None:
        school = await SchoolRepository(self.bot.db).get(guild_id, school_id)
        if school is None or school.channel_id is None:
            return None
        return await resolve_channel(self.bot, school.channel_id, guild_id=guild_id)

    async def _remind(self, job: Job, ctx: RunContext, agreement_id: int, review_at: datetime) -> None:
        agreement = await self.service.repo.get_any(agreement_id)
        if agreement is None or agreement.status not in OPEN or agreement.review_at != review_at:
            raise StaleJob("the agreement was renewed or closed")
        if ctx.now >= agreement.review_at:
            raise StaleJob("the review date already passed", missed=True)
        guild = await job_guild(self.bot, agreement.guild_id)
        if guild is None:
            raise StaleJob("the bot is no longer in the server")
        partner = agreement.partner_id
        present = partner is not None and guild.get_member(partner) is not None
        when = (
            f"{discord_timestamp(agreement.review_at, 'D')} ({discord_timestamp(agreement.review_at, 'R')})"
        )
        what = (
            f"agreement #{agreement.id} between the {safe_text(agreement.school_name, 100)} team and its partner is up for review "
            f"on {when}. Renew it with `/agreement renew id:{agreement.id}`, or mark it done with "
            f"`/agreement complete id:{agreement.id}`; otherwise it lapses on that date."
        )
        dm_sent = False
        if present and partner is not None:
            try:
                dm_sent = await send_dm(self.bot, partner, f"Reminder: {what}", nonce=f"{ctx.nonce}-p")
            except discord.HTTPException as exc:  # not a closed DM: Discord's trouble, sorted as every post's
                raise classify(exc) from exc
        channel = await self._team_channel(agreement.guild_id, agreement.school_id)
        if channel is None:
            return
        text = f"Reminder for the team: {what}"
        mention: list[int] = []
        if present and not dm_sent and partner is not None:
            if can_view(channel, partner):
                text = f"<@{partner}> {text} (I couldn't reach the partner by DM.)"
                mention = [partner]
            else:
                text += " I couldn't reach the partner by DM: please let them know."
        elif partner is not None and not present:
            text += " The partner has left the server, so only the team is reminded."
        elif agreement.partner_former:
            text += " The partner is a former member, so only the team is reminded."
        sent = await send_once(
            channel,
            ctx.nonce,
            content=text[:2000],
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(u) for u in mention]),
        )
        for user_id in mention:
            await self.service.repo.record_post(
                agreement.guild_id, agreement.id, user_id, "remind", sent.channel.id, sent.id
            )
        await refresh_card(self.bot, agreement)

    async def _lapse(self, job: Job, ctx: RunContext, agreement_id: int, review_at: datetime) -> None:
        lapsed = await self.service.lapse(agreement_id, review_at)
        if lapsed is None:
            current = await self.service.repo.get_any(agreement_id)
            if current is None or current.status is not Status.LAPSED or current.review_at != review_at:
                raise StaleJob("the agreement was renewed or closed")
            lapsed = current  # lapsed by an earlier attempt of this job: post its note (once, by the nonce)
        await refresh_card(self.bot, lapsed)
        channel = await self._team_channel(lapsed.guild_id, lapsed.school_id)
        if channel is not None:
            await send_once(
                channel,
                ctx.nonce,
                content=(
                    f"Agreement #{lapsed.id} reached its review date without being renewed, so it has lapsed. "
                    "Propose a new one with `/agreement propose` to continue."
                ),
            )
