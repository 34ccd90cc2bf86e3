"""Moving a series and writing it as calendar runs (pure logic, no Discord)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.meetings.calendar import series_events
from core.meetings.series import moved_series_starts as moved_occurrences
from core.meetings.series import series_start_times as occurrences
from storage.meetings import Meeting, MeetingState
from tests.core.meetings_data import meeting as any_meeting

NEW_YORK = "America/New_York"
LOCAL = ZoneInfo(NEW_YORK)


def at(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LOCAL).astimezone(UTC)


def test_moving_a_weekly_series_keeps_wall_clock_times_across_dst() -> None:
    # Weekly Thursdays 4 pm in New York; DST ends on November 1, 2026.
    old = occurrences(at(2026, 10, 22, 16), NEW_YORK, "weekly", count=4, until=None, limit=52)
    moved = moved_occurrences(old[0], at(2026, 10, 23, 17), NEW_YORK, "weekly", old[1:], limit=104)
    assert [m.astimezone(LOCAL).strftime("%a %d %H:%M") for m in moved] == [
        "Fri 30 17:00",
        "Fri 06 17:00",
        "Fri 13 17:00",
    ]
    assert moved[1] - moved[0] == timedelta(days=7, hours=1)  # the UTC gap grows by the DST hour


def test_a_meeting_moved_by_hand_moves_by_the_same_wall_clock_change() -> None:
    off_rule = at(2026, 10, 31, 9)  # a Saturday, moved there by hand
    [moved] = moved_occurrences(
        at(2026, 10, 22, 16), at(2026, 10, 22, 18), NEW_YORK, "weekly", [off_rule], limit=104
    )
    assert moved.astimezone(LOCAL).strftime("%a %d %H:%M") == "Sat 31 11:00"


def test_a_monthly_series_keeps_its_weekday_rule_when_moved() -> None:
    old = occurrences(at(2026, 12, 1, 16), NEW_YORK, "monthly", count=3, until=None, limit=52)  # 1st Tuesdays
    moved = moved_occurrences(old[0], at(2026, 12, 2, 16), NEW_YORK, "monthly", old[1:], limit=104)
    assert [m.astimezone(LOCAL).strftime("%a %d %b") for m in moved] == ["Wed 06 Jan", "Wed 03 Feb"]


def meeting(number: int, starts_at: datetime, **fields: object) -> Meeting:
    """A meeting of a weekly series of four whose head is meeting 1."""
    series: dict[str, object] = {
        "series_id": None if number == 1 else 1,
        "repeat_rule": {"every": "weekly", "count": 4, "until": None},
        "timezone": NEW_YORK,
        "reminder_offsets": (3600,),
        "created_at": starts_at,
        "updated_at": starts_at,
    }
    return any_meeting(number, starts_at, **(series | fields))


def test_a_series_edited_from_its_third_meeting_is_two_runs_with_exdates() -> None:
    starts = occurrences(at(2026, 10, 22, 16), NEW_YORK, "weekly", count=5, until=None, limit=52)
    shifted = moved_occurrences(
        starts[2], starts[2] + timedelta(hours=2), NEW_YORK, "weekly", starts[3:], limit=104
    )
    series = [
        meeting(1, starts[0]),
        meeting(2, starts[1], state=MeetingState.CANCELLED),
        meeting(3, starts[2] + timedelta(hours=2), title="Renamed"),
        meeting(4, starts[3], title="Renamed", state=MeetingState.CANCELLED),  # cancelled: not moved
        meeting(5, shifted[1], title="Renamed", version=3),
    ]
    first, second = series_events(series[0], series)
    assert (first.uid, first.count, list(first.exdates)) == (
        "meeting-1-1@copbot.meetings",
        2,
        [starts[1]],
    )
    assert (second.uid, second.title, second.starts_at, second.count) == (
        "meeting-3-1@copbot.meetings",
        "Renamed",
        starts[2] + timedelta(hours=2),
        3,
    )
    assert list(second.exdates) == [shifted[0]]  # the cancelled fourth meeting's slot
    assert first.sequence == second.sequence == 3
