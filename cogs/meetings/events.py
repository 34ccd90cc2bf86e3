"""The Discord scheduled event that mirrors each meeting everyone may see (`visibility.public_sight`), kept in
step on edit and cancel."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from cogs.meetings.visibility import public_sight
from storage.meetings import Meeting, MeetingRepository

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

EVENT_USERS_PAGE = 100  # Discord's maximum
CHANNEL_MENTION = re.compile(r"^\s*<#(\d{15,20})>\s*$")
NO_PERMISSION = (
    "I couldn't create the Discord event for it: give my role **Manage Events** (Server Settings → Roles) "
    "and edit the meeting to try again."
)


def _place(guild: discord.Guild, meeting: Meeting) -> dict[str, Any]:
    """Where the event happens: a voice/stage channel named in the location, else an external place."""
    match = CHANNEL_MENTION.match(meeting.location)
    channel = guild.get_channel(int(match[1])) if match else None
    if isinstance(channel, discord.StageChannel):
        return {"entity_type": discord.EntityType.stage_instance, "channel": channel}
    if isinstance(channel, discord.VoiceChannel):
        return {"entity_type": discord.EntityType.voice, "channel": channel}
    location = meeting.location or "See the meeting card in Discord"
    return {"entity_type": discord.EntityType.external, "location": location[:100]}


async def _existing(guild: discord.Guild, event_id: int | None) -> discord.ScheduledEvent | None:
    if event_id is None:
        return None
    try:
        return guild.get_scheduled_event(event_id) or await guild.fetch_scheduled_event(event_id)
    except discord.NotFound:
        return None  # deleted by hand: recreated below, or unlinked


async def sync_event(bot: CopBot, repo: MeetingRepository, meeting: Meeting, *, now: datetime) -> str | None:
    """Create, update or cancel the meeting's event. Returns a note for the organizer when it could not."""
    guild = bot.get_guild(meeting.guild_id)
    if guild is None:
        return None
    try:
        event = await _existing(guild, meeting.event_id)
        if not await public_sight(bot.db, guild).can_see(meeting):
            # Discord lists an event to the whole server: a meeting not everyone may see has none.
            if event is not None:
                await event.delete(reason="the meeting is not for everyone to see")
            if meeting.event_id is not None:
                await repo.set_link(meeting.id, clear_event=True)
            return None
        if meeting.cancelled or meeting.starts_at <= now:
            if event is not None and meeting.cancelled and event.status is discord.EventStatus.scheduled:
                await event.cancel(reason="meeting cancelled in copbot")
            elif event is None and meeting.event_id is not None:
                await repo.set_link(meeting.id, clear_event=True)
            return None
        fields: dict[str, Any] = {
            "name": meeting.title[:100],
            "start_time": meeting.starts_at,
            "end_time": meeting.ends_at,
            "description": (meeting.description or "")[:1000],
            "privacy_level": discord.PrivacyLevel.guild_only,
            **_place(guild, meeting),
        }
        if event is not None:
            await event.edit(**fields, reason="meeting edited in copbot")
            return None
        created = await guild.create_scheduled_event(**fields, reason="meeting scheduled in copbot")
        await repo.set_link(meeting.id, event_id=created.id)
        return None
    except discord.Forbidden:
        return NO_PERMISSION
    except discord.HTTPException as exc:
        log.warning("could not mirror meeting %s as a Discord event: %s", meeting.id, exc)
        return "I couldn't update its Discord event this time (Discord refused); the meeting itself is fine."


async def interested_members(bot: CopBot, meeting: Meeting) -> list[int] | None:
    """Members who clicked “Interested” on the Discord event (they count as Maybe); None if unknown.

    Paged by hand with `after`: Discord documents its answer in ascending user id order, while
    `ScheduledEvent.users()` pages as if newest came first, which repeats or skips users beyond 100.
    """
    if meeting.event_id is None or bot.get_guild(meeting.guild_id) is None:
        return None
    found: list[int] = []
    after: int | None = None
    try:
        while True:
            page = await bot.http.get_scheduled_event_users(
                meeting.guild_id, meeting.event_id, limit=EVENT_USERS_PAGE, with_member=False, after=after
            )
            found += [int(item["user"]["id"]) for item in page if not item["user"].get("bot")]
            if len(page) < EVENT_USERS_PAGE:
                return found
            after = int(page[-1]["user"]["id"])
    except discord.NotFound:
        return None  # the event was deleted by hand
    except discord.HTTPException as exc:
        log.info("could not read who is interested in event %s: %s", meeting.event_id, exc)
        return None
