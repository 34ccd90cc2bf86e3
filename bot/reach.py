"""Reaching people on Discord, each way written once: the channel configured for a purpose, telling the
organizers (at once, or at most once a while about a lasting problem), reaching one member (a DM, else a
mention in a channel) and links to posts. Member text quoted back: `core.text.quote`. Features call these
instead of writing their own."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.delivery import job_channel, job_guild
from bot.errors import UserError
from bot.permissions import require_bot_permissions
from core.scheduler import JobError
from storage.guilds import Purpose

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)


def jump_link(guild_id: int, channel_id: int, message_id: int | None = None) -> str:
    """The link that opens a channel, or one message in it, in Discord."""
    link = f"https://discord.com/channels/{guild_id}/{channel_id}"
    return f"{link}/{message_id}" if message_id else link


async def channel_for(bot: CopBot, guild_id: int, *purposes: Purpose) -> int | None:
    """The id of the first channel the organizers set (`/cop channel`) for one of `purposes`, or None."""
    channels = (await bot.guild_settings.get(guild_id)).channels
    for purpose in purposes:
        if channel_id := channels.get(purpose):
            return channel_id
    return None


async def organizer_channel(bot: CopBot, guild_id: int, *purposes: Purpose) -> discord.TextChannel | None:
    """The first of the guild's channels for `purposes` that can be found (announcements by default), for
    telling organizers something; None when none is set or can be reached."""
    settings = await bot.guild_settings.get(guild_id)
    for purpose in purposes or (Purpose.ANNOUNCEMENTS,):
        channel_id = settings.channels.get(purpose)
        if not channel_id:
            continue
        try:
            channel = await job_channel(bot, channel_id, guild_id=guild_id)
        except JobError as exc:
            log.warning("guild %s: the %s channel cannot be used: %s", guild_id, purpose.value, exc)
            continue
        if isinstance(channel, discord.TextChannel):
            return channel
    return None


async def post_target(
    interaction: discord.Interaction[CopBot], channel: discord.TextChannel | None, *, what: str
) -> discord.TextChannel:
    """Where a command posts `what` ("the survey"): the `channel` option, else the announcements channel,
    else the channel the command was run in; refused clearly when that is not a text channel the bot may
    post in."""
    guild = interaction.guild
    assert guild is not None
    if channel is None:
        found = await channel_for(interaction.client, guild.id, Purpose.ANNOUNCEMENTS)
        candidate = guild.get_channel(found) if found else interaction.channel
        if not isinstance(candidate, discord.TextChannel):
            raise UserError(f"Choose the text channel to post {what} in (the `channel` option).")
        channel = candidate
    require_bot_permissions(channel, "view_channel", "send_messages", doing=f"post {what} there")
    return channel


async def tell_organizers(
    bot: CopBot, guild_id: int, text: str, *, nonce: str | None = None, purposes: tuple[Purpose, ...] = ()
) -> bool:
    """Post `text` for the organizers in the first reachable channel of `purposes` (the announcements
    channel by default). A `nonce` makes a retried notice arrive once. False (logged) when it could not be
    posted; never raises."""
    channel = await organizer_channel(bot, guild_id, *purposes)
    if channel is None:
        log.warning(
            "guild %s: could not tell the organizers (no channel to tell them in): %s", guild_id, text
        )
        return False
    try:
        if nonce:
            await channel.send(text, nonce=nonce[:25])
        else:
            await channel.send(text)
    except discord.HTTPException as exc:
        log.warning("could not tell the organizers of guild %s: %s", guild_id, exc)
        return False
    return True


class LastingProblems:
    """Tells a guild's organizers about a problem that lasts (a channel cards can't be posted in, a role the
    bot can't give) at most once every `every` seconds for each guild and problem, instead of at every
    occurrence. A notice that could not be posted is tried again at the next occurrence."""

    def __init__(self, bot: CopBot, *, every: float) -> None:
        self.bot = bot
        self.every = every
        self._told: dict[tuple[int, str], float] = {}

    async def tell(self, guild_id: int, problem: str, text: str) -> bool:
        """Post `text` unless this problem was told within `every` seconds; False when it could not be."""
        key = (guild_id, problem)
        now = time.monotonic()  # a throttle of real time, not of the clock features plan with
        if now - self._told.get(key, -self.every) < self.every:
            return True
        if not await tell_organizers(self.bot, guild_id, text):
            return False
        self._told[key] = now
        return True


async def send_dm(bot: CopBot, user_id: int, text: str, *, nonce: str | None = None) -> bool:
    """DM a member; False when their DMs are closed (or they left), never an exception for that."""
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        if nonce:
            await user.send(text, nonce=nonce[:25])
        else:
            await user.send(text)
    except discord.HTTPException as exc:
        if not (isinstance(exc, discord.Forbidden | discord.NotFound)):
            raise
        return False
    return True


@dataclass(frozen=True, slots=True)
class Reached:
    """How `reach_member` reached the member: by DM, in `channel` with a mention, or (falsy) not at all."""

    by_dm: bool
    channel: discord.abc.Messageable | None = None

    def __bool__(self) -> bool:
        return self.by_dm or self.channel is not None


async def reach_member(
    bot: CopBot,
    user_id: int,
    text: str,
    *,
    fallback: Callable[[], Awaitable[discord.abc.Messageable | None]],
    nonce: str | None = None,
    try_dm: bool = True,
    joiner: str = " ",
    also_mention: Sequence[int] = (),
) -> Reached:
    """Tell one member `text`: by DM (unless `try_dm` is False), or when their DMs are closed (or Discord
    had trouble with the DM) with a mention in the channel `fallback` finds, `<@member>{joiner}{text}`,
    pinging only them and `also_mention`. Falsy (logged) when neither worked; never raises for Discord's
    refusals."""
    try:
        if try_dm and await send_dm(bot, user_id, text, nonce=nonce):
            return Reached(by_dm=True)
    except discord.HTTPException as exc:
        log.info("could not DM member %s (%s); trying the channel", user_id, exc)
    try:
        channel = await fallback()
        if channel is None:
            return Reached(by_dm=False)
        await channel.send(
            f"<@{user_id}>{joiner}{text}",
            allowed_mentions=discord.AllowedMentions(
                users=[discord.Object(u) for u in dict.fromkeys([user_id, *also_mention])]
            ),
        )
    except (discord.HTTPException, JobError) as exc:
        log.warning("could not reach member %s: %s", user_id, exc)
        return Reached(by_dm=False)
    return Reached(by_dm=False, channel=channel)


class DiscordPlatform:
    """`core.platform.Platform` on Discord (the functions above), for the core's use cases."""

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot

    async def channel_for(self, guild_id: int, *purposes: Purpose) -> int | None:
        return await channel_for(self.bot, guild_id, *purposes)

    async def tell_organizers(
        self, guild_id: int, text: str, *, nonce: str | None = None, purposes: tuple[Purpose, ...] = ()
    ) -> bool:
        return await tell_organizers(self.bot, guild_id, text, nonce=nonce, purposes=purposes)

    async def send_dm(self, user_id: int, text: str, *, nonce: str | None = None) -> bool:
        return await send_dm(self.bot, user_id, text, nonce=nonce)

    async def is_member(self, guild_id: int, user_id: int) -> bool:
        # Waits for the server while the bot starts (job_guild); None: the bot is not in it any more.
        guild = await job_guild(self.bot, guild_id)
        return guild is not None and guild.get_member(user_id) is not None
