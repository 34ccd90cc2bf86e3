"""Reading what an organizer typed for a meeting: times, lengths, reminder offsets, repeats, limits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError
from core.meetings.errors import MeetingRefusal
from core.meetings.series import MAX_OCCURRENCES, Repeat, starts_of
from core.text import human_list, quote
from core.timeutil import TimeInputError, format_duration, parse_duration, parse_durations, parse_when
from storage.meetings import MAX_LENGTH

TITLE_LIMIT = 100  # Discord's limit for a scheduled event's name
DESCRIPTION_LIMIT = 1000  # a scheduled event's description
LOCATION_LIMIT = 100  # an external event's location
TOPIC_LIMIT = 200
FAR_AWAY = timedelta(days=365)
REPEATS = {
    "none": "Does not repeat",
    "weekly": "Every week",
    "biweekly": "Every 2 weeks",
    "monthly": "Every month on the same weekday",
}


def read_when(text: str, zone: str, now: datetime) -> datetime:
    try:
        return parse_when(text, zone, now=now)
    except TimeInputError as exc:
        raise UserError(str(exc)) from None


def read_length(text: str) -> timedelta:
    try:
        length = parse_duration(text)
    except TimeInputError as exc:
        raise UserError(f"Duration: {exc}") from None
    return check_length(length, text)


def read_end(text: str, start: datetime, zone: str, now: datetime) -> timedelta:
    """An end time given instead of a duration: the length, refused if it ends before it starts."""
    try:
        end = parse_when(text, zone, now=now, allow_past=True)
    except TimeInputError as exc:
        raise UserError(f"End: {exc}") from None
    if end <= start:
        raise UserError(
            "The meeting would end before it starts. Give an end time after the start, or a duration."
        )
    return check_length(end - start)


def check_length(length: timedelta, typed: str | None = None) -> timedelta:
    if length > MAX_LENGTH:
        shown = f"{quote(typed, 40)} is" if typed else "that is"
        raise UserError(
            f"A meeting can last at most 24 hours; {shown} {format_duration(length)}. "
            "For a longer event, schedule one meeting per day."
        )
    return length


def read_offsets(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(o.total_seconds()) for o in parse_durations(text))
    except TimeInputError as exc:
        raise UserError(f"Reminders: {exc} For example `1w, 1d, 1h`.") from None


def split_offsets(offsets: Sequence[int], start: datetime, now: datetime) -> tuple[list[int], list[int]]:
    """Offsets whose reminder is still ahead, and those that would land in the past (dropped)."""
    kept = [o for o in offsets if start - timedelta(seconds=o) > now]
    return kept, [o for o in offsets if o not in kept]


def offsets_text(offsets: Sequence[int]) -> str:
    return human_list([format_duration(timedelta(seconds=o)) for o in offsets]) or "none"


def check_text(name: str, text: str | None, limit: int) -> str:
    value = (text or "").strip()
    if len(value) > limit:
        raise UserError(
            f"The {name} is {len(value)} characters long; the limit is {limit}. Please shorten it."
        )
    return value


def check_capacity(capacity: int | None) -> int | None:
    if capacity is not None and capacity < 1:
        raise UserError("Capacity must be at least 1 seat. Leave it empty for no limit.")
    return capacity


def read_repeat(
    every: str | None, count: int | None, until: str | None, zone: str, now: datetime
) -> Repeat | None:
    if every in (None, "none"):
        if count is not None or until:
            raise UserError("`repeat_count` and `repeat_until` only apply with `repeat` set to a schedule.")
        return None
    if every not in REPEATS:
        raise UserError(f"Repeat must be one of {human_list(list(REPEATS), 'or')}.")
    if count is not None and until:
        raise UserError("Give either `repeat_count` or `repeat_until`, not both.")
    if count is None and not until:
        raise UserError(
            "Say when the series ends: `repeat_count` (how many meetings, up to 52) or `repeat_until` (a date)."
        )
    if count is not None and not 2 <= count <= MAX_OCCURRENCES:
        raise UserError(f"A series has between 2 and {MAX_OCCURRENCES} meetings.")
    end = None
    if until:
        try:
            end = parse_when(until, zone, now=now)
        except TimeInputError as exc:
            raise UserError(f"Repeat until: {exc}") from None
        # A bare date means the whole of that day.
        if end.astimezone(ZoneInfo(zone)).time() == time(0):
            end += timedelta(days=1)
    return Repeat(every, count, end)


def series_starts(start: datetime, zone: str, repeat: Repeat | None) -> list[datetime]:
    with refused():
        return starts_of(start, zone, repeat)


@contextmanager
def refused() -> Iterator[None]:
    """A meeting rule's refusal (`core.meetings.errors.MeetingRefusal`), shown to the member as it says."""
    try:
        yield
    except MeetingRefusal as exc:
        raise UserError(str(exc)) from None
