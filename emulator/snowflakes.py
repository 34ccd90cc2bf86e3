"""Snowflake ids and Discord-style timestamps."""

from __future__ import annotations

import datetime
import time

DISCORD_EPOCH_MS = 1420070400000


class SnowflakeGenerator:
    """Time-based, strictly increasing Discord snowflakes."""

    def __init__(self, worker: int = 1, process: int = 1) -> None:
        self._worker = worker & 0x1F
        self._process = process & 0x1F
        self._increment = 0
        self._last = 0

    def next(self) -> int:
        """Return a new snowflake greater than every one returned before."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._increment = (self._increment + 1) & 0xFFF
        value = (ms << 22) | (self._worker << 17) | (self._process << 12) | self._increment
        if value <= self._last:
            value = self._last + 1
        self._last = value
        return value


def snowflake_time(snowflake: int) -> datetime.datetime:
    """The creation time encoded in a snowflake."""
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)


def iso_now() -> str:
    """Current UTC time in Discord's ISO 8601 format."""
    return iso(datetime.datetime.now(tz=datetime.UTC))


def iso(moment: datetime.datetime) -> str:
    """A datetime in Discord's ISO 8601 format (microseconds, +00:00)."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def parse_iso(value: str) -> datetime.datetime:
    """Parse an ISO 8601 timestamp; naive values are taken as UTC."""
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed
