"""Who a reminder reaches and when a meeting's jobs fall due (`core.meetings.reminders`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.meetings.reminders import (
    CHECKIN_KIND,
    REMINDER_KIND,
    START_KIND,
    check_reminder,
    check_start,
    live,
    next_in_series,
    planned_jobs,
    reach,
)
from core.scheduler import StaleJob
from storage.meetings import MeetingState
from tests.core.meetings_data import NOW, meeting


def test_a_meeting_gets_its_reminders_start_and_check_in_jobs() -> None:
    m = meeting(starts_at=NOW + timedelta(days=3))
    jobs = [(j.kind, j.due, j.payload) for j in planned_jobs(m, NOW)]
    assert jobs == [
        (REMINDER_KIND, m.starts_at - timedelta(days=1), {"meeting_id": 1, "offset": 86400}),
        (REMINDER_KIND, m.starts_at - timedelta(hours=1), {"meeting_id": 1, "offset": 3600}),
        (START_KIND, m.starts_at, {"meeting_id": 1}),
        (CHECKIN_KIND, m.starts_at - timedelta(minutes=15), {"meeting_id": 1, "phase": "open"}),
        (CHECKIN_KIND, m.ends_at, {"meeting_id": 1, "phase": "close"}),
    ]


def test_reminders_in_the_past_are_dropped_and_a_running_meeting_is_not_announced_again() -> None:
    soon = meeting(starts_at=NOW + timedelta(hours=2))
    assert [j.payload.get("offset") for j in planned_jobs(soon, NOW) if j.kind == REMINDER_KIND] == [3600]
    running = meeting(starts_at=NOW - timedelta(minutes=10))
    assert [(j.kind, j.payload.get("phase")) for j in planned_jobs(running, NOW)] == [(CHECKIN_KIND, "close")]


def test_a_reminder_is_stale_once_the_meeting_started_or_moved() -> None:
    m = meeting(starts_at=NOW + timedelta(hours=2))
    check_reminder(m, 3600, m.starts_at - timedelta(hours=1), NOW)  # still useful: no error
    with pytest.raises(StaleJob) as started:
        check_reminder(m, 3600, m.starts_at - timedelta(hours=1), m.starts_at)
    assert started.value.missed
    with pytest.raises(StaleJob) as moved:
        check_reminder(m, 3600, m.starts_at - timedelta(hours=3), NOW)
    assert not moved.value.missed


def test_a_start_notice_is_stale_once_the_meeting_is_over_or_moved() -> None:
    m = meeting(starts_at=NOW)
    check_start(m, m.starts_at, NOW + timedelta(minutes=5))
    with pytest.raises(StaleJob) as over:
        check_start(m, m.starts_at, m.ends_at)
    assert over.value.missed
    with pytest.raises(StaleJob):
        check_start(m, m.starts_at - timedelta(days=1), NOW)


def test_jobs_of_a_deleted_or_cancelled_meeting_are_stale() -> None:
    with pytest.raises(StaleJob):
        live(None)
    with pytest.raises(StaleJob):
        live(meeting(state=MeetingState.CANCELLED))
    assert live(meeting()).id == 1


def test_each_member_is_reached_as_they_chose_and_off_means_left_out() -> None:
    found = reach([1, 2, 3, 4], {1: "dm", 2: "off", 3: "channel"})
    assert (found.dm, found.mention) == ([1], [3, 4])  # 4 never chose: the channel
    everyone = reach([1, 2], {})  # a move or a cancelling: preferences are not asked
    assert (everyone.dm, everyone.mention) == ([], [1, 2])


def test_the_next_card_of_a_series_is_the_next_meeting_still_taking_place() -> None:
    rule = {"every": "weekly", "count": 3, "until": None}
    first = meeting(1, NOW, repeat_rule=rule)
    second = meeting(2, NOW + timedelta(days=7), repeat_rule=rule, series_id=1, state=MeetingState.CANCELLED)
    third = meeting(3, NOW + timedelta(days=14), repeat_rule=rule, series_id=1)
    assert next_in_series(first, [first, second, third]) == third
    assert next_in_series(third, [first, second, third]) is None
    assert next_in_series(meeting(), [meeting()]) is None  # no series
