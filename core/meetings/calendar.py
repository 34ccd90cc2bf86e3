""".ics calendar files for meetings, built with `icalendar`: one meeting, a series as repeating events, or
several meetings in one file.

Events carry the guild's time zone (with a VTIMEZONE so calendar apps need not know it), a stable UID,
alarms matching the meeting's reminders and, for a repeating series, an RRULE read in that zone so the
wall-clock time stays the same across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from core.meetings.series import MAX_OCCURRENCES, repeat_rule, series_start_times
from storage.meetings import Meeting

if TYPE_CHECKING:  # icalendar is imported when a file is made: 4 MB that start-up does not need
    from icalendar import Event

PRODID = "-//copbot//community of practice meetings//EN"
UID_DOMAIN = "copbot.meetings"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One meeting (or the first of a series) as a calendar needs it."""

    uid: str
    title: str
    starts_at: datetime  # aware
    ends_at: datetime
    zone: str
    description: str = ""
    location: str = ""
    url: str = ""
    alarms: Sequence[timedelta] = ()  # how long before the start
    repeat: str | None = None  # a key of `series.REPEAT_RULES`
    count: int | None = None
    until: datetime | None = None
    exdates: Sequence[datetime] = ()  # cancelled occurrences of a series
    cancelled: bool = False
    sequence: int = 0
    created: datetime | None = None


def meeting_uid(guild_id: int, meeting_id: int) -> str:
    return f"meeting-{meeting_id}-{guild_id}@{UID_DOMAIN}"


def _vevent(item: CalendarEvent, stamp: datetime) -> Event:
    from icalendar import Alarm, Event

    zone = ZoneInfo(item.zone)
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    if item.created is not None:
        event.add("created", item.created)
    event.add("summary", item.title)
    event.add("dtstart", item.starts_at.astimezone(zone))
    event.add("dtend", item.ends_at.astimezone(zone))
    event.add("sequence", item.sequence)
    if item.description or item.url:
        text = item.description
        if item.url:
            text = f"{text}\n\n{item.url}" if text else item.url
        event.add("description", text)
    if item.location:
        event.add("location", item.location)
    if item.url:
        event.add("url", item.url)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if item.repeat:
        event.add(
            "rrule",
            repeat_rule(item.repeat, item.starts_at.astimezone(zone), count=item.count, until=item.until),
        )
        for skipped in item.exdates:
            event.add("exdate", skipped.astimezone(zone))
    for before in item.alarms:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Reminder: {item.title}")
        alarm.add("trigger", -before)
        event.add_component(alarm)
    return event


def build_calendar(events: Sequence[CalendarEvent], *, now: datetime, name: str | None = None) -> bytes:
    """A complete VCALENDAR with one VEVENT per item and the VTIMEZONEs they use."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for item in events:
        calendar.add_component(_vevent(item, now))
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def file_name(title: str) -> str:
    """A safe, short `.ics` file name from a meeting title."""
    slug = "".join(ch.lower() if ch.isalnum() else "-" for ch in title).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"{slug[:40] or 'meeting'}.ics"


SERIES_SPAN = 2 * MAX_OCCURRENCES  # occurrences looked at when matching meetings to a series' rule
Link = Callable[[Meeting], str]  # where a meeting's card is (a URL), or ""


def single_event(meeting: Meeting, link: Link, *, sequence: int | None = None) -> CalendarEvent:
    """One meeting as its own calendar event."""
    return CalendarEvent(
        uid=meeting_uid(meeting.guild_id, meeting.id),
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        zone=meeting.timezone,
        description=meeting.description,
        location=meeting.location,
        url=link(meeting),
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


def series_events(meeting: Meeting, series: list[Meeting], link: Link = lambda _: "") -> list[CalendarEvent]:
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
        found = series_start_times(
            item.starts_at, item.timezone, _every(item), count=None, until=None, limit=SERIES_SPAN
        )
        runs.append((found, [(0, item)]))
    sequence = max(m.version for m in series)
    events = []
    for found, members in runs:
        head = members[0][1]
        if len(members) == 1:
            events.append(single_event(head, link, sequence=sequence))
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
                url=link(meeting),
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


def meeting_calendar(meeting: Meeting, series: list[Meeting], link: Link, *, now: datetime) -> bytes:
    """The `.ics` of one meeting; of a meeting in a series (`series`: every meeting of it), the series in as
    many runs as it has."""
    items = series_events(meeting, series, link) if meeting.repeat_rule else [single_event(meeting, link)]
    return build_calendar(items, now=now)


def meetings_calendar(meetings: list[Meeting], link: Link, name: str, *, now: datetime) -> bytes:
    """Every given meeting as its own event in one `.ics` file."""
    return build_calendar([single_event(m, link) for m in meetings], now=now, name=name)
