"""Which days a report covers (`core.report.periods`)."""

from __future__ import annotations

from datetime import date

import pytest

from core.report.periods import PeriodRefusal, between, last_month, school_year, since_last

TODAY = date(2026, 12, 3)


def test_the_school_year_runs_from_august_to_today() -> None:
    assert (school_year(TODAY).start, school_year(TODAY).end) == (date(2026, 8, 1), TODAY)
    assert school_year(date(2027, 3, 1)).start == date(2026, 8, 1)
    assert school_year(date(2026, 7, 31)).start == date(2025, 8, 1)
    assert school_year(date(2026, 8, 1)).start == date(2026, 8, 1)
    assert "school year 2026–27" in school_year(TODAY).label


def test_dates_given_are_checked_and_capped_at_today() -> None:
    assert between(date(2026, 9, 1), None, TODAY).end == TODAY
    assert between(date(2026, 9, 1), date(2027, 1, 1), TODAY).end == TODAY
    with pytest.raises(PeriodRefusal, match="hasn't come yet"):
        between(date(2027, 1, 1), None, TODAY)
    with pytest.raises(PeriodRefusal, match="before it starts"):
        between(date(2026, 10, 1), date(2026, 9, 1), TODAY)
    one_day = between(TODAY, TODAY, TODAY)
    assert one_day.start == one_day.end == TODAY


def test_since_the_last_report() -> None:
    assert since_last(None, TODAY) == school_year(TODAY)
    period = since_last(date(2026, 11, 1), TODAY)
    assert (period.start, period.end) == (date(2026, 11, 2), TODAY)
    assert since_last(TODAY, TODAY).start == TODAY  # a second report today covers today


def test_last_month() -> None:
    assert (last_month(date(2026, 12, 1)).start, last_month(date(2026, 12, 1)).end) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
    assert last_month(date(2027, 1, 15)).label == "December 2026"
    assert last_month(date(2028, 3, 1)).end == date(2028, 2, 29)
