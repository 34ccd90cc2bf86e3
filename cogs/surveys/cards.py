"""What the survey's post says, and marking it closed (best effort: the survey is closed either way).

The post is edited by its ids through REST (`get_partial_messageable`): that needs nothing from the cache,
so a survey closed by its job at start-up, before Discord has sent the server, is marked closed too."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.delivery import classify
from core.scheduler import RetryableJobError
from core.surveys.questions import pages
from core.surveys.service import audience_of, questions_of
from core.text import plural, safe_text
from core.timeutil import discord_timestamp, full_and_relative
from storage.surveys import Survey

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)


def post_text(survey: Survey, *, opened: bool) -> str:
    """The post with the Answer button: title, intro, for whom, until when, and that answers are private."""
    count = len(questions_of(survey))
    page_count = len(pages(questions_of(survey)))
    lines = [
        f"📋 **{safe_text(survey.title, 200)}** (survey #{survey.id})",
        safe_text(survey.intro, 800),
        "",
        f"**For:** {audience_of(survey).describe()} · {plural(count, 'question')}"
        + (f" on {plural(page_count, 'page')}" if page_count > 1 else ""),
    ]
    if not opened:
        # Stays true once it opened: the post is not edited at the opening time.
        lines.append(f"**Open from:** {full_and_relative(survey.opens_at)}")
    lines.append(f"**Closes:** {full_and_relative(survey.closes_at)}")
    lines.append(
        "Your answers are private: organizers see only totals, and any group smaller than 5 shows as "
        "“fewer than 5”. You can stop after a page and come back, and change your answers until it closes."
    )
    return "\n".join(lines)[:2000]


def closed_text(survey: Survey) -> str:
    return (
        f"📋 **{safe_text(survey.title, 200)}** (survey #{survey.id}) closed "
        f"{discord_timestamp(survey.closes_at if survey.closed_at is None else survey.closed_at, 'f')}. "
        "Thank you to everyone who answered!"
    )


async def mark_closed(bot: CopBot, survey: Survey, *, retry: bool = False) -> None:
    """Replace the post's text and take its button away; nothing is lost if Discord refuses (the post or
    its channel deleted, no access). With `retry` (the close job), a failure that may pass (5xx, 429, the
    network) raises RetryableJobError so the job tries again; otherwise it is logged."""
    if survey.message_id is None:
        return
    message = bot.get_partial_messageable(survey.channel_id, guild_id=survey.guild_id).get_partial_message(
        survey.message_id
    )
    try:
        await message.edit(content=closed_text(survey), view=None)
    except (discord.HTTPException, aiohttp.ClientError, ConnectionError, TimeoutError) as exc:
        outcome = classify(exc)
        if retry and isinstance(outcome, RetryableJobError):
            raise outcome from exc
        log.info("could not mark survey %s closed on its post: %s", survey.id, exc)


async def refresh_post(bot: CopBot, survey: Survey) -> bool:
    """Show the survey's current wording on its post; False when Discord refused (the survey changed anyway)."""
    if survey.message_id is None:
        return False
    message = bot.get_partial_messageable(survey.channel_id, guild_id=survey.guild_id).get_partial_message(
        survey.message_id
    )
    try:
        await message.edit(content=post_text(survey, opened=survey.opens_at <= bot.clock.now()))
    except (discord.HTTPException, aiohttp.ClientError, ConnectionError, TimeoutError) as exc:
        log.info("could not update the post of survey %s: %s", survey.id, exc)
        return False
    return True
