"""Calendar files: built with icalendar and parsed back; time zones, DST, alarms, series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]
from icalendar import Calendar

from core.meetings.calendar import CalendarEvent, build_calendar, file_name, meeting_uid
from core.meetings.series import repeat_rule
from core.meetings.series import series_start_times as occurrences

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
PHOENIX = ZoneInfo("America/Phoenix")


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def one(**overrides: object) -> CalendarEvent:
    start = datetime(2026, 12, 3, 16, 0, tzinfo=PHOENIX)
    values: dict[str, object] = {
        "uid": meeting_uid(1, 7),
        "title": "Kickoff",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "zone": "America/Phoenix",
    }
    values.update(overrides)
    return CalendarEvent(**values)  # type: ignore[arg-type]


def test_a_phoenix_meeting_keeps_its_zone_and_instant() -> None:
    calendar = parse(
        build_calendar([one(location="Arts Center", description="Hi", alarms=[timedelta(hours=1)])], now=NOW)
    )
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.tzinfo is not None
    assert str(event["dtstart"].params["TZID"]) == "America/Phoenix"
    assert start.astimezone(UTC) == datetime(2026, 12, 3, 23, 0, tzinfo=UTC)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["America/Phoenix"]
    assert [a.decoded("trigger") for a in event.walk("VALARM")] == [timedelta(hours=-1)]
    assert str(event["uid"]) == "meeting-7-1@copbot.meetings"
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstamp") == NOW


def test_a_weekly_series_across_a_dst_change_keeps_the_wall_clock_time() -> None:
    # New York springs forward on March 14, 2027: 4 PM stays 4 PM, the UTC hour moves from 21 to 20.
    start = datetime(2027, 3, 4, 16, 0, tzinfo=NEW_YORK)
    item = one(
        starts_at=start, ends_at=start + timedelta(hours=1), zone="America/New_York", repeat="weekly", count=4
    )
    [event] = parse(build_calendar([item], now=NOW)).walk("VEVENT")
    dtstart = event.decoded("dtstart")
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=dtstart)
    local = [d.astimezone(NEW_YORK) for d in rule]
    assert [d.hour for d in local] == [16, 16, 16, 16]
    assert [d.astimezone(UTC).hour for d in local] == [21, 21, 20, 20]
    # What copbot stores for the series agrees with what the calendar app will expand.
    stored = occurrences(start, "America/New_York", "weekly", count=4, until=None, limit=52)
    assert stored == [d.astimezone(UTC) for d in local]


def test_monthly_on_the_same_weekday_and_biweekly() -> None:
    start = datetime(2027, 1, 12, 18, 0, tzinfo=PHOENIX)  # the second Tuesday
    assert repeat_rule("monthly", start.replace(tzinfo=None), count=3, until=None)["BYDAY"] == "2TU"
    monthly = occurrences(start, "America/Phoenix", "monthly", count=3, until=None, limit=52)
    assert [d.astimezone(PHOENIX).day for d in monthly] == [12, 9, 9]  # second Tuesdays of Jan, Feb, Mar
    biweekly = occurrences(
        start, "America/Phoenix", "biweekly", count=None, until=start + timedelta(days=30), limit=52
    )
    assert [(d - biweekly[0]).days for d in biweekly] == [0, 14, 28]
    last = datetime(2027, 1, 29, 9, 0, tzinfo=PHOENIX)  # fifth Friday: "the last Friday"
    assert repeat_rule("monthly", last.replace(tzinfo=None), count=2, until=None)["BYDAY"] == "-1FR"
    with pytest.raises(ValueError, match="unknown repeat"):
        repeat_rule("daily", start, count=2, until=None)


def test_cancelled_occurrences_and_cancelled_meetings() -> None:
    start = datetime(2027, 1, 12, 18, 0, tzinfo=PHOENIX)
    item = one(
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        repeat="weekly",
        count=3,
        exdates=[start + timedelta(days=7)],
    )
    [event] = parse(build_calendar([item], now=NOW)).walk("VEVENT")
    exdate: Any = event["exdate"]
    skipped = [d.dt for d in exdate.dts]
    assert skipped == [(start + timedelta(days=7))]
    [gone] = parse(build_calendar([one(cancelled=True)], now=NOW)).walk("VEVENT")
    assert str(gone["status"]) == "CANCELLED"


def test_text_is_escaped_and_file_names_are_safe() -> None:
    item = one(title="Q&A; part 1, 2", description="Line one\nLine two; with, commas", location="Room 1, B")
    [event] = parse(build_calendar([item], now=NOW)).walk("VEVENT")
    assert str(event["summary"]) == "Q&A; part 1, 2"
    assert str(event["description"]) == "Line one\nLine two; with, commas"
    assert file_name("Kickoff: Arts Center!") == "kickoff-arts-center.ics"
    assert file_name("!!!") == "meeting.ics"
