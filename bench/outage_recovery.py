"""Outage recovery: a 429 storm then a 5xx storm (30 s each by default), in real seconds; how long after the
storm ends each scheduled post goes out.

Posts fall due before and during the storms. Prints, per post, when it was due, when it went out and its
attempts, then the time-to-recover figures (the issue's goal: every post out within 10 s after the storm
ends). Asserts nothing. Run: `python bench/outage_recovery.py [--storm S] [--posts N] [--status 500|502|503]
[--retry-after S]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import aiohttp

from bot.local import LocalBot
from core.organizers import POST_KIND
from emulator import Emulator
from emulator.driver import Control

ROUTE = "POST /channels/{channel_id}/messages"
STORM_COUNT = 1_000_000  # "until cleared"


async def run(storm: float, posts: int, status: int, retry_after: float) -> None:
    emulator = Emulator(bot_username="copbot")
    await emulator.start(port=0)
    session = aiohttp.ClientSession()
    control = Control(emulator.url, session)
    with tempfile.TemporaryDirectory() as folder:
        runner = LocalBot(emulator.url, emulator.bot_token, Path(folder) / "outage.db")
        try:
            guild = await control.create_guild("Outage")
            channel_id = int(guild["system_channel_id"])
            bot = await runner.start()
            start = time.monotonic()
            now = bot.clock.now()
            # Due spread over the two storms: some wait out both, some only the 5xx one.
            offsets = [2 * storm * n / posts for n in range(posts)]
            ids = {}
            for n, offset in enumerate(offsets):
                job_id = await bot.scheduler.schedule(
                    POST_KIND,
                    now + timedelta(seconds=offset),
                    {"channel_id": channel_id, "content": f"Outage post {n}"},
                    guild_id=int(guild["id"]),
                    owner=f"bench:{n}",
                )
                ids[n] = job_id
            await control.fault("ratelimit", route=ROUTE, count=STORM_COUNT, retry_after=retry_after)
            await asyncio.sleep(storm)
            await control.call("DELETE", "/faults")
            await control.fault("server_error", route=ROUTE, count=STORM_COUNT, status=status)
            await asyncio.sleep(storm)
            await control.call("DELETE", "/faults")
            storm_end = time.monotonic()
            seen: dict[int, float] = {}
            deadline = storm_end + 600
            while len(seen) < posts and time.monotonic() < deadline:
                for message in await control.messages(channel_id):
                    content = str(message["content"])
                    if content.startswith("Outage post "):
                        seen.setdefault(int(content.split()[2]), time.monotonic())
                await asyncio.sleep(0.05)
            print(
                f"storms: 429 (retry_after {retry_after} s) for {storm:.0f} s, then {status} for {storm:.0f} s; "
                f"{posts} posts"
            )
            print(f"{'post':>4} {'due (s)':>8} {'out (s)':>8} {'after end (s)':>14} {'attempts':>8}")
            recover = []
            for n, offset in enumerate(offsets):
                job = await bot.scheduler.jobs.get(ids[n])
                out = seen.get(n)
                after = None if out is None else out - storm_end
                if after is not None:
                    recover.append(after)
                print(
                    f"{n:>4} {offset:>8.1f} {'-' if out is None else f'{out - start:8.1f}':>8} "
                    f"{'-' if after is None else f'{after:14.1f}':>14} {job.attempts if job else '?':>8}"
                    f"{'' if job is None or job.state.value == 'done' else '  ' + job.state.value}"
                )
            print(f"delivered: {len(seen)} of {posts}")
            if recover:
                print(
                    f"time to recover after the storm ended: max {max(recover):.1f} s, "
                    f"median {statistics.median(recover):.1f} s"
                )
        finally:
            await runner.stop()
            await session.close()
            await emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--storm", type=float, default=30.0, help="seconds of each storm")
    parser.add_argument("--posts", type=int, default=12)
    parser.add_argument("--status", type=int, default=500, help="the 5xx status of the second storm")
    parser.add_argument("--retry-after", type=float, default=1.0, help="the 429s' retry_after")
    args = parser.parse_args()
    asyncio.run(run(args.storm, args.posts, args.status, args.retry_after))


if __name__ == "__main__":
    main()
