"""Run copbot in this process against a local Discord emulator: for the tests and `copbot demo`."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from bot.client import CopBot
from bot.settings import Settings
from core.clock import Clock

READY_TIMEOUT = 15.0


class LocalBot:
    """Starts, restarts and stops one copbot process-in-a-task on a given database."""

    def __init__(self, api_url: str, token: str, database: Path, *, clock: Clock | None = None) -> None:
        self.api_url = api_url
        self.clock = clock  # kept across restarts: a restarted bot reads the same time
        self.token = token
        self.database = database
        self.bot: CopBot | None = None
        self._task: asyncio.Task[None] | None = None
        self.settings_overrides: dict[str, object] = {}  # more settings, as a host's environment would give

    async def start(self, *, sync: bool = True) -> CopBot:
        settings = Settings(
            database=self.database,
            discord_api_url=self.api_url,
            _env_file=None,
            **self.settings_overrides,  # type: ignore[arg-type]
        )
        bot = CopBot(settings, fast_start=True, clock=self.clock)
        self.bot = bot
        self._task = asyncio.create_task(bot.start(self.token), name="copbot")
        ready = asyncio.create_task(bot.ready_event.wait())
        done, _ = await asyncio.wait(
            {ready, self._task}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            failed, self._task, self.bot = self._task, None, None
            await bot.close()
            if failed in done:
                failed.result()  # start-up failed: raise its error here (once: stop() has nothing left)
            failed.cancel()
            raise TimeoutError(f"copbot was not ready within {READY_TIMEOUT} s")
        if sync:
            await bot.tree.sync()
        return bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.bot = None
        self._task = None

    async def restart(self) -> CopBot:
        """Stop and start again on the same database, as after a deploy."""
        await self.stop()
        return await self.start(sync=False)
