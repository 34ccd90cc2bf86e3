"""Telling members about a meeting: in its channel with exact user mentions, or by DM as each one chose."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.delivery import ChannelDeleted, job_channel, send_once
from bot.reach import channel_for, send_dm, tell_organizers
from cogs.meetings.visibility import public_sight
from core.meetings.reminders import reach
from core.text import quote
from storage.groups import GroupRepository
from storage.guilds import Purpose
from storage.meetings import Meeting, MeetingRepository
from storage.schools import SchoolRepository

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

MENTION_ROOM = 25  # "<@" + 20 digits + "> "
MAX_ALLOWED_USERS = 100  # Discord's limit on allowed_mentions.users


async def public_name(bot: CopBot, meeting: Meeting) -> str:
    """How a meeting is named where the whole server may read it (the organizers' notices go to the
    announcements channel): its title only when everyone may see the meeting (`visibility.public_sight`)."""
    guild = bot.get_guild(meeting.guild_id)
    if guild is not None and await public_sight(bot.db, guild).can_see(meeting):
        return (
            f"the meeting {quote(meeting.title, 1000)} (#{meeting.id})"  # a title is at most 100 characters
        )
    return f"meeting #{meeting.id} (a private meeting: `/meeting show id:{meeting.id}` has its details)"


async def meeting_channel(bot: CopBot, repo: MeetingRepository, meeting: Meeting) -> discord.abc.Messageable:
    """The meeting's channel (`delivery.job_channel`: waiting for the server while the bot starts, then
    by REST). If Discord says it was deleted: for a meeting everyone may see, the meetings channel; for a
    group's or school's meeting, that team's own channel — never a channel wider than its audience.
    Organizers are told once."""
    try:
        channel = await job_channel(bot, meeting.channel_id, guild_id=meeting.guild_id)
    except ChannelDeleted:
        channel = None
    if isinstance(channel, discord.abc.Messageable):
        return channel
    name = await public_name(bot, meeting)
    fallback_id = await _fallback_channel_id(bot, meeting)
    fallback = None
    if fallback_id and fallback_id != meeting.channel_id:
        with contextlib.suppress(ChannelDeleted):
            fallback = await job_channel(bot, fallback_id, guild_id=meeting.guild_id)
    if not isinstance(fallback, discord.TextChannel):
        where = (
            "its group's or school's channel is missing too"
            if meeting.audience_kind != "all"
            else ("no meetings channel is set")
        )
        raise ChannelDeleted(
            f"the channel of meeting {meeting.id} was deleted and {where}",
            organizer_message=f"the channel of {name} was deleted and {where}. Restore it (`/groups setup` "
            "or `/schools setup`) or choose a meetings channel with `/cop channel`, then move the meeting "
            "with `/meeting edit`.",
        )
    await repo.move_to_channel(meeting.id, fallback.id)
    await tell_organizers(
        bot,
        meeting.guild_id,
        f"**Organizers:** the channel of {name} was deleted, so its messages now go to {fallback.mention}.",
        nonce=f"mtg-moved-{meeting.id}",
        purposes=(Purpose.ANNOUNCEMENTS, Purpose.MEETINGS),
    )
    return fallback


async def _fallback_channel_id(bot: CopBot, meeting: Meeting) -> int | None:
    """Where a meeting whose channel was deleted goes: its audience's own channel, or for everyone the
    meetings channel."""
    if meeting.audience_kind == "all" or meeting.audience_id is None:
        return await channel_for(bot, meeting.guild_id, Purpose.MEETINGS)
    repo = GroupRepository(bot.db) if meeting.audience_kind == "group" else SchoolRepository(bot.db)
    unit = await repo.get(meeting.guild_id, meeting.audience_id)
    return unit.channel_id if unit is not None else None


def mention_chunks(text: str, user_ids: Sequence[int], limit: int = 2000) -> list[tuple[str, list[int]]]:
    """`text` then the mentions, split into messages within Discord's limits: each message with the users
    it mentions (at most 100: Discord refuses a longer allowed_mentions.users list)."""
    room = max(limit - len(text) - 1, MENTION_ROOM)
    chunks: list[tuple[str, list[int]]] = []
    current = text
    line = ""
    users: list[int] = []
    for user_id in user_ids:
        mention = f"<@{user_id}>"
        if len(line) + len(mention) + 1 > room or len(users) >= MAX_ALLOWED_USERS:
            chunks.append((f"{current}\n{line}".strip(), users))
            current, line, users = "", "", []
        line = f"{line} {mention}".strip()
        users.append(user_id)
    chunks.append((f"{current}\n{line}".strip() if line else current, users))
    return [c for c in chunks if c[0]]


async def tell_members(
    bot: CopBot,
    repo: MeetingRepository,
    meeting: Meeting,
    user_ids: Sequence[int],
    text: str,
    *,
    nonce: str,
    respect_preferences: bool = True,
    role_id: int | None = None,
) -> list[int]:
    """Post `text` once in the meeting's channel mentioning exactly the members who chose the channel
    (the default), and DM those who chose DMs (falling back to a mention if their DMs are closed).

    Members who turned reminders off are left out when `respect_preferences`. Returns who was mentioned.
    """
    modes = await repo.reminder_modes(meeting.guild_id, list(user_ids)) if respect_preferences else {}
    plan = reach(user_ids, modes)
    by_dm, reached = set(plan.dm), set(plan.dm) | set(plan.mention)
    mention: list[int] = []
    for index, user_id in enumerate(user_ids):
        if user_id not in reached:
            continue
        if user_id in by_dm and await send_dm(bot, user_id, text, nonce=f"{nonce}d{index}"):
            continue
        mention.append(user_id)
    channel = await meeting_channel(bot, repo, meeting)
    if role_id is not None:
        text = f"<@&{role_id}> {text}"
    for number, (content, users) in enumerate(mention_chunks(text, mention)):
        await send_once(
            channel,
            nonce if number == 0 else f"{nonce}c{number}",
            content=content,
            allowed_mentions=discord.AllowedMentions(
                users=[discord.Object(u) for u in users],
                roles=[discord.Object(role_id)] if role_id is not None and number == 0 else False,
                everyone=False,
            ),
        )
    return mention
