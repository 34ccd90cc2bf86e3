"""End-to-end fixtures: a real emulator on loopback, the real copbot in-process, members who act.

The helpers live in modules of their own: `community.py` (`Community`, `eventually`), `process.py` (the bot
as a child process) and `steps.py` (what members and organizers do, and what they find)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.local import LocalBot
from core.clock import ManualClock
from emulator import Emulator
from emulator.driver import Control
from tests.e2e.community import ANSWER_WITHIN, Community, eventually, has_guild
from tests.e2e.process import CopbotProcess
from tests.e2e.steps.resources import choose_resources_channel


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
    await eventually(lambda: has_guild(bot, int(guild_id)), what="the guild in the bot's cache")
    try:
        yield Community(emulator, control, runner, guild_id, general_id, organizer, alice, bob, clock)
    finally:
        await runner.stop()


@pytest.fixture
async def library(community: Community) -> Community:
    """The community with a #resources text channel chosen for resource cards."""
    await choose_resources_channel(community)
    return community


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
