"""Meetings as calendar files: one meeting, a series as one repeating event, or every upcoming meeting."""

from __future__ import annotations

import io
from datetime import timedelta

import discord

from bot.calendar_files import CalendarEvent, build_calendar, file_name, meeting_uid
from bot.timeutil import utcnow
from cogs.meetings.cards import card_link
from storage.meetings import Meeting, MeetingRepository


def _single(meeting: Meeting) -> CalendarEvent:
    return CalendarEvent(
        uid=meeting_uid(meeting.guild_id, meeting.id),
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        zone=meeting.timezone,
        description=meeting.description,
        location=meeting.location,
        url=card_link(meeting),
        alarms=[timedelta(seconds=o) for o in meeting.reminder_offsets],
        cancelled=meeting.cancelled,
        sequence=meeting.version,
        created=meeting.created_at,
    )


def _series(meeting: Meeting, series: list[Meeting]) -> CalendarEvent:
    """The whole series as one event with an RRULE; cancelled meetings become EXDATEs."""
    first = series[0]
    return CalendarEvent(
        uid=meeting_uid(first.guild_id, first.id),
        title=first.title,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        zone=first.timezone,
        description=first.description,
        location=first.location,
        url=card_link(meeting),
        alarms=[timedelta(seconds=o) for o in first.reminder_offsets],
        repeat=str((first.repeat_rule or {}).get("every")),
        count=len(series),
        exdates=[m.starts_at for m in series if m.cancelled],
        cancelled=all(m.cancelled for m in series),
        sequence=max(m.version for m in series),
        created=first.created_at,
    )


async def meeting_file(repo: MeetingRepository, meeting: Meeting) -> discord.File:
    """The `.ics` file for one meeting (for a meeting in a series: the series)."""
    if meeting.repeat_rule:
        item = _series(meeting, await repo.series(meeting.guild_id, meeting.series_id or meeting.id))
    else:
        item = _single(meeting)
    data = build_calendar([item], now=utcnow())
    return discord.File(io.BytesIO(data), filename=file_name(meeting.title))


def calendar_file(meetings: list[Meeting], name: str) -> discord.File:
    """Every given meeting as its own event in one `.ics` file."""
    data = build_calendar([_single(m) for m in meetings], now=utcnow(), name=name)
    return discord.File(io.BytesIO(data), filename="meetings.ics")
