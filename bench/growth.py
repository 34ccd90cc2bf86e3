"""How each search's cost grows with the community: the same calls at 10 000 and at 100 000 rows.

    python bench/growth.py [--small 10000] [--large 100000] [--calls 200]

For each size, a database is seeded with that many profiles (bench.directory's vocabulary), as many
resources (bench.resources') and a tenth as many meetings, and the storage calls behind the commands run
`--calls` times in-process: their median and p99, and the ratio large / small. Issue 18's goal is at most
2× (growth no worse than logarithmic). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.directory import WORDS, seed
from bench.floor import percentile, seed_meetings
from bench.resources import Writer, fill
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.profiles import DirectoryQuery, ProfileRepository, Viewer
from storage.resources import ResourceRepository

GUILD = 1
Call = Callable[[random.Random], Awaitable[object]]


def calls(db: Database) -> dict[str, Call]:
    profiles, resources, meetings = ProfileRepository(db), ResourceRepository(db), MeetingRepository(db)
    member, now = Viewer(999_999), datetime.now(UTC)
    return {
        "/directory": lambda rng: profiles.directory(GUILD, DirectoryQuery(), member),
        "/directory text:": lambda rng: profiles.directory(GUILD, DirectoryQuery(text=rng.choice(WORDS)), member),
        "/directory offering: school:": lambda rng: profiles.directory(
            GUILD, DirectoryQuery(offering=rng.choice(WORDS), school=f"School {rng.randint(0, 59):02d}"), member
        ),
        "/connect candidates": lambda rng: profiles.connect_candidates(
            GUILD, " ".join(rng.sample(WORDS, 3)), exclude=0
        ),
        "autocomplete: school": lambda rng: profiles.organizations_like(GUILD, "Sch"),
        "/resource search (2 words)": lambda rng: resources.search(GUILD, " ".join(rng.sample(WORDS, 2))),
        "/resource search (1 word)": lambda rng: resources.search(GUILD, rng.choice(WORDS)),
        "/meeting list": lambda rng: meetings.listing(GUILD, now=now, limit=11),
        "autocomplete: meeting": lambda rng: meetings.search(GUILD, "Meeting 1", now=now),
    }  # fmt: skip


async def measure(size: int, count: int) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "growth.db")
        try:
            started = time.perf_counter()
            await seed(db, size, GUILD)
            await fill(db, size, Writer(random.Random(3)), GUILD)
            await seed_meetings(db, GUILD, size // 10)
            print(f"seeded {size} profiles, {size} resources, {size // 10} meetings in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
            found: dict[str, tuple[float, float]] = {}
            for name, call in calls(db).items():
                rng = random.Random(7)
                await call(rng)
                times = []
                for _ in range(count):
                    started = time.perf_counter()
                    await call(rng)
                    times.append(time.perf_counter() - started)
                found[name] = (statistics.median(times) * 1000, percentile(times, 0.99) * 1000)
            return found
        finally:
            await db.close()


async def run(args: argparse.Namespace) -> None:
    small = await measure(args.small, args.calls)
    large = await measure(args.large, args.calls)
    print(f"\n  {'call':<32} {args.small:>8} rows  {args.large:>8} rows   ratio (goal ≤ 2×)")
    for name, (median, p99) in small.items():
        big, big_p99 = large[name]
        ratio = big / median if median else float("inf")
        mark = "✓" if ratio <= 2 else "✗"
        print(f"  {name:<32} {median:6.2f} ms ({p99:5.2f})  {big:6.2f} ms ({big_p99:5.2f})  "
              f"{ratio:5.2f}× {mark}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
