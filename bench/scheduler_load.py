"""Scheduler load: 100 000 pending jobs over a year; start time, memory, a burst of 1 000 jobs, schedule() cost.

Prints figures; asserts nothing. Run: `/work/venv/bin/python bench/scheduler_load.py [--rows N] [--burst N] [--concurrency N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from core.clock import SystemClock
from core.scheduler import RunContext, Scheduler
from storage.database import Database
from storage.jobs import Job, JobRepository, JobState, NewJob

KIND = "bench.post"
YEAR = timedelta(days=365)


def rss_mb() -> float:
    """Resident set size of this process, from /proc/self/statm."""
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


async def timed_schedule(scheduler: Scheduler, due: datetime, owner: str) -> float:
    started = time.perf_counter()
    await scheduler.schedule(KIND, due, {"channel_id": 1, "text": "reminder"}, guild_id=1, owner=owner)
    return time.perf_counter() - started


async def run(rows: int, burst: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.db")
        try:
            now = SystemClock().now()
            started = time.perf_counter()
            await JobRepository(db).insert_many(
                (
                    NewJob(
                        guild_id=1 + i % 60,
                        kind=KIND,
                        owner=f"meeting:{i}",
                        due_at=now + timedelta(minutes=1) + YEAR * (i / rows),
                        payload={"channel_id": 1000 + i % 60, "text": "Reminder: the meeting starts soon."},
                    )
                    for i in range(rows)
                ),
                now=now,
            )
            print(f"setup: {rows} pending jobs over a year written in {time.perf_counter() - started:.1f} s")

            delays: list[float] = []
            all_fired = asyncio.Event()
            scheduler = Scheduler(db, max_concurrency=concurrency)

            @scheduler.handler(KIND, grace=timedelta(minutes=10))
            async def record(job: Job, ctx: RunContext) -> None:
                if job.owner.startswith("burst:"):
                    delays.append((scheduler.clock.now() - job.due_at).total_seconds())
                    if len(delays) == burst:
                        all_fired.set()

            gc.collect()
            before = rss_mb()
            started = time.perf_counter()
            await scheduler.start()
            start_seconds = time.perf_counter() - started
            gc.collect()
            after_start = rss_mb()
            print(
                f"start → loaded: {ms(start_seconds)} ({scheduler.timer_count} timers for the 10-minute horizon)"
            )
            print(
                f"RSS added by the scheduler after start: {after_start - before:.1f} MB (process {after_start:.0f} MB)"
            )

            far = [
                await timed_schedule(scheduler, SystemClock().now() + YEAR, f"far:{i}") for i in range(1000)
            ]
            print(
                f"schedule() beyond the horizon (row only): median {ms(statistics.median(far))}, max {ms(max(far))}"
            )

            due = SystemClock().now() + timedelta(seconds=5)
            near = [await timed_schedule(scheduler, due, f"burst:{i}") for i in range(burst)]
            print(
                f"schedule() within the horizon (row + timer): median {ms(statistics.median(near))}, "
                f"max {ms(max(near))}"
            )
            gc.collect()
            print(f"RSS added with {scheduler.timer_count} timers armed: {rss_mb() - before:.1f} MB")

            await asyncio.wait_for(all_fired.wait(), timeout=60)
            done_at = time.perf_counter()
            while scheduler.busy or await scheduler.jobs.count(JobState.RUNNING):
                await asyncio.sleep(0.005)  # poll: the last rows are being marked done
                if time.perf_counter() - done_at > 60:
                    raise TimeoutError("the burst was not marked done within a minute")
            print(
                f"burst of {burst} jobs due at the same instant: handler started after median "
                f"{ms(statistics.median(delays))}, worst {ms(max(delays))} (max_concurrency {concurrency}); all marked done "
                f"{ms(time.perf_counter() - done_at)} after the last started"
            )
            await scheduler.shutdown()
        finally:
            await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=32, help="the Scheduler's max_concurrency")
    args = parser.parse_args()
    asyncio.run(run(args.rows, args.burst, args.concurrency))


if __name__ == "__main__":
    main()
