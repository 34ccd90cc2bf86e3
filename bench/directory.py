"""Directory, /connect and the kickoff rush. Prints figures; asserts nothing.

    python bench/directory.py [--profiles 10000] [--queries 200] [--members 1000]

1. With N profiles in the database: the work of `/directory` (query, count, page lines) and `/connect`
   (FTS candidates, ranking, lines) measured in-process, per call: median and 99th percentile.
2. M members submitting the introduction form at once through the emulator (the kickoff meeting): how many
   got their answer (deferred) within Discord's 3 s, how long until every profile, card and role was done.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sized
from pathlib import Path

import aiohttp

from bot.local import LocalBot
from cogs.profiles import snippet_text
from core.clock import SystemClock
from core.profiles.matching import Candidate, Seeker, rank, school_key
from emulator import Emulator
from emulator.driver import Control, Reply
from storage.database import Database
from storage.groups import GroupRepository
from storage.jobs import to_db_time
from storage.profiles import DirectoryQuery, Profile, ProfileRepository, Viewer
from storage.schools import CsvRow, SchoolRepository

WORDS = [
    "robotics",
    "coding",
    "ecology",
    "chemistry",
    "physics",
    "astronomy",
    "math",
    "engineering",
    "biology",
    "geology",
    "drones",
    "rockets",
    "gardening",
    "weather",
    "energy",
    "solar",
    "circuits",
    "programming",
    "data",
    "statistics",
    "design",
    "art",
    "music",
    "makerspace",
    "3d",
    "printing",
    "lasers",
    "microscopes",
    "grants",
    "mentoring",
    "tours",
    "internships",
    "careers",
    "volunteering",
    "funding",
    "kits",
]
GROUPS = 10
GUILD = 1


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


async def seed(db: Database, count: int, guild_id: int = GUILD) -> None:
    """`count` profiles (users 1..count) in 60 schools and the default groups of `guild_id`."""
    rng = random.Random(7)
    groups = GroupRepository(db)
    await groups.add_defaults(guild_id, SystemClock().now())
    schools, _ = await SchoolRepository(db).add_many(
        guild_id, [CsvRow(n, f"School {n:02d}", "") for n in range(60)], now=SystemClock().now()
    )
    group_ids = [g.id for g in await groups.all(guild_id)]
    now = to_db_time(SystemClock().now())
    rows = []
    interest_rows = []
    for user in range(1, count + 1):
        interests = sorted({rng.choice(WORDS) for _ in range(3)})
        rows.append(
            (
                guild_id,
                user,
                f"Member {user}",
                f"School {user % 60:02d}",
                rng.choice(schools).id,
                rng.choice(group_ids[:4] + group_ids[5:]),
                "teacher",
                ", ".join(interests),
                sentence(rng, 8),
                sentence(rng, 5),
                now,
                now,
            )
        )
        interest_rows += [(guild_id, user, i, i) for i in interests]
    await db.executemany(
        "INSERT INTO profiles (guild_id, user_id, name, organization, school_id, group_id, title, interests, offers,"
        " seeks, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    await db.executemany(
        "INSERT OR IGNORE INTO profile_interests (guild_id, user_id, interest, interest_key) VALUES (?, ?, ?, ?)",
        interest_rows,
    )


async def _count_at_least(items: Awaitable[Sized], count: int) -> bool:
    return len(await items) >= count


async def until(probe: Callable[[], Awaitable[bool]]) -> None:
    """Poll until `probe` is true (a benchmark may wait minutes for rate-limited work)."""
    while True:
        if await probe():
            return
        await asyncio.sleep(0.2)


def summary(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{name}: median {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms ({len(ordered)} calls)"
    )


async def handler_times(count: int, queries: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.db")
        try:
            started = time.perf_counter()
            await seed(db, count)
            print(f"seeded {count} profiles in {time.perf_counter() - started:.1f} s")
            profiles = ProfileRepository(db)
            rng = random.Random(3)
            viewer = Viewer(999_999)
            shapes = [
                lambda: DirectoryQuery(),
                lambda: DirectoryQuery(group_id=rng.randint(1, GROUPS)),
                lambda: DirectoryQuery(interest=rng.choice(WORDS)),
                lambda: DirectoryQuery(text=rng.choice(WORDS)),
                lambda: DirectoryQuery(offering=rng.choice(WORDS), school=f"School {rng.randint(0, 59):02d}"),
                lambda: DirectoryQuery(text=f'{rng.choice(WORDS)}" AND( *'),
            ]
            directory: list[float] = []
            for n in range(queries):
                query = shapes[n % len(shapes)]()
                started = time.perf_counter()
                page = await profiles.directory(GUILD, query, viewer)
                [f"**{e.profile.name}** · {snippet_text(e.snippet, e.profile)}" for e in page.entries[:10]]
                directory.append(time.perf_counter() - started)
            summary(f"/directory with {count} profiles", directory)

            connect: list[float] = []
            for _ in range(queries):
                me = Profile(GUILD, 0, "Me", "School 01", None, 1, seeks=sentence(rng, 5))
                started = time.perf_counter()
                candidates = await profiles.connect_candidates(GUILD, me.seeks, exclude=0)
                rank(
                    Seeker(0, me.seeks, me.group_id, school_key(me)),
                    (
                        Candidate(p.user_id, p.offers, p.interests, p.group_id, school_key(p))
                        for p in candidates
                    ),
                    limit=5,
                )
                connect.append(time.perf_counter() - started)
            summary(f"/connect with {count} profiles", connect)
        finally:
            await db.close()


async def kickoff(members: int) -> None:
    emulator = Emulator(bot_username="copbot")
    await emulator.start(port=0)
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    control = Control(emulator.url, session)
    with tempfile.TemporaryDirectory() as folder:
        runner = LocalBot(emulator.url, emulator.bot_token, Path(folder) / "kickoff.db")
        try:
            guild = await control.create_guild("Kickoff")
            organizer = await control.add_member(guild["id"], "olivia", admin=True)
            organizer.channel_id = guild["system_channel_id"]
            people = []
            for n in range(members):
                actor = await control.add_member(guild["id"], f"member{n}")
                actor.channel_id = guild["system_channel_id"]
                people.append(actor)
            await runner.start()
            await control.settled(await organizer.run("cop setup"), "Setup is complete")
            await control.settled(await organizer.run("groups setup"), "ready", within=60)
            forms = await asyncio.gather(*(p.run("intro me") for p in people))
            group = next(
                str(o["value"])
                for c in forms[0].components
                for o in c.get("options", [])
                if o["label"] == "Teachers"
            )

            async def submit(n: int) -> tuple[Reply, float]:
                started = time.perf_counter()
                reply = await people[n].submit(
                    forms[n],
                    {
                        "name": f"Member {n}",
                        "organization": "Lincoln",
                        "group": [group],
                        "interests": "robotics",
                    },
                )
                return reply, time.perf_counter() - started

            started = time.perf_counter()
            results = await asyncio.gather(*(submit(n) for n in range(members)))
            answered = [r for r, _ in results if r.type == 5 and not r.raw.get("error")]
            lost = [r.raw.get("error") for r, _ in results if r.raw.get("error")]
            print(
                f"{members} members submitting at once: {len(answered)} answered (deferred) within 3 s, "
                f"{len(lost)} lost {set(lost) if lost else ''}"
            )
            summary(
                "  time per submit call (the driver waits up to 5 s for the follow-up)",
                [t for _, t in results],
            )
            assert runner.bot is not None
            repo = ProfileRepository(runner.bot.db)
            await until(lambda: _count_at_least(repo.introduced_ids(int(guild["id"])), members))
            saved = time.perf_counter() - started
            channel = await control.channel_id(guild["id"], "introductions")
            await until(lambda: _count_at_least(control.messages(channel), members))
            print(
                f"  all {members} profiles saved after {saved:.1f} s; all cards posted after "
                f"{time.perf_counter() - started:.1f} s (the emulator's rate limits: 50 requests/s per route)"
            )
        finally:
            await runner.stop()
            await session.close()
            await emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--members", type=int, default=1000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(handler_times(args.profiles, args.queries))
    asyncio.run(kickoff(args.members))


if __name__ == "__main__":
    main()
