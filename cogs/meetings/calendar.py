"""Meetings as calendar files: one meeting, a series as one repeating event, or every upcoming meeting."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import discord

from bot.calendar_files import CalendarEvent, build_calendar, file_name, meeting_uid, occurrences
from cogs.meetings.cards import card_link
from cogs.meetings.inputs import MAX_OCCURRENCES
from storage.meetings import Meeting, MeetingRepository

SERIES_SPAN = 2 * MAX_OCCURRENCES  # occurrences looked at when matching meetings to a series' rule


def _single(meeting: Meeting, *, sequence: int | None = None) -> CalendarEvent:
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
        sequence=meeting.version if sequence is None else sequence,
        created=meeting.created_at,
    )


def _every(meeting: Meeting) -> str:
    return str((meeting.repeat_rule or {}).get("every"))


def _same_shape(a: Meeting, b: Meeting) -> bool:
    """Whether two meetings of a series can be one repeating calendar event."""
    return (a.title, a.description, a.location, a.duration, a.reminder_offsets, a.timezone, _every(a)) == (
        b.title,
        b.description,
        b.location,
        b.duration,
        b.reminder_offsets,
        b.timezone,
        _every(b),
    )


def _key(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def series_events(meeting: Meeting, series: list[Meeting]) -> list[CalendarEvent]:
    """A series as repeating events: one RRULE per run of meetings that follow the rule and look alike
    (an edit of "this and later meetings" starts a new run); cancelled or missing occurrences are EXDATEs."""
    runs: list[tuple[list[datetime], list[tuple[int, Meeting]]]] = []
    for item in sorted(series, key=lambda m: (m.starts_at, m.cancelled, m.id)):
        if runs:
            occurrences_, members = runs[-1]
            if _same_shape(members[0][1], item):
                index = {_key(t): i for i, t in enumerate(occurrences_)}.get(_key(item.starts_at))
                if index is not None and index > members[-1][0]:
                    members.append((index, item))
                    continue
            if item.cancelled:
                continue  # a cancelled meeting off the rule is no longer a slot of the series
        found = occurrences(
            item.starts_at, item.timezone, _every(item), count=None, until=None, limit=SERIES_SPAN
        )
        runs.append((found, [(0, item)]))
    sequence = max(m.version for m in series)
    events = []
    for found, members in runs:
        head = members[0][1]
        if len(members) == 1:
            events.append(_single(head, sequence=sequence))
            continue
        last = members[-1][0]
        live = {i for i, m in members if not m.cancelled}
        events.append(
            CalendarEvent(
                uid=meeting_uid(head.guild_id, head.id),
                title=head.title,
                starts_at=head.starts_at,
                ends_at=head.ends_at,
                zone=head.timezone,
                description=head.description,
                location=head.location,
                url=card_link(meeting),
                alarms=[timedelta(seconds=o) for o in head.reminder_offsets],
                repeat=_every(head),
                count=last + 1,
                exdates=[found[i] for i in range(last + 1) if i not in live],
                cancelled=not live,
                sequence=sequence,
                created=head.created_at,
            )
        )
    return events


async def meeting_file(repo: MeetingRepository, meeting: Meeting, *, now: datetime) -> discord.File:
    """The `.ics` file for one meeting (for a meeting in a series: the series, in as many runs as it has)."""
    if meeting.repeat_rule:
        items = series_events(meeting, await repo.series(meeting.guild_id, meeting.series_id or meeting.id))
    else:
        items = [_single(meeting)]
    data = build_calendar(items, now=now)
    return discord.File(io.BytesIO(data), filename=file_name(meeting.title))


def calendar_file(meetings: list[Meeting], name: str, *, now: datetime) -> discord.File:
    """Every given meeting as its own event in one `.ics` file."""
    data = build_calendar([_single(m) for m in meetings], now=now, name=name)
    return discord.File(io.BytesIO(data), filename="meetings.ics")
