"""Recurrence phrases: what each supported phrase means, what is refused and why, and run times across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.announcements.recurrence import (
    EXAMPLES,
    Recurrence,
    RecurrenceError,
    anchor_week,
    in_cycle,
    parse_recurrence,
    run_times,
    shortest_gap,
)

NY = "America/New_York"
START = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)  # Sunday March 1, 2026, 00:00 in New York (EST)

# phrase → (APScheduler cron fields, every_weeks, description)
PHRASES: list[tuple[str, dict[str, int | str], int, str]] = [
    ("every Monday at 9:00", {"day_of_week": "mon", "hour": 9, "minute": 0}, 1, "every Monday at 9:00 AM"),
    ("Every monday at 9am", {"day_of_week": "mon", "hour": 9, "minute": 0}, 1, "every Monday at 9:00 AM"),
    ("mondays @ 9:15 am", {"day_of_week": "mon", "hour": 9, "minute": 15}, 1, "every Monday at 9:15 AM"),
    (
        "weekly on Tue at 16:00",
        {"day_of_week": "tue", "hour": 16, "minute": 0},
        1,
        "every Tuesday at 4:00 PM",
    ),
    (
        "every mon, wed and fri at 12:30",
        {"day_of_week": "mon,wed,fri", "hour": 12, "minute": 30},
        1,
        "every Monday, Wednesday and Friday at 12:30 PM",
    ),
    (
        "Mondays and Thursdays at 4pm",
        {"day_of_week": "mon,thu", "hour": 16, "minute": 0},
        1,
        "every Monday and Thursday at 4:00 PM",
    ),
    (
        "weekdays at 8am",
        {"day_of_week": "mon,tue,wed,thu,fri", "hour": 8, "minute": 0},
        1,
        "every weekday (Monday to Friday) at 8:00 AM",
    ),
    (
        "every weekday at 08:00",
        {"day_of_week": "mon,tue,wed,thu,fri", "hour": 8, "minute": 0},
        1,
        "every weekday (Monday to Friday) at 8:00 AM",
    ),
    (
        "Monday to Friday at 8 a.m.",
        {"day_of_week": "mon,tue,wed,thu,fri", "hour": 8, "minute": 0},
        1,
        "every weekday (Monday to Friday) at 8:00 AM",
    ),
    (
        "mon-thu at 17:45",
        {"day_of_week": "mon,tue,wed,thu", "hour": 17, "minute": 45},
        1,
        "every Monday, Tuesday, Wednesday and Thursday at 5:45 PM",
    ),
    (
        "weekends at 10am",
        {"day_of_week": "sat,sun", "hour": 10, "minute": 0},
        1,
        "every Saturday and Sunday at 10:00 AM",
    ),
    ("daily at 7:30", {"hour": 7, "minute": 30}, 1, "every day at 7:30 AM"),
    ("every day at 7.30pm", {"hour": 19, "minute": 30}, 1, "every day at 7:30 PM"),
    ("daily at noon", {"hour": 12, "minute": 0}, 1, "every day at 12:00 PM"),
    ("daily at midnight", {"hour": 0, "minute": 0}, 1, "every day at 12:00 AM"),
    ("daily at 15", {"hour": 15, "minute": 0}, 1, "every day at 3:00 PM"),
    (
        "every 2 weeks on Friday at 15:00",
        {"day_of_week": "fri", "hour": 15, "minute": 0},
        2,
        "every 2 weeks on Friday at 3:00 PM",
    ),
    (
        "every other Friday at 3pm",
        {"day_of_week": "fri", "hour": 15, "minute": 0},
        2,
        "every 2 weeks on Friday at 3:00 PM",
    ),
    (
        "biweekly on wed at noon",
        {"day_of_week": "wed", "hour": 12, "minute": 0},
        2,
        "every 2 weeks on Wednesday at 12:00 PM",
    ),
    (
        "every 3 weeks on mon and thu at 9:00",
        {"day_of_week": "mon,thu", "hour": 9, "minute": 0},
        3,
        "every 3 weeks on Monday and Thursday at 9:00 AM",
    ),
    (
        "every 1 week on sunday at 9:00",
        {"day_of_week": "sun", "hour": 9, "minute": 0},
        1,
        "every Sunday at 9:00 AM",
    ),
    (
        "first Tuesday of the month at 16:00",
        {"day": "1st tue", "hour": 16, "minute": 0},
        1,
        "on the first Tuesday of each month at 4:00 PM",
    ),
    (
        "the 2nd wed of every month at 9am",
        {"day": "2nd wed", "hour": 9, "minute": 0},
        1,
        "on the second Wednesday of each month at 9:00 AM",
    ),
    (
        "last Friday of every month at 3pm",
        {"day": "last fri", "hour": 15, "minute": 0},
        1,
        "on the last Friday of each month at 3:00 PM",
    ),
    (
        "monthly on the 15th at 9:00",
        {"day": "15", "hour": 9, "minute": 0},
        1,
        "on the 15th of each month at 9:00 AM",
    ),
    (
        "on the 1st of every month at 9am",
        {"day": "1", "hour": 9, "minute": 0},
        1,
        "on the 1st of each month at 9:00 AM",
    ),
    (
        "last day of the month at 17:00",
        {"day": "last", "hour": 17, "minute": 0},
        1,
        "on the last day of each month at 5:00 PM",
    ),
    ("“every Monday at 9:00.”", {"day_of_week": "mon", "hour": 9, "minute": 0}, 1, "every Monday at 9:00 AM"),
]

CRON_LINES: list[tuple[str, dict[str, int | str]]] = [
    ("0 9 * * 1-5", {"minute": "0", "hour": "9", "day_of_week": "mon,tue,wed,thu,fri"}),
    ("30 7 * * *", {"minute": "30", "hour": "7"}),
    ("0 9 * * 0", {"minute": "0", "hour": "9", "day_of_week": "sun"}),
    ("0 9 * * 7", {"minute": "0", "hour": "9", "day_of_week": "sun"}),
    ("0 9 * * 0,6", {"minute": "0", "hour": "9", "day_of_week": "sat,sun"}),
    ("0 9 * * sun,mon", {"minute": "0", "hour": "9", "day_of_week": "mon,sun"}),
    ("0 9 * * */2", {"minute": "0", "hour": "9", "day_of_week": "tue,thu,sat,sun"}),
    ("0 16 1 * *", {"minute": "0", "hour": "16", "day": "1"}),
    ("15 10 * 6-8 mon", {"minute": "15", "hour": "10", "month": "6-8", "day_of_week": "mon"}),
    ("0 8,12 * * 1", {"minute": "0", "hour": "8,12", "day_of_week": "mon"}),
]

# phrase → a piece of the friendly refusal
REFUSED: list[tuple[str, str]] = [
    ("", "Please say how often"),
    ("   ", "Please say how often"),
    ("x" * 101, "too long"),
    ("sometimes", "I don't know the word “sometimes”"),
    ("daily", "Say at what time"),
    ("every Monday", "Say at what time"),
    ("every monday at 9", "Add am or pm"),
    ("every monday at 13pm", "isn't a time of day"),
    ("daily at 25:00", "isn't a time of day"),
    ("daily at 9:75", "isn't a time of day"),
    ("every monday at 9am and 5pm", "Give one time of day"),
    ("every 3 days at 9am", "pick days of the week instead"),
    ("every 20 weeks on monday at 9am", "Every 1 to 12 weeks"),
    ("every 2 weeks at 9am", "Say which days"),
    ("every 2 weeks daily at 9am", "Say which day of the week"),
    ("every 2 weeks on the first monday of the month at 9am", "not both"),
    ("friday to monday at 9am", "goes forward"),
    ("every hour at 9am", "couldn't read"),
    ("monthly on the 31st at 9am", "last day of the month"),
    ("monthly on the 40th at 9am", "1 to 31"),
    ("monthly at 9am", "For a monthly schedule"),
    ("0 9 1 * 1", "both the day of the month and the day of the week"),
    ("61 9 * * *", "isn't valid"),
    ("0 9 * * 8", "isn't a day of the week"),
    ("0 9 * * 5-1", "goes backwards"),
    ("0 0 9 * * *", "five fields"),
    ("every monday at 9am `@everyone`", "I don't know the word"),
]


@pytest.mark.parametrize(("phrase", "trigger", "weeks", "description"), PHRASES)
def test_supported_phrases(phrase: str, trigger: dict[str, int | str], weeks: int, description: str) -> None:
    recurrence = parse_recurrence(phrase)
    assert recurrence.trigger == trigger
    assert recurrence.every_weeks == weeks
    assert recurrence.description == description
    assert run_times(recurrence, NY, after=START, count=3)  # APScheduler accepts the fields


@pytest.mark.parametrize(("line", "trigger"), CRON_LINES)
def test_cron_lines_map_sunday_zero_to_apscheduler_names(line: str, trigger: dict[str, int | str]) -> None:
    recurrence = parse_recurrence(line)
    assert recurrence.trigger == trigger
    assert recurrence.cron == line
    assert f"`{line}`" in recurrence.description


def test_cron_weekdays_run_on_the_days_cron_means() -> None:
    runs = run_times(parse_recurrence("0 9 * * 1-5"), "UTC", after=START, count=5)
    assert [run.strftime("%a") for run in runs] == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    sundays = run_times(parse_recurrence("0 9 * * 0"), "UTC", after=START, count=2)
    assert {run.strftime("%a") for run in sundays} == {"Sun"}


@pytest.mark.parametrize(("phrase", "expected"), REFUSED)
def test_refusals_say_what_is_wrong(phrase: str, expected: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(phrase)
    assert expected in str(caught.value)


def test_unreadable_phrases_list_the_supported_examples_and_never_ping() -> None:
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence("whenever @everyone feels like it")
    message = str(caught.value)
    assert EXAMPLES in message
    assert "@everyone" not in message  # echoed with a zero-width space
    assert "@\u200beveryone" in message


def test_a_weekly_series_stays_at_nine_local_across_dst() -> None:
    runs = run_times(parse_recurrence("every Monday at 9:00"), NY, after=START, count=3)
    # March 8, 2026 is the spring-forward Sunday: 9:00 EST is 14:00 UTC, 9:00 EDT is 13:00 UTC.
    assert runs == [
        datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
        datetime(2026, 3, 9, 13, 0, tzinfo=UTC),
        datetime(2026, 3, 16, 13, 0, tzinfo=UTC),
    ]
    autumn = run_times(
        parse_recurrence("every Monday at 9:00"), NY, after=datetime(2026, 10, 26, tzinfo=UTC), count=2
    )
    assert autumn == [datetime(2026, 10, 26, 13, 0, tzinfo=UTC), datetime(2026, 11, 2, 14, 0, tzinfo=UTC)]


def test_first_tuesday_of_the_month() -> None:
    runs = run_times(parse_recurrence("first Tuesday of the month at 16:00"), NY, after=START, count=3)
    assert [r.date() for r in runs] == [date(2026, 3, 3), date(2026, 4, 7), date(2026, 5, 5)]
    assert runs[0] == datetime(2026, 3, 3, 21, 0, tzinfo=UTC)  # EST
    assert runs[1] == datetime(2026, 4, 7, 20, 0, tzinfo=UTC)  # EDT


def test_every_two_weeks_counts_from_the_anchor_week() -> None:
    recurrence = parse_recurrence("every 2 weeks on Friday at 15:00")
    runs = run_times(recurrence, "UTC", after=START, count=3)
    assert [r.date() for r in runs] == [date(2026, 3, 6), date(2026, 3, 20), date(2026, 4, 3)]
    anchor = anchor_week(runs[0], "UTC")
    assert anchor == date(2026, 3, 2)
    off_week = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)
    assert not in_cycle(recurrence, off_week, "UTC", anchor)
    assert in_cycle(recurrence, runs[1], "UTC", anchor)
    # Asked later, with the anchor kept, the same weeks come out (not the week after "now").
    later = run_times(recurrence, "UTC", after=datetime(2026, 3, 9, tzinfo=UTC), count=2, anchor=anchor)
    assert [r.date() for r in later] == [date(2026, 3, 20), date(2026, 4, 3)]


def test_until_and_exclusive_start() -> None:
    recurrence = parse_recurrence("daily at 7:30")
    first = datetime(2026, 3, 1, 7, 30, tzinfo=UTC)
    assert run_times(recurrence, "UTC", after=first, count=1) == [first]
    assert run_times(recurrence, "UTC", after=first, count=1, inclusive=False) == [first + timedelta(days=1)]
    until = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert len(run_times(recurrence, "UTC", after=START, count=10, until=until)) == 3


def test_a_schedule_that_never_happens_has_no_runs() -> None:
    never = Recurrence({"month": 2, "day": 30, "hour": 9, "minute": 0}, "February 30")
    assert run_times(never, "UTC", after=START, count=1) == []


def test_shortest_gap() -> None:
    runs = run_times(parse_recurrence("*/5 * * * *"), "UTC", after=START, count=3)
    assert shortest_gap(runs) == timedelta(minutes=5)
    assert shortest_gap(runs[:1]) is None
