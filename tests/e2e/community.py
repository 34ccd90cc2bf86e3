"""The end-to-end world: a `Community` (one guild with copbot in it, an organizer and two members) and
`eventually`, which polls for an outcome the bot produces asynchronously."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from bot.client import CopBot
from bot.local import LocalBot
from core.clock import ManualClock
from emulator import Emulator
from emulator.driver import Actor, Control
from tests.clock import pass_time

# Discord drops an interaction the bot hasn't answered within 3 s; so does the emulator by default, and
# bench/statewide.py keeps that. The suite allows more so that a machine busy with other work (CI, two test
# runs at once) can't fail a test on real seconds; emulator tests check the expiry itself.
ANSWER_WITHIN = 20.0


T = TypeVar("T")


async def eventually(probe: Callable[[], Awaitable[T | None]], *, within: float = 5.0, what: str = "") -> T:
    """Poll `probe` until it returns something truthy, or fail after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        value = await probe()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {within} s waiting for {what or probe}")
        await asyncio.sleep(0.02)


@dataclass
class Community:
    """One guild with copbot in it, an organizer and two members."""

    emulator: Emulator
    control: Control
    runner: LocalBot
    guild_id: str
    general_id: str
    organizer: Actor
    alice: Actor
    bob: Actor
    clock: ManualClock

    async def travel(self, to: datetime) -> None:
        """Let the bot's (and Discord's) clock run to `to`: every job due on the way runs at its time."""
        await pass_time(self.clock, self.bot.scheduler, to)

    async def advance(self, by: timedelta) -> None:
        """Let `by` pass, as `travel`."""
        await self.travel(self.clock.now() + by)

    async def jump(self, to: datetime) -> None:
        """Set the clock to `to` at once, as after the bot was offline; what is then due runs (late)."""
        self.clock.set(to)
        await self.bot.scheduler.idle()

    @property
    def bot(self) -> CopBot:
        assert self.runner.bot is not None
        return self.runner.bot

    async def restart(self) -> CopBot:
        bot = await self.runner.restart()
        await eventually(lambda: has_guild(bot, int(self.guild_id)), what="the guild after restart")
        return bot

    async def channel(self, name: str) -> dict[str, object] | None:
        for channel in (await self.control.guild(self.guild_id))["channels"]:
            if channel["name"] == name:
                return dict(channel)
        return None


async def has_guild(bot: CopBot, guild_id: int) -> bool:
    return bot.get_guild(guild_id) is not None
