"""What an announcement looks like when posted on Discord: the text with its placeholders filled
(`core.announcements.text`), the card, and the allowed mentions that let exactly the chosen role ping."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.formatting import embed, format_late_note
from core.announcements.text import NO_MEETING, fill_placeholders, neutralise
from core.text import safe_text
from core.timeutil import discord_timestamp, local_description
from storage.announcements import Announcement
from storage.meetings import next_meetings

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
NEXT_MEETING_LOOKAHEAD = 25  # meetings looked at for the next one everyone may see


@dataclass(frozen=True, slots=True)
class Rendered:
    """A post ready for `channel.send(**rendered.message())`."""

    content: str | None
    card: discord.Embed | None
    allowed_mentions: discord.AllowedMentions

    def message(self) -> dict[str, Any]:
        message: dict[str, Any] = {"allowed_mentions": self.allowed_mentions}
        if self.content:
            message["content"] = self.content
        if self.card is not None:
            message["embed"] = self.card
        return message


def ping_of(role_id: int | None, guild_id: int) -> tuple[str, discord.AllowedMentions]:
    """The mention that starts the post and the allowed_mentions that make exactly it ping."""
    if role_id is None:
        return "", discord.AllowedMentions.none()
    if role_id == guild_id:  # the @everyone role
        return "@everyone", discord.AllowedMentions(
            everyone=True, users=False, roles=False, replied_user=False
        )
    return f"<@&{role_id}>", discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(role_id)], replied_user=False
    )


def render(
    announcement: Announcement,
    *,
    when: datetime,
    server: str,
    next_meeting: str,
    late_for: datetime | None = None,
    fit: bool = True,
) -> Rendered:
    """The post for the occurrence at `when`; with `fit`, text is shortened to Discord's limits."""
    body = neutralise(
        fill_placeholders(
            announcement.body,
            when=when,
            zone=announcement.timezone,
            server=safe_text(server, 100),
            next_meeting=next_meeting,
        )
    )
    mention, allowed = ping_of(announcement.ping_role_id, announcement.guild_id)
    late = f"-# {format_late_note(late_for)}" if late_for is not None else ""
    if announcement.title:
        description = _shorten(body, DESCRIPTION_LIMIT) if fit else body
        card = embed(neutralise(announcement.title)[:256], description)
        content = "\n".join(part for part in (mention, late) if part) or None
        return Rendered(content, card, allowed)
    fixed = len(mention) + len(late) + (1 if mention else 0) + (1 if late else 0)
    if fit:
        body = _shorten(body, CONTENT_LIMIT - fixed)
    return Rendered("\n".join(part for part in (mention, body, late) if part), None, allowed)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rendered_length(rendered: Rendered) -> tuple[int, int]:
    """(characters of content, characters of the card's description) — to check the limits."""
    description = rendered.card.description if rendered.card is not None else ""
    return len(rendered.content or ""), len(description or "")


def everyone_sees(guild: discord.Guild, channel_id: int) -> bool:
    channel = guild.get_channel_or_thread(channel_id)
    return channel is not None and channel.permissions_for(guild.default_role).view_channel


async def next_meeting_text(bot: CopBot, guild_id: int, zone: str, at: datetime) -> str:
    """`{next_meeting}`: the title and local time of the guild's next meeting after `at`."""
    try:
        upcoming = await next_meetings(bot.db, guild_id, at, limit=NEXT_MEETING_LOOKAHEAD)
    except Exception:  # the post matters more than the placeholder
        log.exception("the next-meeting query failed; {next_meeting} says none is scheduled")
        return NO_MEETING
    # An announcement is read by everyone: a meeting for everyone that sits in a private channel (an
    # organizers' planning meeting) stays out of it, as the meeting visibility rule says.
    guild = bot.get_guild(guild_id)
    meeting = next((m for m in upcoming if guild is not None and everyone_sees(guild, m.channel_id)), None)
    if meeting is None:
        return NO_MEETING
    return (
        f"{safe_text(meeting.title, 100)} — {local_description(meeting.starts_at, zone)} "
        f"({discord_timestamp(meeting.starts_at, 'R')})"
    )
