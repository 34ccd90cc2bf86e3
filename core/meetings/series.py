"""Meeting series: the start times of a series and where they go when one moves, read with the same RRULE as
the calendar file (`core.meetings.calendar`) in the meeting's zone, so wall-clock times hold across
daylight-saving changes and what is stored and what calendar apps show agree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

from core.meetings.errors import MeetingRefusal

MAX_OCCURRENCES = 52  # meetings in one series

# How a meeting repeats, as RRULE parts (count or until are added per series).
REPEAT_RULES: dict[str, dict[str, object]] = {
    "weekly": {"FREQ": "WEEKLY"},
    "biweekly": {"FREQ": "WEEKLY", "INTERVAL": 2},
    "monthly": {"FREQ": "MONTHLY"},  # BYDAY with the week number is added from the start date
}


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


@dataclass(frozen=True, slots=True)
class Repeat:
    """How a new series repeats and when it ends (a count or a last moment)."""

    every: str  # a key of REPEAT_RULES
    count: int | None
    until: datetime | None

    def rule(self) -> dict[str, object]:
        """As stored on each meeting of the series (`Meeting.repeat_rule`)."""
        return {
            "every": self.every,
            "count": self.count,
            "until": self.until.isoformat() if self.until else None,
        }


def series_start_times(
    start: datetime, zone: str, repeat: str, *, count: int | None, until: datetime | None, limit: int
) -> list[datetime]:
    """Start times (UTC) of a series, keeping the wall-clock time in `zone` across DST changes.

    Uses the same RRULE as the calendar file, so what is stored and what calendar apps show agree.
    """
    tz = ZoneInfo(zone)
    local = start.astimezone(tz).replace(tzinfo=None)
    from icalendar import vRecur  # imported on first use, like core.meetings.calendar

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


def moved_series_starts(
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
        for i, t in enumerate(
            series_start_times(old_start, zone, repeat, count=None, until=None, limit=limit)
        )
    }
    new = series_start_times(new_start, zone, repeat, count=None, until=None, limit=limit)
    shift = _local(new_start, tz) - _local(old_start, tz)
    moved: list[datetime] = []
    for when in later:
        index = old.get(_local(when, tz))
        if index is not None and index < len(new):
            moved.append(new[index])
        else:
            moved.append((_local(when, tz) + shift).replace(tzinfo=tz).astimezone(UTC))
    return moved


def starts_of(
    start: datetime, zone: str, repeat: Repeat | None, *, limit: int = MAX_OCCURRENCES
) -> list[datetime]:
    """The start of every meeting a new series makes (just `start` without a repeat); refused when the
    repeat ends before a second meeting."""
    if repeat is None:
        return [start]
    starts = series_start_times(
        start, zone, repeat.every, count=repeat.count, until=repeat.until, limit=limit
    )
    if len(starts) < 2:
        raise MeetingRefusal("That repeat ends before a second meeting: choose a later `repeat_until`.")
    return starts
