"""Which days a report covers: this school year (1 August to 31 July), two dates an organizer gives, or since
the last report. Dates are days in the guild's zone; the end is inclusive and never after today."""

from __future__ import annotations

from datetime import date, timedelta

from core.report.model import Period

SCHOOL_YEAR_STARTS = (8, 1)  # 1 August: US school years run August to July


class PeriodRefusal(ValueError):
    """A period a report can't cover; the text says why and what to do, for an organizer."""


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def school_year(today: date) -> Period:
    """The school year `today` is in, up to today."""
    month, day = SCHOOL_YEAR_STARTS
    first = date(today.year if (today.month, today.day) >= (month, day) else today.year - 1, month, day)
    return Period(first, today, f"school year {first.year}–{str(first.year + 1)[2:]} (to {_day(today)})")


def between(start: date, end: date | None, today: date) -> Period:
    """From `start` to `end` (today when left out), refused when reversed or in the future."""
    end = today if end is None else end
    if start > today:
        raise PeriodRefusal(
            f"The period starts on {_day(start)}, which hasn't come yet: pick a start up to today."
        )
    if end < start:
        raise PeriodRefusal(
            f"The period ends ({_day(end)}) before it starts ({_day(start)}): swap the dates, or leave the end "
            "out for “up to today”."
        )
    if end > today:
        end = today  # the figures can't go past today; say so in the label
    return Period(start, end, f"{_day(start)} to {_day(end)}")


def since_last(last: date | None, today: date) -> Period:
    """The days after the last report's end, up to today; this school year when there was none."""
    if last is None:
        return school_year(today)
    start = min(last + timedelta(days=1), today)
    return Period(start, today, f"since the last report ({_day(start)} to {_day(today)})")


def last_month(today: date) -> Period:
    """The calendar month before `today`'s (the monthly summary's period)."""
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    return Period(start, end, f"{start:%B %Y}")
