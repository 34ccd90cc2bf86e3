"""Series start times (`core.meetings.series`): wall-clock times held across DST, the monthly weekday rule,
the 52-meeting cap, and where later meetings go when one moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.meetings.errors import MeetingRefusal
from core.meetings.series import MAX_OCCURRENCES, Repeat, moved_series_starts, series_start_times, starts_of

NEW_YORK = "America/New_York"
LOCAL = ZoneInfo(NEW_YORK)


def at(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LOCAL).astimezone(UTC)


def local(moments: list[datetime]) -> list[str]:
    return [m.astimezone(LOCAL).strftime("%a %d %b %H:%M") for m in moments]


def test_a_weekly_series_keeps_its_wall_clock_time_across_the_end_of_dst() -> None:
    found = series_start_times(at(2026, 10, 22, 16), NEW_YORK, "weekly", count=3, until=None, limit=52)
    assert local(found) == ["Thu 22 Oct 16:00", "Thu 29 Oct 16:00", "Thu 05 Nov 16:00"]
    assert found[2] - found[1] == timedelta(days=7, hours=1)


def test_biweekly_and_monthly_on_the_same_weekday() -> None:
    biweekly = series_start_times(at(2026, 10, 22, 16), NEW_YORK, "biweekly", count=2, until=None, limit=52)
    assert local(biweekly) == ["Thu 22 Oct 16:00", "Thu 05 Nov 16:00"]
    monthly = series_start_times(at(2026, 10, 29, 16), NEW_YORK, "monthly", count=3, until=None, limit=52)
    assert local(monthly) == ["Thu 29 Oct 16:00", "Thu 26 Nov 16:00", "Thu 31 Dec 16:00"]  # the last Thursday


def test_until_and_the_cap_end_a_series() -> None:
    until = at(2026, 11, 6, 0)
    assert (
        len(series_start_times(at(2026, 10, 22, 16), NEW_YORK, "weekly", count=None, until=until, limit=52))
        == 3
    )
    endless = series_start_times(
        at(2026, 10, 22, 16), NEW_YORK, "weekly", count=None, until=None, limit=MAX_OCCURRENCES
    )
    assert len(endless) == MAX_OCCURRENCES


def test_a_new_series_needs_a_second_meeting() -> None:
    start = at(2026, 10, 22, 16)
    assert starts_of(start, NEW_YORK, None) == [start]
    assert len(starts_of(start, NEW_YORK, Repeat("weekly", 4, None))) == 4
    with pytest.raises(MeetingRefusal, match="ends before a second meeting"):
        starts_of(start, NEW_YORK, Repeat("weekly", None, start + timedelta(days=1)))


def test_moving_a_series_moves_each_meeting_to_its_place_in_the_rule() -> None:
    old = series_start_times(at(2026, 10, 22, 16), NEW_YORK, "weekly", count=3, until=None, limit=52)
    moved = moved_series_starts(old[0], at(2026, 10, 23, 17), NEW_YORK, "weekly", old[1:], limit=104)
    assert local(moved) == ["Fri 30 Oct 17:00", "Fri 06 Nov 17:00"]
    off_rule = at(2026, 10, 31, 9)  # moved there by hand: moves by the same wall-clock change
    [shifted] = moved_series_starts(
        old[0], old[0] + timedelta(hours=2), NEW_YORK, "weekly", [off_rule], limit=104
    )
    assert local([shifted]) == ["Sat 31 Oct 11:00"]
