"""The one test clock: where every test clock starts (`pinned_now`) and letting time pass (`pass_time`).

No test reads the real date. The clock starts at `COPBOT_TEST_NOW` (ISO 8601 with an offset) when that is
set — `bash scripts/test` reruns the time-sensitive suites at several awkward instants that way — and at an
ordinary weekday morning otherwise. Tests that need a particular calendar case set the clock themselves.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from core.clock import ManualClock
from core.scheduler import Scheduler

PINNED_ENV = "COPBOT_TEST_NOW"
DEFAULT_NOW = datetime(2026, 10, 14, 17, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Phoenix


def pinned_now() -> datetime:
    """The instant every test clock starts at."""
    text = os.environ.get(PINNED_ENV, "").strip()
    if not text:
        return DEFAULT_NOW
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise pytest.UsageError(f"{PINNED_ENV} needs an offset, e.g. 2026-12-01T14:30:00-07:00")
    return moment.astimezone(UTC)


async def pass_time(clock: ManualClock, scheduler: Scheduler, to: datetime) -> None:
    """Let time pass up to `to` as it would with the bot running: each job runs at its own due time.

    The clock stops at every pending job due on the way (in order, series occurrences included), waits for
    what then runs, and ends at `to`. Use `clock.set` directly for "the bot was offline meanwhile".
    """
    for _ in range(10_000):
        await scheduler.idle()  # what is running now may write the next job on the way
        upcoming = [due for _, due in await scheduler.jobs.due_before(to) if due > clock.now()]
        if not upcoming:
            break
        clock.set(min(upcoming))
        await scheduler.idle()
    else:
        raise AssertionError(f"more than 10 000 jobs fall due before {to}")
    clock.set(to)
    await scheduler.idle()
