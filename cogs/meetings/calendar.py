"""Meetings as calendar files sent on Discord (the files are made by `core.meetings.calendar`)."""

from __future__ import annotations

import io
from datetime import datetime

import discord

from cogs.meetings.cards import card_link
from core.meetings.calendar import file_name, meeting_calendar, meetings_calendar
from storage.meetings import Meeting, MeetingRepository


async def meeting_file(repo: MeetingRepository, meeting: Meeting, *, now: datetime) -> discord.File:
    """The `.ics` file for one meeting (for a meeting in a series: the series, in as many runs as it has)."""
    series = (
        await repo.series(meeting.guild_id, meeting.series_id or meeting.id) if meeting.repeat_rule else []
    )
    data = meeting_calendar(meeting, series, card_link, now=now)
    return discord.File(io.BytesIO(data), filename=file_name(meeting.title))


def calendar_file(meetings: list[Meeting], name: str, *, now: datetime) -> discord.File:
    """Every given meeting as its own event in one `.ics` file."""
    return discord.File(
        io.BytesIO(meetings_calendar(meetings, card_link, name, now=now)), filename="meetings.ics"
    )
