"""What a due occurrence does (post, stale, off week, past the end), whether the announcement is finished
after it, and what the organizers are told when it fails: decided on the failure's cause, once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from core.announcements.plans import make_plan, unsaved
from core.announcements.runs import OFF_WEEK, POST, Due, check_due, ends_after, failure_notice
from core.scheduler import Cause
from storage.announcements import Announcement, AnnouncementState, NewAnnouncement, Run, RunOutcome, Schedule

ZONE = "UTC"
NOW = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # a Sunday
JOB, SERIES = 40, 8


def one_off(**changes: object) -> Announcement:
    new = NewAnnouncement(1, 100, 10, None, "Kickoff", None, Schedule(run_at=NOW + timedelta(days=1)), ZONE)
    fields: dict[str, object] = {"id": 7, "job_id": JOB, **changes}
    return dataclasses.replace(unsaved(new, NOW), **fields)  # type: ignore[arg-type]


def series(repeat: str = "daily at 9:00", *, until: str | None = None, **changes: object) -> Announcement:
    schedule = make_plan(when=None, repeat=repeat, until=until, zone=ZONE, now=NOW).schedule
    new = NewAnnouncement(1, 100, 10, "Weekly", "Share", None, schedule, ZONE)
    fields: dict[str, object] = {"id": 7, "series_id": SERIES, **changes}
    return dataclasses.replace(unsaved(new, NOW), **fields)  # type: ignore[arg-type]


def due(
    announcement: Announcement | None,
    when: datetime,
    *,
    job_id: int = JOB,
    series_id: int | None = None,
    manual: bool = False,
) -> Due:
    return check_due(announcement, job_id=job_id, series_id=series_id, scheduled_for=when, manual=manual)


def run(outcome: RunOutcome) -> Run:
    return Run(1, 7, JOB - 1, NOW, NOW, outcome, 10, None, None, late=False, manual=False)


def test_the_current_job_of_a_scheduled_announcement_posts() -> None:
    assert due(one_off(), NOW + timedelta(days=1)) == POST
    assert due(series(), datetime(2026, 3, 2, 9, tzinfo=UTC), job_id=99, series_id=SERIES) == POST


@pytest.mark.parametrize(
    ("announcement", "series_id", "stale"),
    [
        (None, None, "the announcement was cancelled"),
        (one_off(state=AnnouncementState.CANCELLED), None, "the announcement was cancelled"),
        (one_off(state=AnnouncementState.PAUSED), None, "the announcement is paused"),
        (one_off(state=AnnouncementState.FINISHED), None, "the announcement is finished"),
        (one_off(job_id=JOB + 1), None, "the announcement's schedule was changed"),  # edited: a new job
        (series(), SERIES + 1, "the announcement's schedule was changed"),  # a series from before an edit
    ],
)
def test_a_job_left_from_before_a_cancel_pause_or_edit_is_stale(
    announcement: Announcement | None, series_id: int | None, stale: str
) -> None:
    verdict = due(announcement, NOW + timedelta(days=1), series_id=series_id)
    assert (verdict.post, verdict.stale, verdict.finish) == (False, stale, False)


def test_send_now_posts_whatever_the_schedule_says_unless_cancelled() -> None:
    assert due(one_off(state=AnnouncementState.PAUSED, job_id=1), NOW, manual=True) == POST
    assert due(series(state=AnnouncementState.FINISHED), NOW, manual=True) == POST
    assert due(one_off(state=AnnouncementState.CANCELLED), NOW, manual=True).stale is not None


def test_an_occurrence_past_the_end_is_stale_and_finishes_the_series() -> None:
    ending = series(until="2026-03-03 10:00")
    verdict = due(ending, datetime(2026, 3, 4, 9, tzinfo=UTC), series_id=SERIES)
    assert (verdict.post, verdict.stale, verdict.finish) == (False, "past the announcement's end", True)


def test_an_off_week_of_an_every_two_weeks_series_posts_nothing() -> None:
    biweekly = series("every 2 weeks on Friday at 15:00")  # first run Friday March 6
    assert due(biweekly, datetime(2026, 3, 6, 15, tzinfo=UTC), series_id=SERIES) == POST
    assert due(biweekly, datetime(2026, 3, 13, 15, tzinfo=UTC), series_id=SERIES) == OFF_WEEK
    assert due(biweekly, datetime(2026, 3, 20, 15, tzinfo=UTC), series_id=SERIES) == POST


def test_after_an_occurrence_a_one_off_is_finished_unless_it_failed() -> None:
    assert ends_after(one_off(), NOW + timedelta(days=1))
    assert not ends_after(one_off(), NOW + timedelta(days=1), failed=True)


def test_after_an_occurrence_a_series_goes_on_until_no_run_is_left_before_its_end() -> None:
    endless = series()
    assert not ends_after(endless, datetime(2026, 3, 2, 9, tzinfo=UTC))
    assert not ends_after(endless, datetime(2026, 3, 2, 9, tzinfo=UTC), failed=True)
    ending = series(until="2026-03-03 10:00")  # runs March 1, 2 and 3 at 9:00
    assert not ends_after(ending, datetime(2026, 3, 2, 9, tzinfo=UTC))
    assert ends_after(ending, datetime(2026, 3, 3, 9, tzinfo=UTC))
    assert ends_after(ending, datetime(2026, 3, 3, 9, tzinfo=UTC), failed=True)


def test_the_failure_notice_says_what_to_fix_by_its_cause() -> None:
    deleted = failure_notice(one_off(), Cause.CHANNEL_DELETED, "Unknown Channel", None)
    assert deleted is not None
    assert "the channel it was meant for (<#10>) was deleted" in deleted
    refused = failure_notice(one_off(), Cause.NOT_ALLOWED, "Missing Access", None)
    assert refused is not None
    assert "give my role **View Channel** and **Send Messages**" in refused
    rejected = failure_notice(one_off(), Cause.REJECTED, "Invalid Form Body", None)
    assert rejected is not None
    assert "Discord would not accept it (Invalid Form Body)" in rejected
    other = failure_notice(one_off(), Cause.OTHER, "the words say channel deleted", None)
    assert other is not None
    assert "was deleted" not in other
    for notice in (deleted, refused, rejected):
        assert "`/announce edit id:7 channel:`" in notice
        assert "`/announce history id:7`" in notice
        assert "Later occurrences" not in notice


def test_organizers_hear_of_a_broken_series_once_and_that_it_goes_on() -> None:
    first = failure_notice(series(), Cause.NOT_ALLOWED, "Missing Access", None)
    assert first is not None
    assert first.endswith("Later occurrences will still be tried.")
    after_a_post = failure_notice(series(), Cause.NOT_ALLOWED, "Missing Access", run(RunOutcome.POSTED))
    assert after_a_post == first
    assert failure_notice(series(), Cause.NOT_ALLOWED, "Missing Access", run(RunOutcome.FAILED)) is None
