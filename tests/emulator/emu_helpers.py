"""Helpers for the emulator tests: a control API client, waiting helpers, starting the test bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import discord
from emu_testbot import EmuBot

from emulator import Emulator


class ControlClient:
    """Calls the HTTP control API under /_emulator."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base + "/_emulator"

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        async with self.session.request(method, self.base + path, json=body) as resp:
            assert resp.headers["Content-Type"] == "application/json"
            return resp.status, await resp.json()

    async def post(self, path: str, body: Any = None, expect: int = 200) -> Any:
        status, data = await self.call("POST", path, body)
        assert status == expect, data
        return data

    async def get(self, path: str, expect: int = 200) -> Any:
        status, data = await self.call("GET", path)
        assert status == expect, data
        return data


async def until(predicate: Callable[[], bool], within: float = 3.0) -> None:
    """Poll a condition until it holds or the deadline passes."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(0.005)


def waiter(bot: discord.Client, event: str, check: Callable[..., bool] | None = None) -> Awaitable[Any]:
    """Start waiting for a bot event now; await the result later."""
    return asyncio.ensure_future(bot.wait_for(event, check=check, timeout=5))


async def start_bot(emu: Emulator) -> tuple[EmuBot, asyncio.Task[None]]:
    """Start the test bot against the emulator and wait for on_ready."""
    client = EmuBot()
    task = asyncio.create_task(client.start(emu.bot_token))
    ready = asyncio.ensure_future(client.ready.wait())
    done, _ = await asyncio.wait({ready, task}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()
    assert ready in done, "bot did not become ready"
    return client, task
