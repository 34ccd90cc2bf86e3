"""End-to-end fixtures: a real emulator on loopback, the real copbot in-process, members who act."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.client import CopBot
from bot.local import LocalBot
from core.clock import ManualClock
from emulator import Emulator
from emulator.driver import Actor, Control
from tests.conftest import pass_time

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
        await eventually(lambda: _has_guild(bot, int(self.guild_id)), what="the guild after restart")
        return bot

    async def channel(self, name: str) -> dict[str, object] | None:
        for channel in (await self.control.guild(self.guild_id))["channels"]:
            if channel["name"] == name:
                return dict(channel)
        return None


async def _has_guild(bot: CopBot, guild_id: int) -> bool:
    return bot.get_guild(guild_id) is not None


# Discord drops an interaction the bot hasn't answered within 3 s; so does the emulator by default, and
# bench/statewide.py keeps that. The suite allows more so that a machine busy with other work (CI, two test
# runs at once) can't fail a test on real seconds; emulator tests check the expiry itself.
ANSWER_WITHIN = 20.0


@pytest.fixture
def discord_emulator_options(clock: ManualClock) -> dict[str, Any]:
    """How emulator.pytest_plugin's `discord_emulator` is made for copbot's tests."""
    return {"clock": clock.now, "bot_username": "copbot", "interaction_timeout": ANSWER_WITHIN}


@pytest.fixture
def emulator(discord_emulator: Emulator) -> Emulator:
    return discord_emulator


@pytest.fixture
async def control(emulator: Emulator) -> AsyncIterator[Control]:
    client = await Control.connect(emulator.url)
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
async def community(
    emulator: Emulator, control: Control, clock: ManualClock, tmp_path: Path
) -> AsyncIterator[Community]:
    guild = await control.create_guild("Arizona STEM Network")
    guild_id = str(guild["id"])
    general_id = next(str(c["id"]) for c in guild["channels"] if c["name"] == "general")
    organizer = await control.add_member(guild_id, "olivia_organizer", admin=True)
    alice = await control.add_member(guild_id, "alice_teacher")
    bob = await control.add_member(guild_id, "bob_business")
    for actor in (organizer, alice, bob):
        actor.channel_id = general_id
    runner = LocalBot(emulator.url, emulator.bot_token, tmp_path / "copbot.db", clock=clock)
    bot = await runner.start()
    await eventually(lambda: _has_guild(bot, int(guild_id)), what="the guild in the bot's cache")
    try:
        yield Community(emulator, control, runner, guild_id, general_id, organizer, alice, bob, clock)
    finally:
        await runner.stop()


class CopbotProcess:
    """`copbot run` as a real child process against the emulator, for kill -9 and signal tests."""

    def __init__(self, emulator: Emulator, control: Control, database: Path) -> None:
        self.emulator = emulator
        self.control = control
        self.database = database
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COPBOT_", "DISCORD_"))}
        env.update(
            DISCORD_TOKEN=self.emulator.bot_token,
            COPBOT_DISCORD_API_URL=self.emulator.url,
            COPBOT_DATABASE=str(self.database),
            COPBOT_LOG_LEVEL="WARNING",
        )
        connected_before = await self._connected()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-X",
            "dev",  # asyncio debug: unclosed resources and destroyed tasks are reported
            "-m",
            "bot",
            "run",
            env=env,
            cwd=self.database.parent,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        await eventually(
            lambda: self._connected_more_than(connected_before), within=20, what="copbot to connect"
        )

    async def _connected(self) -> int:
        info = await self.control.call("GET", "/gateway")
        return sum(1 for s in info["sessions"] if s["connected"])

    async def _connected_more_than(self, count: int) -> bool:
        if self.process is not None and self.process.returncode is not None:
            _, err = await self.process.communicate()
            raise AssertionError(f"copbot exited with {self.process.returncode}: {err.decode()[-2000:]}")
        return await self._connected() > count

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as in a power cut."""
        assert self.process is not None
        self.process.kill()
        await self.process.wait()

    async def terminate(self) -> tuple[int, str]:
        """SIGTERM, as a service manager stops it; returns the exit code and what it wrote to stderr."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(self.process.communicate(), 30)
        assert self.process.returncode is not None
        return self.process.returncode, err.decode()


@pytest.fixture
async def copbot_process(
    emulator: Emulator, control: Control, tmp_path: Path
) -> AsyncIterator[CopbotProcess]:
    process = CopbotProcess(emulator, control, tmp_path / "copbot.db")
    try:
        yield process
    finally:
        if process.process is not None and process.process.returncode is None:
            await process.kill()
