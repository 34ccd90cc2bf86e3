"""Recurrence phrases organizers type (`every Monday at 9:00`, `weekdays at 8am`, a cron line) as cron fields.

Pure logic, no Discord. `parse_recurrence` turns a phrase into a `Recurrence`: APScheduler cron fields
(read later in the guild's zone, so 9:00 stays 9:00 local across DST) plus `every_weeks` for phrases such
as `every 2 weeks on Friday`, which cron cannot say: those run on the weekly trigger and keep only the
weeks counted from an anchor week (`in_cycle`). `run_times` lists run times the same way the
scheduler will compute them.

Supported, case-insensitive, commas and `and` optional:

* `daily at 7:30`, `every day at 7:30am`
* `every Monday at 9:00`, `Mondays and Thursdays at 4pm`, `weekly on Tue at 16:00`
* `weekdays at 8am`, `every weekday at 8:00`, `weekends at 10am`, `Monday to Friday at 8am`
* `every 2 weeks on Friday at 15:00`, `every other Friday at 3pm`, `biweekly on Wed at noon`
* `first Tuesday of the month at 16:00`, `last Friday of every month at 3pm`
* `monthly on the 15th at 9:00`, `on the 1st of every month at 9am`, `last day of the month at 17:00`
* a five-field cron line `minute hour day-of-month month day-of-week`, e.g. `0 9 * * 1-5`
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from core.scheduler import fire_time

__all__ = [
    "EXAMPLES",
    "MAX_EVERY_WEEKS",
    "MAX_INPUT_LENGTH",
    "Recurrence",
    "RecurrenceError",
    "anchor_week",
    "in_cycle",
    "parse_recurrence",
    "run_times",
    "shortest_gap",
]

MAX_INPUT_LENGTH = 100
MAX_EVERY_WEEKS = 12
EXAMPLES = (
    "`every Monday at 9:00`, `weekdays at 8am`, `every 2 weeks on Friday at 15:00`, "
    "`first Tuesday of the month at 16:00`, `daily at 7:30`, or a cron line such as `0 9 * * 1-5`"
)
_SEARCH_LIMIT = 2000  # candidate fire times examined per call (a 12-weekly series skips 11 of 12)


class RecurrenceError(ValueError):
    """A phrase that cannot be used; the message is written for the organizer who typed it."""


@dataclass(frozen=True, slots=True)
class Recurrence:
    """When a series runs: cron fields (APScheduler names) and, for every-N-weeks, N."""

    trigger: dict[str, int | str]
    description: str  # "every Monday at 9:00 AM"
    every_weeks: int = 1
    cron: str | None = field(default=None)  # the cron line, when one was typed

    def cron_trigger(self, zone: str | ZoneInfo) -> CronTrigger:
        return CronTrigger(**self.trigger, timezone=zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone))


# -- words --------------------------------------------------------------------------------------------

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_WORDS: dict[str, int] = {}
for _index, _name in enumerate(_DAY_NAMES):
    _full = _name.lower()
    for _word in {_full, _full[:3], _full + "s", _full[:3] + "s"}:
        _DAY_WORDS[_word] = _index
_DAY_WORDS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})
_ORDINALS = {
    "first": "1st",
    "1st": "1st",
    "second": "2nd",
    "2nd": "2nd",
    "third": "3rd",
    "3rd": "3rd",
    "fourth": "4th",
    "4th": "4th",
    "fifth": "5th",
    "5th": "5th",
    "last": "last",
}
_ORDINAL_WORDS = {
    "1st": "first",
    "2nd": "second",
    "3rd": "third",
    "4th": "fourth",
    "5th": "fifth",
    "last": "last",
}
_FILLER = frozenset({"every", "each", "on", "the", "of", "and", "a", "in", "at", "weekly", "week", "weeks"})
_MONTH_FILLER = frozenset({"every", "each", "on", "the", "of", "and", "a", "in", "at", "month", "monthly"})
_RANGE_WORDS = ("to", "through", "thru", "till", "until")

_TIME_RE = re.compile(
    r"(?:\bat\s+|@\s*)?(?<![\d:])(?:"
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ap>[ap])\.?\s*m\b\.?"
    r"|(?P<h24>\d{1,2})[:.](?P<m24>\d{2})(?!\d)"
    r"|(?P<word>noon|midday|midnight)"
    r")"
)
_BARE_HOUR_RE = re.compile(r"\bat\s+(\d{1,2})(?![\d:.])(?!\s*(?:[ap]\.?\s*m\b|o'?clock))")
_CRON_FIELD_RE = re.compile(r"[\d*/,\-a-z?]+")
_CRON_NUMBERS_RE = re.compile(r"[\d*/,\-]+")
_EVERY_N_WEEKS_RE = re.compile(
    r"\b(?:every|each)\s+(?:(?P<n>\d{1,2})\s+weeks?|other\s+week|other|second\s+week|alternate\s+weeks?)\b"
    r"|\b(?:bi-?weekly|fortnightly)\b"
)
_DAY_OF_MONTH_RE = re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?")


def _clean(text: str) -> str:
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.strip().strip("\"'“”‘’`").strip().lower()
    return re.sub(r"\s+", " ", text).rstrip(".!?;").strip()


def _quote(text: str, limit: int = 60) -> str:
    cleaned = re.sub(r"\s+", " ", text).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    cleaned = cleaned.replace("`", "ˋ")
    cleaned = re.sub(r"([\\*_~|\[\]<>])", r"\\\1", cleaned)
    return cleaned.replace("@", "@\u200b")


def _code(text: str, limit: int = 60) -> str:
    """Text shown inside a code span: one line, no backticks (markdown is not read there)."""
    cleaned = re.sub(r"\s+", " ", text).strip().replace("`", "ˋ")
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _unreadable(text: str, detail: str = "") -> RecurrenceError:
    lead = f"I couldn't read “{_quote(text)}” as a repeating schedule."
    return RecurrenceError(" ".join(part for part in (lead, detail, f"Try {EXAMPLES}.") if part))


def _clock_text(hour: int, minute: int) -> str:
    return f"{hour % 12 or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"


# -- parsing ------------------------------------------------------------------------------------------


def parse_recurrence(text: str) -> Recurrence:
    """Read a repeating schedule; RecurrenceError (with what is supported, and examples) if it can't be."""
    cleaned = _clean(text)
    if not cleaned:
        raise RecurrenceError(f"Please say how often to post, for example {EXAMPLES}.")
    if len(cleaned) > MAX_INPUT_LENGTH:
        raise RecurrenceError(
            f"That's too long for a repeating schedule (the limit is {MAX_INPUT_LENGTH} characters). "
            f"Try {EXAMPLES}."
        )
    fields = cleaned.split(" ")
    if (
        len(fields) in (5, 6)
        and all(_CRON_FIELD_RE.fullmatch(f) for f in fields)
        and all(_CRON_NUMBERS_RE.fullmatch(f) for f in fields[:2])
    ):
        return _parse_cron(cleaned, fields)
    clock_time, rest = _take_time(cleaned, text)
    weeks, rest = _take_every_weeks(rest, text)
    words = re.sub(r"[,&/]", " ", rest).replace("-", " - ").split()
    monthly = bool({"month", "monthly"} & set(words))
    if monthly and weeks > 1:
        raise _unreadable(text, "A schedule is either every few weeks or monthly, not both.")
    month_day = _month_day(words, text) if monthly else None
    days = [] if monthly else _weekdays(words, text)
    if clock_time is None:
        raise _unreadable(text, "Say at what time, for example `daily at 7:30`.")
    hour, minute = clock_time
    clock = _clock_text(hour, minute)
    if month_day is not None:
        day, said = month_day
        return Recurrence({"day": day, "hour": hour, "minute": minute}, f"{said} at {clock}")
    trigger: dict[str, int | str] = {"hour": hour, "minute": minute}
    if len(days) < 7:
        trigger["day_of_week"] = ",".join(_DAYS[d] for d in days)
    if weeks > 1:
        if len(days) == 7:
            raise _unreadable(text, "Say which day of the week, e.g. `every 2 weeks on Friday at 15:00`.")
        return Recurrence(trigger, f"every {weeks} weeks on {_days_text(days)} at {clock}", every_weeks=weeks)
    return Recurrence(trigger, f"{_every_text(days)} at {clock}")


def _take_time(cleaned: str, original: str) -> tuple[tuple[int, int] | None, str]:
    """The time of day in the phrase (None if it has none) and the phrase without it."""
    found = list(_TIME_RE.finditer(cleaned))
    if len(found) > 1:
        raise _unreadable(original, "Give one time of day; for two times, create two announcements.")
    if not found:
        bare = _BARE_HOUR_RE.search(cleaned)
        if bare:
            hour = int(bare.group(1))
            if 13 <= hour <= 23 or hour == 0:
                return (hour, 0), (cleaned[: bare.start()] + " " + cleaned[bare.end() :]).strip()
            raise RecurrenceError(
                f"I'm not sure what time “at {hour}” means. Add am or pm, like `{hour}pm`, "
                f"or use the 24-hour clock, like `{hour % 12 + 12}:00`."
            )
        return None, cleaned
    match = found[0]
    if match["word"]:
        hour, minute = (0, 0) if match["word"] == "midnight" else (12, 0)
    elif match["ap"]:
        hour, minute = int(match["h"]), int(match["m"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise _unreadable(original, f"“{_quote(match.group(0).strip())}” isn't a time of day.")
        hour = hour % 12 + (12 if match["ap"] == "p" else 0)
    else:
        hour, minute = int(match["h24"]), int(match["m24"])
        if hour > 23 or minute > 59:
            raise _unreadable(original, f"“{_quote(match.group(0).strip())}” isn't a time of day.")
    rest = (cleaned[: match.start()] + " " + cleaned[match.end() :]).strip()
    return (hour, minute), re.sub(r"\s+", " ", rest)


def _take_every_weeks(rest: str, original: str) -> tuple[int, str]:
    match = _EVERY_N_WEEKS_RE.search(rest)
    if match is None:
        return 1, rest
    weeks = int(match["n"]) if match["n"] else 2
    if not 1 <= weeks <= MAX_EVERY_WEEKS:
        raise _unreadable(original, f"Every 1 to {MAX_EVERY_WEEKS} weeks is possible.")
    return weeks, (rest[: match.start()] + " " + rest[match.end() :]).strip()


def _weekdays(words: list[str], original: str) -> list[int]:
    days: set[int] = set()
    index = 0
    while index < len(words):
        word = words[index]
        if word in _FILLER:
            index += 1
            continue
        if word in ("day", "days", "daily"):
            days.update(range(7))
        elif word in ("weekday", "weekdays"):
            days.update(range(5))
        elif word in ("weekend", "weekends"):
            days.update((5, 6))
        elif word in _DAY_WORDS:
            start = _DAY_WORDS[word]
            if (
                index + 2 < len(words)
                and words[index + 1] in ("-", *_RANGE_WORDS)
                and words[index + 2] in _DAY_WORDS
            ):
                end = _DAY_WORDS[words[index + 2]]
                if end < start:
                    raise _unreadable(original, "A range of days goes forward, like `Monday to Friday`.")
                days.update(range(start, end + 1))
                index += 2
            else:
                days.add(start)
        elif word in ("month", "months", "year", "years", "hour", "hours", "minute", "minutes"):
            raise _unreadable(original)
        elif re.fullmatch(r"\d+", word):
            raise _unreadable(
                original,
                "Every few days isn't supported (it would drift across weeks); pick days of the week instead, "
                "like `every Monday and Thursday at 9am`.",
            )
        else:
            raise _unreadable(original, f"I don't know the word “{_quote(word, 20)}” here.")
        index += 1
    if not days:
        raise _unreadable(original, "Say which days, for example `every Monday` or `daily`.")
    return sorted(days)


def _month_day(words: list[str], original: str) -> tuple[str, str]:
    """The cron `day` field for a monthly phrase, and how to say it."""
    kept = [w for w in words if w not in _MONTH_FILLER]
    if len(kept) == 2 and kept[0] in _ORDINALS and kept[1] in _DAY_WORDS:
        ordinal, day = _ORDINALS[kept[0]], _DAY_WORDS[kept[1]]
        return f"{ordinal} {_DAYS[day]}", f"on the {_ORDINAL_WORDS[ordinal]} {_DAY_NAMES[day]} of each month"
    if kept in (["last", "day"], ["last"]):
        return "last", "on the last day of each month"
    if len(kept) == 1:
        number = _DAY_OF_MONTH_RE.fullmatch(kept[0]) or (
            _DAY_OF_MONTH_RE.fullmatch(_ORDINALS[kept[0]]) if kept[0] in _ORDINALS else None
        )
        if number:
            day_number = int(number["d"])
            if not 1 <= day_number <= 31:
                raise _unreadable(original, "A day of the month is 1 to 31.")
            if day_number > 28:
                raise _unreadable(
                    original,
                    f"Not every month has a {_ordinal(day_number)}; use `last day of the month` instead.",
                )
            return str(day_number), f"on the {_ordinal(day_number)} of each month"
    raise _unreadable(
        original, "For a monthly schedule say `first Tuesday of the month` or `monthly on the 15th`."
    )


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _days_text(days: list[int]) -> str:
    names = [_DAY_NAMES[d] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _every_text(days: list[int]) -> str:
    if len(days) == 7:
        return "every day"
    if days == [0, 1, 2, 3, 4]:
        return "every weekday (Monday to Friday)"
    if days == [5, 6]:
        return "every Saturday and Sunday"
    return f"every {_days_text(days)}"


# -- cron lines -----------------------------------------------------------------------------------------

_CRON_DAY_NAMES = {
    name: index for index, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))
}


def _parse_cron(cleaned: str, fields: list[str]) -> Recurrence:
    if len(fields) == 6:
        raise RecurrenceError(
            "A cron line has five fields here (minute hour day-of-month month day-of-week), "
            "for example `0 9 * * 1-5` for 9:00 every weekday."
        )
    minute, hour, day, month, weekday = (f.replace("?", "*") for f in fields)
    if day != "*" and weekday != "*":
        raise RecurrenceError(
            f"The cron line `{_code(cleaned)}` limits both the day of the month and the day of the week; "
            "cron would run on either, which is rarely meant. Use one of them and `*` for the other."
        )
    trigger: dict[str, int | str] = {"minute": minute, "hour": hour}
    if day != "*":
        trigger["day"] = day
    if month != "*":
        trigger["month"] = month
    if weekday != "*":
        trigger["day_of_week"] = _cron_weekdays(weekday, cleaned)
    try:
        CronTrigger(**trigger, timezone=UTC)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(
            f"The cron line `{_code(cleaned)}` isn't valid ({_quote(str(exc), 80)}). "
            "Its fields are minute hour day-of-month month day-of-week, e.g. `0 9 * * 1-5`."
        ) from None
    return Recurrence(trigger, f"on the cron schedule `{cleaned}`", cron=cleaned)


def _cron_weekdays(spec: str, cleaned: str) -> str:
    """Cron day-of-week (0 or 7 = Sunday, ranges, steps, names) as APScheduler day names."""
    chosen: set[int] = set()  # cron numbering, 0 = Sunday

    def value(token: str) -> int:
        if token in _CRON_DAY_NAMES:
            return _CRON_DAY_NAMES[token]
        if token.isdigit() and int(token) <= 7:
            return int(token) % 7 if token != "7" else 7
        raise RecurrenceError(
            f"In the cron line `{_code(cleaned)}`, “{_quote(token, 10)}” isn't a day of the week (0–7 or sun–sat)."
        )

    for part in spec.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise RecurrenceError(
                f"In the cron line `{_code(cleaned)}`, the step “{_quote(step_text, 10)}” isn't a number."
            )
        if body == "*":
            low, high = 0, 6
        elif "-" in body:
            start, _, end = body.partition("-")
            low, high = value(start), value(end)
        else:
            low = high = value(body)
        if high < low:
            raise RecurrenceError(
                f"In the cron line `{_code(cleaned)}`, the range “{_quote(body, 10)}” goes backwards."
            )
        chosen.update(d % 7 for d in range(low, high + 1, step or 1))
    # APScheduler counts Monday as 0: move Sunday to the end.
    return ",".join(_DAYS[(d - 1) % 7] for d in sorted(chosen, key=lambda d: (d - 1) % 7))


# -- computing run times --------------------------------------------------------------------------------


def anchor_week(first: datetime, zone: str | ZoneInfo) -> date:
    """The Monday of the local week of a series' first run: weeks are counted from it."""
    local = first.astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)).date()
    return local - timedelta(days=local.weekday())


def in_cycle(recurrence: Recurrence, when: datetime, zone: str | ZoneInfo, anchor: date | None) -> bool:
    """Whether an occurrence of the weekly trigger falls in a week the series posts in."""
    if recurrence.every_weeks <= 1 or anchor is None:
        return True
    weeks = (anchor_week(when, zone) - anchor).days // 7
    return weeks % recurrence.every_weeks == 0


def run_times(
    recurrence: Recurrence,
    zone: str | ZoneInfo,
    *,
    after: datetime,
    count: int,
    until: datetime | None = None,
    anchor: date | None = None,
    inclusive: bool = True,
) -> list[datetime]:
    """The next `count` run times (UTC) from `after` (itself included when `inclusive`), up to `until`.

    For every-N-weeks series without an `anchor`, the week of the first run found is the anchor.
    """
    zone_info = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    trigger = recurrence.cron_trigger(zone_info)
    found: list[datetime] = []
    previous: datetime | None = None if inclusive else after
    for _ in range(_SEARCH_LIMIT):
        candidate = fire_time(trigger, previous or after, strictly_after=previous is not None)
        if candidate is None:
            break
        if until is not None and candidate > until:
            break
        if anchor is None and recurrence.every_weeks > 1:
            anchor = anchor_week(candidate, zone_info)
        if in_cycle(recurrence, candidate, zone_info, anchor):
            found.append(candidate)
            if len(found) >= count:
                break
        previous = candidate
    return found


def shortest_gap(times: list[datetime]) -> timedelta | None:
    """The shortest time between consecutive run times (None for fewer than two)."""
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    return min(gaps) if gaps else None
