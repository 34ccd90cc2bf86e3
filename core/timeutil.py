"""Dates, times, durations and time zones: parsing user input and formatting it for Discord.

Pure logic (no Discord imports). Everything returned is timezone-aware UTC; user-facing errors are
raised as `TimeInputError`, whose message is safe to show to the person who typed the input.

Choices worth knowing:

* Text without a zone is read in the guild's IANA zone. A trailing zone name
  (`2026-12-03 16:00 America/New_York`, `4pm UTC`) or an explicit offset/abbreviation
  (`-05:00`, `Z`, `EST`, `PST`) overrides it.
* Input that names a day but no time (`2026-12-03`, `tomorrow`, `Friday`) means 09:00 local.
  Input that names no specific day (`next week`, `March`) is refused.
* DST: wall-clock times use zoneinfo with `fold=0`. An ambiguous time (fall back) is the first
  occurrence (daylight time); a nonexistent time (spring forward) is read with the offset in
  force before the jump, i.e. it moves forward by the gap (02:30 → 03:30 on a one-hour jump).
* `in 2 hours`, `90 minutes from now` and `2 hours ago` are elapsed time, not wall-clock time.
* A weekday means its next occurrence, today included if the time is still ahead;
  `next Friday` is the first Friday after today.
* Numeric dates follow dateparser's English default, month first (`12/03/2026` is December 3).
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_TIME",
    "MAX_DURATION",
    "MAX_DURATIONS",
    "MAX_INPUT_LENGTH",
    "TimeInputError",
    "canonical_zone",
    "discord_timestamp",
    "format_duration",
    "full_and_relative",
    "get_zone",
    "local_description",
    "parse_duration",
    "parse_durations",
    "parse_when",
    "relative",
    "suggest_zones",
    "valid_zone",
    "zone_names",
]

DEFAULT_TIME = time(9, 0)
MAX_INPUT_LENGTH = 100
MAX_AHEAD = timedelta(days=3653)  # ten years: anything later is a typo, and date arithmetic stays safe
MAX_DURATIONS = 10
MAX_DURATION = timedelta(days=365)

_DISCORD_STYLES = frozenset("tTdDfFR")
_QUOTE_LIMIT = 50
_DURATION_EXAMPLES = "`10m`, `1h30m` or `2 days`"


class TimeInputError(ValueError):
    """Input a person typed that can't be used; the message is written for them and safe to post."""


# --- Discord formatting ---------------------------------------------------------------------------


def _require_aware(dt: datetime) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")


def discord_timestamp(dt: datetime, style: str = "F") -> str:
    """Discord timestamp markup (`<t:UNIX:F>`), which each reader sees in their own time zone."""
    _require_aware(dt)
    if style not in _DISCORD_STYLES:
        raise ValueError(f"unknown Discord timestamp style {style!r}")
    return f"<t:{math.floor(dt.timestamp())}:{style}>"


def relative(dt: datetime) -> str:
    """Discord markup for a relative time, e.g. "in 3 days"."""
    return discord_timestamp(dt, "R")


def full_and_relative(dt: datetime) -> str:
    """Full date and time followed by the relative time in brackets."""
    return f"{discord_timestamp(dt, 'F')} ({relative(dt)})"


# --- Time zones -----------------------------------------------------------------------------------

# Present in available_timezones() on some systems but not useful as a guild's zone.
_HIDDEN_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def zone_names() -> list[str]:
    """All IANA zone names, sorted."""
    return sorted(
        name
        for name in zoneinfo.available_timezones()
        if name not in _HIDDEN_ZONES and not name.startswith(("posix/", "right/"))
    )


@functools.cache
def _zones_by_key() -> dict[str, str]:
    return {_zone_key(name): name for name in zone_names()}


def _zone_key(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip()).lower()


def canonical_zone(name: str) -> str | None:
    """The properly spelled zone name for `name` (case-insensitive, spaces for underscores), or None."""
    return _zones_by_key().get(_zone_key(name))


def valid_zone(name: str) -> bool:
    """Whether `name` is a known IANA zone (same leniency as `canonical_zone`)."""
    return canonical_zone(name) is not None


def get_zone(name: str) -> ZoneInfo:
    """The ZoneInfo for a zone name, or a friendly TimeInputError with suggestions."""
    found = canonical_zone(name)
    if found is None:
        raise TimeInputError(_unknown_zone_message(name))
    return ZoneInfo(found)


def _unknown_zone_message(name: str) -> str:
    message = f"I don't know the time zone “{_quote(name)}”."
    close = suggest_zones(name, limit=3) if name.strip() else []
    if close:
        message += " Did you mean " + _join_or([f"`{zone}`" for zone in close]) + "?"
    return message + " Time zones are written like `America/New_York` or `Europe/London`."


def suggest_zones(text: str, limit: int = 25) -> list[str]:
    """Zone names matching `text`, best first: substring matches, else close spellings."""
    names = zone_names()
    query = _zone_key(text[:100])
    if not query:
        return names[:limit]

    def rank(name: str) -> tuple[int, int, str]:
        lowered = name.lower()
        city = lowered.rsplit("/", 1)[-1]
        if lowered == query:
            score = 0
        elif city.startswith(query):
            score = 1
        elif any(part.startswith(query) for part in lowered.split("/")):
            score = 2
        else:
            score = 3
        return (score, len(name), name)

    hits = sorted((name for name in names if query in name.lower()), key=rank)
    if hits:
        return hits[:limit]

    by_key = _zones_by_key()
    by_city: dict[str, list[str]] = {}
    for name in names:
        by_city.setdefault(name.lower().rsplit("/", 1)[-1], []).append(name)
    found: list[str] = [by_key[key] for key in difflib.get_close_matches(query, by_key, n=limit)]
    for city in difflib.get_close_matches(query.rsplit("/", 1)[-1], by_city, n=limit):
        found.extend(by_city[city])
    return list(dict.fromkeys(found))[:limit]


def _as_zone(zone: str | ZoneInfo) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else get_zone(zone)


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def local_description(dt: datetime, zone: str | ZoneInfo) -> str:
    """`dt` as wall-clock time in `zone`, e.g. "Thursday, December 3, 2026 4:00 PM MST"."""
    _require_aware(dt)
    local = dt.astimezone(_as_zone(zone))
    # Built by hand rather than with strftime so the result never depends on the process locale.
    hour = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return (
        f"{_DAY_NAMES[local.weekday()]}, {_MONTH_NAMES[local.month - 1]} {local.day}, {local.year} "
        f"{hour}:{local.minute:02d} {half} {local.tzname()}"
    )


# --- Safe echoing of user input -------------------------------------------------------------------


def _quote(text: str, limit: int = _QUOTE_LIMIT) -> str:
    """User text made safe to repeat back: short, one line, no markdown, mentions or code spans."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in text
        if unicodedata.category(ch) != "Cf"  # zero-width and bidi-override characters
    )
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    cleaned = cleaned.replace("`", "ˋ")
    cleaned = re.sub(r"([\\*_~|\[\]<>])", r"\\\1", cleaned)
    return cleaned.replace("@", "@\u200b")


def _join_or(items: list[str]) -> str:
    if len(items) <= 2:
        return " or ".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


# --- Parsing dates and times ----------------------------------------------------------------------

_DISCORD_MARKUP_RE = re.compile(r"<t:(-?\d{1,20})(?::[A-Za-z])?>")
_EPOCH_RE = re.compile(r"\d{10}")
_RELATIVE_RES = (
    (re.compile(r"in\s+(.+)", re.I), 1),
    (re.compile(r"(.+?)\s+from\s+now", re.I), 1),
    (re.compile(r"(.+?)\s+ago", re.I), -1),
)
_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "weds": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_WEEKDAY_ALT = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_WEEKDAY_RE = re.compile(
    rf"(?:(this|next|on|coming)\s+)?({_WEEKDAY_ALT})\.?,?(?:\s+(?:at\s+|@\s*)?(.+))?", re.I
)
_CLOCK_RE = re.compile(r"\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\.?|\d{1,2}:\d{2}|noon|midday", re.I)
# dateparser silently drops a bare hour ("tomorrow at 3") or misreads it as a month ("at 3").
_NOT_A_CLOCK = r"(?![\d:.]|\s*(?:[ap]\.?m\b|noon|midnight|o'?clock))"
_BARE_HOUR_RES = (
    re.compile(rf"\bat\s+(\d{{1,2}}){_NOT_A_CLOCK}", re.I),
    re.compile(rf"\b(?:today|tomorrow|tonight|{_WEEKDAY_ALT})\s+(\d{{1,2}})\s*$", re.I),
)
_SPECIFIC_PERIODS = frozenset({"time", "part_of_day", "day"})


def _examples(now_local: datetime) -> str:
    example_day = now_local.date() + timedelta(days=7)
    return f"`{example_day.isoformat()} 16:00` or `next Thursday 4pm`"


def parse_when(
    text: str,
    zone: str | ZoneInfo,
    *,
    now: datetime,
    allow_past: bool = False,
) -> datetime:
    """Read a date and time someone typed and return it as an aware UTC datetime.

    `zone` is the guild's zone, used unless the text names its own. Raises TimeInputError for
    empty, overlong, unreadable or vague input, unknown zones, and (unless `allow_past`) the past.
    """
    tz = _as_zone(zone)
    _require_aware(now)
    now = now.astimezone(UTC)
    examples = _examples(now.astimezone(tz))

    stripped = text.strip().strip("\"'“”‘’`").strip()
    if not stripped:
        raise TimeInputError(f"Please give a date and time, for example {examples}.")
    if len(stripped) > MAX_INPUT_LENGTH:
        raise TimeInputError(
            f"That's too long to be a date and time (the limit is {MAX_INPUT_LENGTH} characters). "
            f"Try something short like {examples}."
        )

    result = _parse(stripped, tz, now, examples)
    if result is None:
        raise TimeInputError(f"I couldn't read “{_quote(stripped)}” as a date and time. Try {examples}.")
    if result < now and not allow_past:
        raise TimeInputError(
            f"“{_quote(stripped)}” means {discord_timestamp(result)} ({local_description(result, tz)}), "
            f"which is in the past. Please give a time in the future, for example {examples}."
        )
    if result - now > MAX_AHEAD:
        raise TimeInputError(
            f"“{_quote(stripped)}” is more than {MAX_AHEAD.days // 365} years away. "
            f"Please give a nearer time, for example {examples}."
        )
    return result


def _parse(text: str, tz: ZoneInfo, now: datetime, examples: str) -> datetime | None:
    text = re.sub(r"\s+", " ", text).rstrip("!?,;").strip()

    markup = _DISCORD_MARKUP_RE.fullmatch(text)
    if markup or _EPOCH_RE.fullmatch(text):
        seconds = int(markup.group(1) if markup else text)
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise TimeInputError(
                f"“{_quote(text)}” is outside the range of dates I can handle. Try {examples}."
            ) from None

    head, _, last = text.rpartition(" ")
    if head:
        named = canonical_zone(last)
        if named is not None:
            tz, text = ZoneInfo(named), head
        elif "/" in last and re.fullmatch(r"[A-Za-z_+\-/0-9]+", last) and not last[0].isdigit():
            raise TimeInputError(_unknown_zone_message(last))

    for pattern, sign in _RELATIVE_RES:
        match = pattern.fullmatch(text)
        if match:
            try:
                return now + sign * parse_duration(match.group(1))
            except TimeInputError:
                break  # e.g. "in 2 years": let dateparser try

    for pattern in _BARE_HOUR_RES:
        match = pattern.search(text)
        if match:
            hour = int(match.group(1))
            if 1 <= hour <= 12:
                hint = f"add am or pm, like `{hour}pm`, or use the 24-hour clock, like `{hour % 12 + 12}:00`"
            else:
                hint = f"add minutes, like `{hour}:00`"
            raise TimeInputError(f"I'm not sure what time “{_quote(text)}” means. Please {hint}.")

    weekday = _WEEKDAY_RE.fullmatch(text)
    if weekday and (weekday.group(3) is None or _CLOCK_RE.fullmatch(weekday.group(3))):
        return _parse_weekday(weekday, tz, now, examples)

    return _dateparse(text, tz, now, examples)


def _parse_weekday(match: re.Match[str], tz: ZoneInfo, now: datetime, examples: str) -> datetime | None:
    # dateparser skips today for "Friday 4pm" said on a Friday morning, so weekdays are resolved here.
    prefix, day_word, clock = match.group(1), match.group(2), match.group(3)
    today = now.astimezone(tz).date()
    ahead = (_WEEKDAYS[day_word.lower()] - today.weekday()) % 7
    if ahead == 0 and (prefix or "").lower() == "next":
        ahead = 7
    result: datetime | None = None
    for days in (ahead, ahead + 7) if ahead == 0 else (ahead,):
        day: date = today + timedelta(days=days)
        result = _dateparse(f"{day.isoformat()} {clock or ''}".strip(), tz, now, examples)
        if result is None or result >= now:
            break
    return result


def _dateparse(text: str, tz: ZoneInfo, now: datetime, examples: str) -> datetime | None:
    from dateparser.date import DateDataParser  # imported on first use: 4 MB and 25 ms at start-up otherwise

    parser = DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "PREFER_DAY_OF_MONTH": "first",
            # Naive local "now" makes dateparser return naive wall-clock times, so the DST rules
            # (gap and fold handling) are applied in one place, by zoneinfo below.
            "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
            "RETURN_TIME_AS_PERIOD": True,
            # No bare epochs (handled above, strictly) and no "no-spaces-time", which turns
            # numbers like "1600" into surprising times.
            "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
        },
    )
    data = parser.get_date_data(text)
    found: datetime | None = data.date_obj
    if found is None:
        return None
    period: str = data.period or "day"
    if period not in _SPECIFIC_PERIODS:
        raise TimeInputError(
            f"I couldn't tell which day “{_quote(text)}” means. "
            f"Please give a day and a time, for example {examples}."
        )
    if period == "day" and found.tzinfo is None:
        found = datetime.combine(found.date(), DEFAULT_TIME)
    try:
        if found.tzinfo is not None:  # the text carried its own offset or abbreviation
            return found.astimezone(UTC)
        return found.replace(tzinfo=tz, fold=0).astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. 9999-12-31 23:59 in a zone behind UTC
        raise TimeInputError(
            f"“{_quote(text)}” is too far away. Please give a time like {examples}."
        ) from None


# --- Durations ------------------------------------------------------------------------------------

_UNIT_SECONDS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 604800),
}
_TERM_RE = re.compile(r"\s*(\d+(?:\.\d+)?|an?(?=\s))\s*([a-z]+)\.?\s*(?:,|\band\b)?\s*")
_DURATION_INPUT_LIMIT = 200


def parse_duration(text: str) -> timedelta:
    """Parse one length of time: `90s`, `10m`, `1h30m`, `2 days`, `1.5 hours`, `an hour`.

    Units are seconds, minutes, hours, days and weeks; the result is rounded to whole seconds and
    must be between 1 second and MAX_DURATION.
    """
    cleaned = text.strip().lower()
    shown = _quote(text)
    if not cleaned:
        raise TimeInputError(f"Please give a length of time, like {_DURATION_EXAMPLES}.")
    if len(cleaned) > _DURATION_INPUT_LIMIT:
        raise TimeInputError(f"That's too long to be a length of time. Try {_DURATION_EXAMPLES}.")
    if cleaned.startswith("-"):
        raise TimeInputError(
            f"“{shown}” is negative; lengths of time must be positive, like {_DURATION_EXAMPLES}."
        )
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        raise TimeInputError(
            f"“{shown}” needs a unit, like `{cleaned}m` for minutes or `{cleaned}h` for hours."
        )

    seconds = 0.0
    pos = 0
    while pos < len(cleaned):
        match = _TERM_RE.match(cleaned, pos)
        if match is None or match.end() == pos:
            raise TimeInputError(f"I couldn't read “{shown}” as a length of time. Try {_DURATION_EXAMPLES}.")
        amount, unit = match.groups()
        if unit not in _UNIT_SECONDS:
            raise TimeInputError(
                f"I don't know the unit “{_quote(unit)}” in “{shown}”. "
                f"Use seconds, minutes, hours, days or weeks, like {_DURATION_EXAMPLES}."
            )
        seconds += (1.0 if amount in ("a", "an") else float(amount)) * _UNIT_SECONDS[unit]
        pos = match.end()

    if seconds > MAX_DURATION.total_seconds():
        raise TimeInputError(f"“{shown}” is too long; the most I can handle is {MAX_DURATION.days} days.")
    whole = round(seconds)
    if whole < 1:
        raise TimeInputError(
            f"“{shown}” is zero. Give a length of time of at least 1 second, like {_DURATION_EXAMPLES}."
        )
    return timedelta(seconds=whole)


def parse_durations(text: str) -> list[timedelta]:
    """Parse a list of lengths of time (`1w, 1d, 1h` or `1w 1d 1h`), deduplicated, longest first.

    With commas (or semicolons), each piece is one length and may contain spaces (`1 hour 30 minutes`).
    Without them, spaces separate the lengths, and `2 hours 15 minutes` is two lengths.
    """
    cleaned = text.strip()
    if not cleaned:
        raise TimeInputError(
            f"Please give at least one length of time, like `1d, 1h` or {_DURATION_EXAMPLES}."
        )
    if len(cleaned) > _DURATION_INPUT_LIMIT:
        raise TimeInputError(
            f"That list is too long; give at most {MAX_DURATIONS} lengths of time, like `1d, 1h`."
        )

    if re.search(r"[,;]", cleaned):
        pieces = [piece.strip() for piece in re.split(r"[,;]", cleaned)]
    else:
        pieces = []
        for word in cleaned.split():
            if word.lower() in ("and", "&"):
                continue
            # Keep "2 hours" together: a bare number belongs to the unit after it.
            if pieces and re.fullmatch(r"\d+(?:\.\d+)?|an?", pieces[-1], re.I) and word[0].isalpha():
                pieces[-1] += word
            else:
                pieces.append(word)

    unique = sorted({parse_duration(piece) for piece in pieces if piece}, reverse=True)
    if not unique:
        raise TimeInputError(
            f"Please give at least one length of time, like `1d, 1h` or {_DURATION_EXAMPLES}."
        )
    if len(unique) > MAX_DURATIONS:
        raise TimeInputError(f"That's {len(unique)} lengths of time; the most I can take is {MAX_DURATIONS}.")
    return unique


_DURATION_UNITS = (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def format_duration(td: timedelta) -> str:
    """A length of time in words, e.g. "1 day 2 hours" or "1 minute 30 seconds" (whole seconds)."""
    remaining = int(td.total_seconds())
    if remaining < 0:
        raise ValueError("duration must not be negative")
    parts = []
    for name, size in _DURATION_UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return " ".join(parts) or "0 seconds"
