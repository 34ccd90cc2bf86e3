"""What the survey's post says, and marking it closed (best effort: the survey is closed either way)."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import discord

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
        lines.append(f"**Opens:** {full_and_relative(survey.opens_at)}")
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


async def mark_closed(bot: CopBot, survey: Survey) -> None:
    """Replace the post's text and take its button away; nothing is lost if Discord refuses."""
    if survey.message_id is None:
        return
    channel = bot.get_channel(survey.channel_id)
    if not isinstance(channel, discord.TextChannel):
        return
    with contextlib.suppress(discord.HTTPException):
        await channel.get_partial_message(survey.message_id).edit(content=closed_text(survey), view=None)


async def refresh_post(bot: CopBot, survey: Survey) -> bool:
    """Show the survey's current wording on its post; False when Discord refused (the survey changed anyway)."""
    if survey.message_id is None:
        return False
    channel = bot.get_channel(survey.channel_id)
    if not isinstance(channel, discord.TextChannel):
        return False
    try:
        await channel.get_partial_message(survey.message_id).edit(
            content=post_text(survey, opened=survey.opens_at <= bot.clock.now())
        )
    except discord.HTTPException:
        return False
    return True
