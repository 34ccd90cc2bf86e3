""".ics calendar files for meetings, built with `icalendar` (no Discord here).

Events carry the guild's time zone (with a VTIMEZONE so calendar apps need not know it), a stable UID,
alarms matching the meeting's reminders and, for a repeating series, an RRULE read in that zone so the
wall-clock time stays the same across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]
from icalendar import Alarm, Calendar, Event, vRecur

PRODID = "-//copbot//community of practice meetings//EN"
UID_DOMAIN = "copbot.meetings"

# How a meeting repeats, as RRULE parts (count or until are added per series).
REPEAT_RULES: dict[str, dict[str, object]] = {
    "weekly": {"FREQ": "WEEKLY"},
    "biweekly": {"FREQ": "WEEKLY", "INTERVAL": 2},
    "monthly": {"FREQ": "MONTHLY"},  # BYDAY with the week number is added from the start date
}


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
    repeat: str | None = None  # a key of REPEAT_RULES
    count: int | None = None
    until: datetime | None = None
    exdates: Sequence[datetime] = ()  # cancelled occurrences of a series
    cancelled: bool = False
    sequence: int = 0
    created: datetime | None = None


def meeting_uid(guild_id: int, meeting_id: int) -> str:
    return f"meeting-{meeting_id}-{guild_id}@{UID_DOMAIN}"


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def repeat_rule(
    repeat: str, start_local: datetime, *, count: int | None, until: datetime | None
) -> dict[str, object]:
    """RRULE parts for `repeat` starting at `start_local` (wall-clock time in the meeting's zone)."""
    if repeat not in REPEAT_RULES:
        raise ValueError(f"unknown repeat {repeat!r}")
    rule: dict[str, object] = dict(REPEAT_RULES[repeat])
    if repeat == "monthly":
        week = (start_local.day - 1) // 7 + 1
        rule["BYDAY"] = f"{week if week < 5 else -1}{_WEEKDAYS[start_local.weekday()]}"
    if count is not None:
        rule["COUNT"] = count
    elif until is not None:
        rule["UNTIL"] = until.astimezone(ZoneInfo("UTC"))
    return rule


def _vevent(item: CalendarEvent, stamp: datetime) -> Event:
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


def occurrences(
    start: datetime, zone: str, repeat: str, *, count: int | None, until: datetime | None, limit: int
) -> list[datetime]:
    """Start times (UTC) of a series, keeping the wall-clock time in `zone` across DST changes.

    Uses the same RRULE as the calendar file, so what is stored and what calendar apps show agree.
    """
    tz = ZoneInfo(zone)
    local = start.astimezone(tz).replace(tzinfo=None)
    rule = repeat_rule(repeat, local, count=None, until=None)
    text = vRecur(rule).to_ical().decode()  # type: ignore[no-untyped-call]
    found: list[datetime] = []
    for moment in rrulestr(f"RRULE:{text}", dtstart=local):
        aware = moment.replace(tzinfo=tz).astimezone(UTC)
        if (until is not None and aware > until) or len(found) >= min(count or limit, limit):
            break
        found.append(aware)
    return found


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None, microsecond=0)


def moved_occurrences(
    old_start: datetime,
    new_start: datetime,
    zone: str,
    repeat: str,
    later: Sequence[datetime],
    *,
    limit: int,
) -> list[datetime]:
    """Where each later meeting of a series goes when the meeting at `old_start` moves to `new_start`.

    A meeting at the n-th occurrence of the rule from `old_start` goes to the n-th occurrence from
    `new_start` (so wall-clock times hold across DST and a monthly series keeps its weekday rule); a
    meeting off the rule (moved by hand before) moves by the same change of wall-clock time.
    """
    tz = ZoneInfo(zone)
    old = {
        _local(t, tz): i
        for i, t in enumerate(occurrences(old_start, zone, repeat, count=None, until=None, limit=limit))
    }
    new = occurrences(new_start, zone, repeat, count=None, until=None, limit=limit)
    shift = _local(new_start, tz) - _local(old_start, tz)
    moved: list[datetime] = []
    for when in later:
        index = old.get(_local(when, tz))
        if index is not None and index < len(new):
            moved.append(new[index])
        else:
            moved.append((_local(when, tz) + shift).replace(tzinfo=tz).astimezone(UTC))
    return moved
