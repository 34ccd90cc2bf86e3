"""`/groups setup` (ten default groups) and `/schools import` of 60 schools (120 roles and channels) against the
emulator with rate limits, plus injected 429s on channel creation. Prints figures; asserts nothing.

    python bench/groups_setup.py [--limit 5] [--window 1.0] [--storms 10]

`--limit`/`--window`: requests per route bucket per window (Discord's real buckets are similar: a handful per
second for role and channel creation). `--storms`: extra 429s injected on channel and role creation.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from pathlib import Path

from bot.local import LocalBot
from emulator import Emulator
from emulator.driver import Control

SCHOOLS = "name,district\n" + "\n".join(f"School {n:02d},District {n % 7}" for n in range(60))


async def run(limit: int, window: float, storms: int) -> None:
    emulator = Emulator(bot_username="copbot", rate_limit=limit, rate_limit_window=window)
    await emulator.start(port=0)
    control = await Control.connect(emulator.url)
    with tempfile.TemporaryDirectory() as folder:
        runner = LocalBot(emulator.url, emulator.bot_token, Path(folder) / "bench.db")
        try:
            guild = await control.create_guild("Bench")
            organizer = await control.add_member(guild["id"], "olivia", admin=True)
            organizer.channel_id = guild["system_channel_id"]
            bot = await runner.start()
            assert bot.get_guild(int(guild["id"])) is not None  # created before the bot connected
            for route in ("POST /guilds/{guild_id}/channels", "POST /guilds/{guild_id}/roles"):
                await control.fault("ratelimit", route=route, count=storms, retry_after=0.25)

            started = time.perf_counter()
            reply = await organizer.run("groups setup")
            await control.settled(reply, "ready", within=600)
            groups_time = time.perf_counter() - started

            started = time.perf_counter()
            reply = await organizer.run(
                "schools import", file={"filename": "schools.csv", "content": SCHOOLS}
            )
            done = await control.settled(reply, "Imported", within=1200)
            schools_time = time.perf_counter() - started

            requests = await control.requests()
            limited = sum(1 for r in requests if r["status"] == 429)
            view = await control.guild(guild["id"])
            print(
                f"rate limit: {limit} requests per {window:g} s per bucket; {storms} injected 429s per route"
            )
            print(f"/groups setup, 10 groups (10 roles + 11 channels): {groups_time:.2f} s")
            print(f"/schools import, 60 schools (60 roles + 61 channels): {schools_time:.2f} s")
            print(f"  {done.text.splitlines()[0]}")
            print(f"REST requests: {len(requests)}, answered 429: {limited}")
            print(f"server now has {len(view['roles'])} roles and {len(view['channels'])} channels")
        finally:
            await runner.stop()
            await control.close()
            await emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--window", type=float, default=1.0)
    parser.add_argument("--storms", type=int, default=10)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(run(args.limit, args.window, args.storms))


if __name__ == "__main__":
    main()
