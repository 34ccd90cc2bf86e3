"""Fixtures: a fresh emulator per test, discord.py pointed at it, a running test bot, a control API client."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

# Make the repository importable even when the package is not installed (this folder has no __init__.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import aiohttp
import pytest
from emu_helpers import ControlClient, start_bot
from emu_testbot import EmuBot
from refusals import Rest, rest_client

from core.clock import ManualClock
from emulator import Emulator
from emulator.discord_target import pointed_at


@pytest.fixture
async def emu(clock: ManualClock) -> AsyncIterator[Emulator]:
    emulator = Emulator(clock=clock.now)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
def point_discord(emu: Emulator) -> Iterator[None]:
    with pointed_at(emu.url):
        yield


@pytest.fixture
async def rest(emu: Emulator) -> AsyncIterator[Rest]:
    """`rest(method, path, body=None, headers=None) -> (status, json)`: raw REST calls as the bot."""
    async with rest_client(emu) as call:
        yield call


@pytest.fixture
async def guild(emu: Emulator) -> dict[str, Any]:
    created: dict[str, Any] = emu.control.create_guild({"name": "Test Guild"})
    return created


@pytest.fixture
async def bot(emu: Emulator, point_discord: None, guild: dict[str, Any]) -> AsyncIterator[EmuBot]:
    client, task = await start_bot(emu)
    yield client
    if task.done():
        task.result()  # the bot died during the test (e.g. a payload discord.py could not parse)
    assert not client.is_closed(), "the bot's connection closed during the test"
    await client.close()
    await asyncio.wait_for(task, 5)


@pytest.fixture
async def control(emu: Emulator) -> AsyncIterator[ControlClient]:
    async with aiohttp.ClientSession() as session:
        yield ControlClient(session, emu.url)


@pytest.fixture
async def member(control: ControlClient, guild: dict[str, Any]) -> dict[str, Any]:
    created: dict[str, Any] = await control.post(f"/guilds/{guild['id']}/members", {"username": "alice"})
    return created
