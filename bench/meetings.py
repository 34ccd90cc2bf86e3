"""Meetings: the RSVP click handler's work with 1 000 RSVPs on the meeting; `/meeting list` with 5 000 meetings.

The click figure times what the handler does besides talking to Discord: the seat decision (one write
transaction) and building the refreshed card (counts, first names per status, agenda, embed and buttons).
The list figure times building the `/meeting list` pages (query, going counts, lines, embeds).
Prints figures; asserts nothing. Run: `/work/venv/bin/python bench/meetings.py [--rsvps N] [--meetings N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cogs.meetings.cog import Meetings
from core.clock import SystemClock
from core.meetings.rsvp import record_answer
from storage.database import Database
from storage.meetings import MeetingRepository, NewMeeting, RsvpStatus

GUILD = 1
STATUSES = (RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.NO)


def median_ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(samples) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms ({len(samples)} runs)"


async def run(rsvps: int, meetings: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.db")
        try:
            repo = MeetingRepository(db)
            cog = Meetings(SimpleNamespace(db=db, clock=SystemClock()))  # type: ignore[arg-type]
            now = SystemClock().now()
            # -- a meeting with `rsvps` answers (capacity so that a waitlist exists) --
            start = now + timedelta(days=7)
            meeting = await repo.create(
                NewMeeting(
                    GUILD,
                    "Kickoff",
                    start,
                    start + timedelta(hours=2),
                    "America/Phoenix",
                    10,
                    1,
                    capacity=rsvps // 2,
                ),
                now=now,
            )
            for user in range(rsvps):
                await record_answer(repo, GUILD, meeting.id, 10_000 + user, STATUSES[user % 3], now=now)
            decide: list[float] = []
            render: list[float] = []
            for i in range(runs):
                user = 10_000 + (i * 7) % rsvps
                started = time.perf_counter()
                await record_answer(repo, GUILD, meeting.id, user, STATUSES[i % 3], now=now)
                middle = time.perf_counter()
                await cog.card_parts(meeting)
                decide.append(middle - started)
                render.append(time.perf_counter() - middle)
            total = [a + b for a, b in zip(decide, render, strict=True)]
            print(f"RSVP click with {rsvps} RSVPs on the meeting:")
            print(f"  seat decision (one transaction): {median_ms(decide)}")
            print(f"  card rebuilt (counts, names, embed): {median_ms(render)}")
            print(f"  handler total: {median_ms(total)}")
            # -- `/meeting list` with `meetings` meetings in the guild --
            rows: list[tuple[Any, ...]] = []
            for i in range(meetings):
                when = now + timedelta(hours=i - meetings // 2)
                rows.append((GUILD, f"Meeting {i}", when, when + timedelta(hours=1)))
            async with db.transaction():
                for guild_id, title, s, e in rows:
                    await repo.create(NewMeeting(guild_id, title, s, e, "America/Phoenix", 10, 1), now=now)
            listing: list[float] = []
            for i in range(runs):
                started = time.perf_counter()
                pages = await cog.listing_pages(GUILD, past=bool(i % 2))
                listing.append(time.perf_counter() - started)
            print(f"/meeting list with {meetings + 1} meetings in the guild ({len(pages)} pages built):")
            print(f"  {median_ms(listing)}")
        finally:
            await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rsvps", type=int, default=1000)
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.rsvps, args.meetings, args.runs))


if __name__ == "__main__":
    main()
