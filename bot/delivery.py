"""Sending what the scheduler promised: idempotent posts, and Discord errors sorted into retry or give up."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.formatting import format_late_note
from bot.scheduler import PermanentJobError, RetryableJobError, RunContext
from storage.guilds import Purpose
from storage.jobs import Job

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

# Discord's JSON error codes that an organizer can fix in the server's settings.
UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013


def classify(error: BaseException) -> Exception:
    """Map what a send raised to what the scheduler should do about it."""
    if isinstance(error, RetryableJobError | PermanentJobError):
        return error
    if isinstance(error, discord.Forbidden):
        return PermanentJobError(
            f"Discord refused: {error.text or error.status}",
            organizer_message="I'm not allowed to post there: give my role **View Channel** and **Send Messages** "
            "in that channel (channel settings → Permissions).",
        )
    if isinstance(error, discord.NotFound) and error.code == UNKNOWN_CHANNEL:
        return PermanentJobError(
            "the channel was deleted",
            organizer_message="the channel it was meant for was deleted. Choose another with `/cop channel`.",
        )
    if isinstance(error, discord.DiscordServerError | discord.RateLimited):
        return RetryableJobError(f"Discord was unavailable ({error})")
    if isinstance(error, discord.HTTPException):
        if error.status == 429 or error.status >= 500:
            return RetryableJobError(f"Discord was unavailable ({error.status})")
        return PermanentJobError(f"Discord rejected the message: {error.text or error.status}")
    if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError | ConnectionError):
        return RetryableJobError(f"could not reach Discord ({type(error).__name__})")
    return error if isinstance(error, Exception) else RetryableJobError(repr(error))


async def resolve_channel(bot: CopBot, channel_id: int) -> discord.abc.Messageable:
    """The channel to post in, from the cache or Discord; a deleted channel is a permanent failure."""
    channel = bot.get_channel(channel_id)
    if channel is None:
        try:
            channel = await bot.fetch_channel(channel_id)
        except discord.HTTPException as exc:
            raise classify(exc) from exc
    if not isinstance(channel, discord.abc.Messageable):
        raise PermanentJobError(f"channel {channel_id} cannot hold messages")
    return channel


async def send_once(channel: discord.abc.Messageable, nonce: str, **message: Any) -> discord.Message:
    """Post with a nonce Discord enforces: a retry after a crash returns the earlier message, not a second one.

    discord.py sends `enforce_nonce: true` with every nonce it is given.
    """
    try:
        return await channel.send(nonce=nonce, **message)
    except discord.HTTPException as exc:
        raise classify(exc) from exc


async def tell_organizers(bot: CopBot, job: Job, error: PermanentJobError) -> None:
    """Post once in the announcements channel when a scheduled post failed for a reason organizers can fix."""
    if not error.organizer_message:
        return
    settings = await bot.guild_settings.get(job.guild_id)
    channel_id = settings.channels.get(Purpose.ANNOUNCEMENTS)
    channel = bot.get_channel(channel_id) if channel_id else None
    if not isinstance(channel, discord.TextChannel):
        log.warning(
            "job %s failed (%s) and the guild %s has no announcements channel", job.id, error, job.guild_id
        )
        return
    try:
        await channel.send(
            f"**Organizers:** a scheduled post ({job.kind.replace('.', ' ')}) could not be delivered: "
            f"{error.organizer_message}",
            nonce=f"fail-{job.id}"[:25],
        )
    except discord.HTTPException as exc:
        log.warning("could not tell the organizers of guild %s about job %s: %s", job.guild_id, job.id, exc)


POST_KIND = "message.post"
POST_GRACE = timedelta(hours=6)


async def post_message(bot: CopBot, job: Job, ctx: RunContext) -> None:
    """The `message.post` job: post `content` in `channel_id`, saying so when it comes late."""
    channel = await resolve_channel(bot, int(job.payload["channel_id"]))
    content = str(job.payload["content"])
    if ctx.late:
        content = f"{content}\n-# {format_late_note(job.scheduled_for)}"
    await send_once(channel, ctx.nonce, content=content)
