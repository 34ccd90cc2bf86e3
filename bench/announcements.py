"""Announcements at scale: one guild with 1 000 announcements; the cost of `/announce list`'s work.

Prints figures; asserts nothing. Run: `/work/venv/bin/python bench/announcements.py [--rows N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from core.announcements.plans import describe, upcoming_runs
from core.announcements.recurrence import parse_recurrence
from core.clock import SystemClock
from storage.announcements import AnnouncementRepository, NewAnnouncement, Schedule
from storage.database import Database

PHRASES = (
    "every Monday at 9:00",
    "weekdays at 8am",
    "every 2 weeks on Friday at 15:00",
    "first Tuesday of the month at 16:00",
    "daily at 7:30",
    "0 9 * * 1-5",
)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def schedule_for(index: int) -> Schedule:
    now = SystemClock().now()
    if index % 2:
        return Schedule(run_at=now + timedelta(hours=index))
    phrase = PHRASES[index % len(PHRASES)]
    recurrence = parse_recurrence(phrase)
    anchor = now.date() if recurrence.every_weeks > 1 else None
    return Schedule(
        repeat=phrase, trigger=recurrence.trigger, every_weeks=recurrence.every_weeks, anchor=anchor
    )


async def run(rows: int) -> None:
    started = time.perf_counter()
    for phrase in PHRASES * 100:
        parse_recurrence(phrase)
    parse_each = (time.perf_counter() - started) / (len(PHRASES) * 100)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.db")
        try:
            repo = AnnouncementRepository(db)
            now = SystemClock().now()
            started = time.perf_counter()
            async with db.transaction():
                for index in range(rows):
                    await repo.create(
                        NewAnnouncement(
                            1,
                            100,
                            10,
                            None,
                            f"Announcement {index}",
                            None,
                            schedule_for(index),
                            "America/New_York",
                        ),
                        now=now,
                    )
            created = time.perf_counter() - started
            timings = []
            for _ in range(5):
                started = time.perf_counter()
                announcements = await repo.list_open(1)
                lines = [f"#{a.id} {describe(a)} {upcoming_runs(a, now=now, count=1)}" for a in announcements]
                timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            for announcement in announcements[:100]:
                upcoming_runs(announcement, now=now, count=5)
            five_runs = (time.perf_counter() - started) / 100
            started = time.perf_counter()
            found = await repo.search_ids(1, "99")
            search = time.perf_counter() - started
        finally:
            await db.close()
    print(f"announcements:               {rows} in one guild ({rows // 2} recurring)")
    print(f"parse_recurrence:            {ms(parse_each)} per phrase")
    print(f"create {rows} rows:            {ms(created)} ({ms(created / rows)} each, one transaction)")
    print(
        f"/announce list work:         {ms(statistics.median(timings))} median of 5 ({len(lines)} lines, next run each)"
    )
    print(f"next five runs (preview):    {ms(five_runs)} per announcement")
    print(f"id autocomplete search:      {ms(search)} ({len(found)} matches)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(run(args.rows))


if __name__ == "__main__":
    main()
