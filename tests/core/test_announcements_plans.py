"""Planning an announcement's runs from what an organizer typed: one-off, weekly, monthly, every few weeks,
an end (`until`), how many runs are previewed, DST, and nothing planned while paused or finished."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from core.announcements.plans import (
    PREVIEW_RUNS,
    AnnouncementError,
    describe,
    edit_plan,
    make_plan,
    unsaved,
    upcoming_runs,
)
from storage.announcements import Announcement, AnnouncementState, NewAnnouncement, Schedule

NY = "America/New_York"
NOW = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)  # Sunday March 1, 2026, midnight in New York; DST starts March 8


def saved(schedule: Schedule, *, state: AnnouncementState = AnnouncementState.SCHEDULED) -> Announcement:
    new = NewAnnouncement(1, 100, 10, None, "Hello", None, schedule, NY)
    return dataclasses.replace(unsaved(new, NOW), id=7, state=state)


def recurring(repeat: str, *, until: str | None = None, **changes: object) -> Announcement:
    plan = make_plan(when=None, repeat=repeat, until=until, zone=NY, now=NOW)
    return dataclasses.replace(saved(plan.schedule), **changes)  # type: ignore[arg-type]


def test_a_one_off_runs_once_at_the_local_time_given() -> None:
    plan = make_plan(when="2026-03-09 09:00", repeat=None, until=None, zone=NY, now=NOW)
    assert plan.runs == [datetime(2026, 3, 9, 13, 0, tzinfo=UTC)]  # 9:00 EDT, after the change
    assert plan.schedule == Schedule(run_at=plan.runs[0])
    assert plan.description == "once"
    assert upcoming_runs(saved(plan.schedule), now=NOW) == plan.runs


@pytest.mark.parametrize(
    ("when", "repeat", "until", "says"),
    [
        ("tomorrow 9am", "every Monday at 9:00", None, "either `when` or `repeat`, not both"),
        (None, None, None, "Say when to post"),
        ("  ", None, None, "Say when to post"),  # blank is not given
        ("tomorrow 9am", None, "next month", "`until` only applies to repeating announcements"),
        (None, "whenever", None, "couldn't read"),
        ("not a time at all", None, None, "not a time at all"),
    ],
)
def test_what_cannot_be_planned_is_refused_saying_what_works(
    when: str | None, repeat: str | None, until: str | None, says: str
) -> None:
    with pytest.raises(AnnouncementError, match=says.replace("(", r"\(")):
        make_plan(when=when, repeat=repeat, until=until, zone=NY, now=NOW)


def test_weekly_runs_keep_local_time_across_the_dst_change() -> None:
    plan = make_plan(when=None, repeat="every Monday at 9:00", until=None, zone=NY, now=NOW)
    assert plan.runs[:3] == [
        datetime(2026, 3, 2, 14, 0, tzinfo=UTC),  # EST
        datetime(2026, 3, 9, 13, 0, tzinfo=UTC),  # EDT
        datetime(2026, 3, 16, 13, 0, tzinfo=UTC),
    ]
    assert len(plan.runs) == PREVIEW_RUNS
    assert plan.schedule.trigger == {"day_of_week": "mon", "hour": 9, "minute": 0}
    assert plan.schedule.anchor is None
    assert plan.description == "every Monday at 9:00 AM"


def test_monthly_runs_on_the_chosen_weekday_of_each_month() -> None:
    plan = make_plan(when=None, repeat="first Tuesday of the month at 16:00", until=None, zone=NY, now=NOW)
    assert plan.runs[:3] == [
        datetime(2026, 3, 3, 21, 0, tzinfo=UTC),
        datetime(2026, 4, 7, 20, 0, tzinfo=UTC),
        datetime(2026, 5, 5, 20, 0, tzinfo=UTC),
    ]


def test_every_two_weeks_counts_weeks_from_the_first_run() -> None:
    plan = make_plan(when=None, repeat="every 2 weeks on Friday at 15:00", until=None, zone=NY, now=NOW)
    assert plan.schedule.anchor == date(2026, 3, 2)  # the Monday of the first run's week
    assert [run.date() for run in plan.runs[:3]] == [date(2026, 3, 6), date(2026, 3, 20), date(2026, 4, 3)]
    announcement = saved(plan.schedule)
    later = datetime(2026, 3, 14, tzinfo=UTC)  # the off week's Friday is skipped, the count goes on
    assert upcoming_runs(announcement, now=later, count=2)[0].date() == date(2026, 3, 20)


def test_until_ends_the_runs_and_an_end_before_the_first_run_is_refused() -> None:
    plan = make_plan(when=None, repeat="daily at 7:30", until="2026-03-04 12:00", zone=NY, now=NOW)
    assert [run.day for run in plan.runs] == [1, 2, 3, 4]
    assert plan.schedule.until == datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
    with pytest.raises(AnnouncementError, match="before the first run"):
        make_plan(when=None, repeat="daily at 7:30", until="2026-03-01 06:00", zone=NY, now=NOW)


def test_the_preview_count_is_a_choice_and_more_than_hourly_is_refused() -> None:
    announcement = recurring("weekdays at 8am")
    assert len(upcoming_runs(announcement, now=NOW, count=1)) == 1
    assert len(upcoming_runs(announcement, now=NOW, count=12)) == 12
    with pytest.raises(AnnouncementError, match="more than once an hour"):
        make_plan(when=None, repeat="*/5 * * * *", until=None, zone=NY, now=NOW)


@pytest.mark.parametrize(
    "state", [AnnouncementState.PAUSED, AnnouncementState.FINISHED, AnnouncementState.CANCELLED]
)
def test_nothing_is_planned_unless_it_is_scheduled(state: AnnouncementState) -> None:
    assert upcoming_runs(recurring("daily at 7:30", state=state), now=NOW) == []
    assert upcoming_runs(saved(Schedule(run_at=NOW), state=state), now=NOW) == []


def test_describe_says_once_or_the_schedule_with_its_end() -> None:
    assert describe(saved(Schedule(run_at=NOW))) == "once"
    assert describe(recurring("every Monday at 9:00")) == "every Monday at 9:00 AM"
    assert describe(recurring("daily at 7:30", until="2026-03-04 12:00")) == (
        "every day at 7:30 AM, until <t:1772643600:f>"
    )


def test_an_edit_of_only_until_keeps_the_series_and_its_week_count() -> None:
    biweekly = recurring("every 2 weeks on Friday at 15:00", anchor=date(2026, 2, 23))
    plan, adds = edit_plan(biweekly, when=None, repeat=None, until="2026-06-01", zone=NY, now=NOW)
    assert plan is not None
    assert plan.schedule.anchor == date(2026, 2, 23)
    assert plan.schedule.until is not None
    assert not adds
    _, adds_when_paused = edit_plan(
        dataclasses.replace(biweekly, state=AnnouncementState.PAUSED),
        when=None,
        repeat=None,
        until="2026-06-01",
        zone=NY,
        now=NOW,
    )
    assert adds_when_paused  # a paused series starts running again: the guild's limit applies
    with pytest.raises(AnnouncementError, match="only applies to repeating"):
        edit_plan(saved(Schedule(run_at=NOW)), when=None, repeat=None, until="2026-06-01", zone=NY, now=NOW)


def test_an_edit_to_a_repeat_counts_against_the_limit_only_when_it_adds_a_running_series() -> None:
    one_off = saved(Schedule(run_at=NOW))
    assert edit_plan(one_off, when=None, repeat="daily at 7:30", until=None, zone=NY, now=NOW)[1]
    running = recurring("daily at 7:30")
    assert not edit_plan(running, when=None, repeat="weekdays at 8am", until=None, zone=NY, now=NOW)[1]
    assert not edit_plan(running, when="tomorrow 9am", repeat=None, until=None, zone=NY, now=NOW)[1]
    assert edit_plan(running, when=None, repeat=None, until=None, zone=NY, now=NOW) == (None, False)
