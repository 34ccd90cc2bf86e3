"""The one clock every feature reads: the system time when serving, a clock that tests pin and move.

Features never call `datetime.now()`: they read `bot.clock.now()` (or take `now` from their caller), and the
scheduler times its jobs by the same clock. A `ManualClock` stands still until a test moves it; the scheduler
listens for moves and runs whatever the new time makes due, so a test of a weekly series or a reminder a day
ahead moves time instead of waiting for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

__all__ = ["Clock", "ManualClock", "SystemClock"]

Listener = Callable[[], None]


class Clock:
    """Tells the time (aware, UTC). The base class is the system clock."""

    #: Whether time passes by itself. A clock that stands still gets no timers for the future: the scheduler
    #: runs what is due when the clock is moved instead.
    advances_by_itself = True

    def now(self) -> datetime:
        return datetime.now(UTC)

    def subscribe(self, listener: Listener) -> None:
        """Call `listener` whenever the time jumps (the system clock never does)."""

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling `listener`."""


class SystemClock(Clock):
    """The real time."""


class ManualClock(Clock):
    """A clock that stands still at `start` until `set` or `advance` moves it (tests, benchmarks)."""

    advances_by_itself = False

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start)
        self._listeners: list[Listener] = []

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when` (forwards or backwards) and tell the listeners."""
        self._now = _aware(when)
        for listener in list(self._listeners):
            listener()

    def advance(self, by: timedelta) -> None:
        self.set(self._now + by)

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    return when.astimezone(UTC)
