"""The `goals.prompt` job on Discord: a "time for a check-in" post with a Check in button in the school team's
channel, once (the job's nonce), then the next prompt planned by the core (`GoalService.prompt_ran`)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.delivery import resolve_channel, send_once
from bot.reach import organizer_channel, tell_organizers
from core.goals.rules import Team
from core.goals.service import GoalService
from core.scheduler import PermanentJobError, RunContext, StaleJob
from core.text import safe_text
from storage.jobs import Job
from storage.schools import SchoolRepository

from .buttons import COMMUNITY_ID, CheckInButton
from .cards import prompt_text
from .inputs import community

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

# A prompt found late after downtime is still worth posting (only one runs, and it plans the next); a grace
# of a year keeps a long outage from ending the team's prompts for good.
PROMPT_GRACE = timedelta(days=365)


async def run_prompt(bot: CopBot, service: GoalService, job: Job, ctx: RunContext) -> None:
    if job.payload.get("school_id") is None:
        await _prompt_community(bot, service, job, ctx)
        return
    school_id = int(job.payload["school_id"])
    name = str(job.payload.get("name") or "a school")
    school = await SchoolRepository(bot.db).get(job.guild_id, school_id)
    if school is None:
        # The school was removed (its channel archived): its goals went with it. Say so once; no next prompt.
        await tell_organizers(
            bot,
            job.guild_id,
            f"The goal check-in prompts of **{safe_text(name, 100)}** have stopped: that school team was "
            "removed, and its goals with it.",
            nonce=f"goal-gone-{job.id}",
        )
        return
    if not await service.prompt_wanted(job.guild_id, school_id):
        raise StaleJob("the team turned its check-in prompts off")
    team = Team(job.guild_id, school.id, school.name)
    if school.channel_id is None:
        raise PermanentJobError(
            f"school {school.id} has no channel",
            organizer_message=f"the {safe_text(school.name, 100)} team has no channel, so its goal check-in "
            "prompt could not be posted. Run `/schools setup`, then set the prompts again with `/goals cadence`.",
        )
    channel = await resolve_channel(bot, school.channel_id, guild_id=job.guild_id)
    view = discord.ui.View(timeout=None)
    view.add_item(CheckInButton(school.id))
    await send_once(channel, ctx.nonce, content=prompt_text(team), view=view)
    await service.prompt_ran(job.guild_id, school.id, school.name, planned=job.scheduled_for, now=ctx.now)


async def _prompt_community(bot: CopBot, service: GoalService, job: Job, ctx: RunContext) -> None:
    """The whole community's prompt: in the announcements channel, where the network's news goes; its Check in
    button (`goal:checkin:0`) opens the form for organizers, who keep the community's goals."""
    if not await service.prompt_wanted(job.guild_id, None):
        raise StaleJob("the community's check-in prompts were turned off")
    channel = await organizer_channel(bot, job.guild_id)
    if channel is None:
        raise PermanentJobError(
            "no announcements channel for the community's goal prompt",
            organizer_message="the whole community's goal check-in prompt could not be posted: there is no "
            "announcements channel the bot can post in. Choose one with `/cop setup`, then set the prompts "
            "again with `/goals cadence team:The whole community`.",
        )
    view = discord.ui.View(timeout=None)
    view.add_item(CheckInButton(COMMUNITY_ID))
    await send_once(channel, ctx.nonce, content=prompt_text(community(job.guild_id)), view=view)
    await service.prompt_ran(job.guild_id, None, "", planned=job.scheduled_for, now=ctx.now)
