"""Sending what the scheduler promised: idempotent posts, and Discord errors sorted into retry or give up."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.formatting import format_late_note
from core.organizers import MISSED_OWNER
from core.scheduler import Cause, PermanentJobError, RetryableJobError, RunContext
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
            cause=Cause.NOT_ALLOWED,
        )
    if isinstance(error, discord.NotFound) and error.code == UNKNOWN_CHANNEL:
        return ChannelDeleted("the channel was deleted")
    if isinstance(error, discord.RateLimited):
        return RetryableJobError(
            f"Discord was rate limiting ({error})", retry_after=timedelta(seconds=error.retry_after)
        )
    if isinstance(error, discord.DiscordServerError):
        return RetryableJobError(f"Discord was unavailable ({error})")
    if isinstance(error, discord.HTTPException):
        if error.status == 429:
            return RetryableJobError("Discord was rate limiting (429)", retry_after=_retry_after(error))
        if error.status >= 500:
            return RetryableJobError(f"Discord was unavailable ({error.status})")
        return PermanentJobError(
            f"Discord rejected the message: {error.text or error.status}", cause=Cause.REJECTED
        )
    if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError | ConnectionError):
        return RetryableJobError(f"could not reach Discord ({type(error).__name__})")
    return error if isinstance(error, Exception) else RetryableJobError(repr(error))


# How long a job waits for its server while the bot is starting: jobs that fell due while it was down run
# before the gateway has sent the servers (GUILD_CREATE). Real seconds: this waits on Discord, not a clock.
GUILD_WAIT = 30.0


class ChannelDeleted(PermanentJobError):
    """Discord answered 404 Unknown Channel (10003): the only case in which a job says "deleted"."""

    def __init__(
        self,
        reason: str,
        *,
        organizer_message: str
        | None = "the channel it was meant for was deleted. Choose another with `/cop channel`.",
    ) -> None:
        super().__init__(reason, organizer_message=organizer_message, cause=Cause.CHANNEL_DELETED)


def _not_yet(guild_id: int) -> RetryableJobError:
    return RetryableJobError(f"the server {guild_id} is not available yet (Discord has not sent it)")


async def job_guild(bot: CopBot, guild_id: int, *, within: float = GUILD_WAIT) -> discord.Guild | None:
    """The job's server, waiting (bounded) while the bot starts; None when the bot is not in it.

    Raises RetryableJobError when Discord has not sent it in time: a reason that may pass.
    """
    guild = await bot.wait_for_guild(guild_id, within if not bot.is_ready() else 0)
    if guild is not None or (bot.is_ready() and bot.get_guild(guild_id) is None):
        return guild
    raise _not_yet(guild_id)


async def job_channel(
    bot: CopBot, channel_id: int, *, guild_id: int, within: float = GUILD_WAIT
) -> discord.abc.GuildChannel | discord.Thread | discord.abc.PrivateChannel:
    """The one lookup every job handler uses for a channel.

    From the cache once the server has arrived (waiting for it, bounded, while the bot starts), else from
    Discord by REST. `ChannelDeleted` only after Discord answered 404 Unknown Channel; a lookup that fails
    for a reason that may pass (the server not sent yet, 5xx, 429, the network) raises RetryableJobError.
    """
    channel = bot.get_channel(channel_id)
    if channel is None and bot.available_guild(guild_id) is None:
        with contextlib.suppress(RetryableJobError):
            await job_guild(bot, guild_id, within=within)
        channel = bot.get_channel(channel_id)
    if channel is not None:
        return channel
    try:
        return await bot.fetch_channel(channel_id)
    except discord.NotFound as exc:
        if exc.code == UNKNOWN_CHANNEL:
            raise ChannelDeleted(
                f"the channel {channel_id} was deleted (Discord answered 404 Unknown Channel)"
            ) from exc
        raise classify(exc) from exc
    except (TimeoutError, discord.HTTPException, aiohttp.ClientError, ConnectionError) as exc:
        raise classify(exc) from exc


def _retry_after(error: discord.HTTPException) -> timedelta | None:
    """How long Discord asked to wait before trying again (its rate-limit headers), if it said."""
    headers = getattr(error.response, "headers", None) or {}
    for name in ("X-RateLimit-Reset-After", "Retry-After"):
        try:
            seconds = float(headers.get(name, ""))
        except ValueError:
            continue
        if seconds >= 0:
            return timedelta(seconds=seconds)
    return None


async def resolve_channel(bot: CopBot, channel_id: int, *, guild_id: int) -> discord.abc.Messageable:
    """`job_channel`, for a channel that must hold messages."""
    channel = await job_channel(bot, channel_id, guild_id=guild_id)
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


async def describe_post(job: Job) -> str | None:
    """What a `message.post` job was, for organizers (a notice about missed posts is not itself reported)."""
    if job.owner == MISSED_OWNER:
        return None
    return f"a scheduled post in <#{int(job.payload['channel_id'])}>"


async def post_message(bot: CopBot, job: Job, ctx: RunContext) -> None:
    """The `message.post` job: post `content` in `channel_id`, saying so when it comes late."""
    channel = await resolve_channel(bot, int(job.payload["channel_id"]), guild_id=job.guild_id)
    content = str(job.payload["content"])
    if ctx.late:
        content = f"{content}\n-# {format_late_note(job.scheduled_for)}"
    await send_once(channel, ctx.nonce, content=content)
