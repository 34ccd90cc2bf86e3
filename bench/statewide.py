"""The statewide community at the seed's scale, end to end through the emulator, with each stage's time.

    python bench/statewide.py [--members 1000] [--resources 200] [--limit 5] [--window 1.0]

61 school teams, the ten stakeholder groups, 1 000 members joining and introducing themselves and joining their
team, a kickoff meeting with 300 RSVPs and two reminders, a resource fair of 200 shared resources and a weekly
announcement over three weeks (`tests/e2e/statewide.py`, the same scenario `tests/e2e/test_statewide.py` plays
small). The emulator applies Discord's caps and rate limits (`--limit` requests per `--window` seconds per
route bucket). The bot's clock is a manual one that the scenario moves, so reminders and posts need no waiting.
Prints figures (each stage's time, how long the event loop was busy, requests by route, 429s) and checks every
request it sent against Discord's OpenAPI description; asserts only that nothing was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the scenario lives with the tests

from bot.local import LocalBot
from core.clock import ManualClock
from emulator import Emulator, conformance, recording
from emulator.driver import Control
from tests.e2e.community import Community, eventually
from tests.e2e.statewide import SEED, Scale, Statewide


class LoopLag:
    """The longest the event loop (bot, emulator and members share it) was too busy to run a ready task."""

    def __init__(self, tick: float = 0.05) -> None:
        self.tick, self.worst = tick, 0.0
        self.task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.tick)
            self.worst = max(self.worst, time.perf_counter() - started - self.tick)

    def take(self) -> float:
        worst, self.worst = self.worst, 0.0
        return worst


async def run(scale: Scale, limit: int, window: float, slow: float = 0.0) -> None:
    if slow:
        asyncio.get_running_loop().slow_callback_duration = slow
    lag = LoopLag()
    clock = ManualClock(datetime(2026, 10, 14, 17, 0, tzinfo=UTC))
    record = Path(tempfile.mkdtemp(prefix="statewide-")) / "requests.jsonl"
    emulator = Emulator(
        rate_limit=limit, rate_limit_window=window, clock=clock.now, bot_username="copbot", record_to=record
    )
    await emulator.start(port=0)
    control = await Control.connect(emulator.url)
    with tempfile.TemporaryDirectory() as folder:
        runner = LocalBot(emulator.url, emulator.bot_token, Path(folder) / "statewide.db", clock=clock)
        try:
            guild = await control.create_guild("Arizona STEM Network")
            guild_id, general_id = str(guild["id"]), str(guild["system_channel_id"])
            organizer = await control.add_member(guild_id, "olivia_organizer", admin=True)
            alice = await control.add_member(guild_id, "alice_teacher")
            bob = await control.add_member(guild_id, "bob_business")
            for actor in (organizer, alice, bob):
                actor.channel_id = general_id
            bot = await runner.start()
            await eventually(lambda: _ready(bot, int(guild_id)), what="the guild")
            community = Community(
                emulator, control, runner, guild_id, general_id, organizer, alice, bob, clock
            )
            print(f"rate limit: {limit} requests per {window:g} s per route bucket")
            total = time.perf_counter()

            def stage(name: str, seconds: float, detail: str) -> None:
                print(f"{name}: {seconds:.1f} s  ({detail}; loop busy up to {lag.take():.2f} s)", flush=True)

            lag.take()
            await Statewide(community, scale, stage).play()
            requests = await control.requests()
            limited = sum(1 for r in requests if r["status"] == 429)
            print(f"total: {time.perf_counter() - total:.1f} s")
            print(f"REST requests logged: {len(requests)}, answered 429: {limited}")
            routes = Counter(f"{r['method']} {r['route']}" for r in requests)
            for route, count in routes.most_common(8):
                print(f"  {count:6d}  {route}")
            for route, count in Counter(
                f"{r['method']} {r['route']}" for r in requests if r["status"] == 429
            ).most_common():
                print(f"  429 x{count}: {route}")
            _conformance(record)
        finally:
            await runner.stop()
            await control.close()
            await emulator.stop()
            shutil.rmtree(record.parent, ignore_errors=True)


def _conformance(record: Path) -> None:
    """Every request the run sent, checked against Discord's OpenAPI description (when it is beside us)."""
    spec_path = conformance.default_spec_path(Path(__file__).resolve().parents[1])
    if not spec_path.exists():
        print(f"conformance: skipped: no Discord API spec at {spec_path}")
        return
    report = conformance.check(recording.read_records(record), conformance.Spec.load(spec_path))
    print(f"{report.summary()} ({report.bodies} bodies against the schema)")
    for violation in report.violations[:10]:
        print(f"  {violation.line()}")


async def _ready(bot: object, guild_id: int) -> bool:
    from bot.client import CopBot

    assert isinstance(bot, CopBot)
    return bot.get_guild(guild_id) is not None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=SEED.members)
    parser.add_argument("--resources", type=int, default=SEED.resources)
    parser.add_argument("--going", type=int, default=SEED.going)
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--window", type=float, default=1.0)
    parser.add_argument(
        "--slow-callbacks",
        type=float,
        default=0.0,
        help="log every event-loop step longer than this many seconds (asyncio debug mode)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.slow_callbacks:
        logging.getLogger("asyncio").setLevel(logging.WARNING)
    scale = Scale(members=args.members, resources=args.resources, going=min(args.going, args.members))
    asyncio.run(run(scale, args.limit, args.window, args.slow_callbacks), debug=bool(args.slow_callbacks))


if __name__ == "__main__":
    main()
