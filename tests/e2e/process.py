"""`copbot run` as a real child process against the emulator (the `copbot_process` fixture)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from emulator import Emulator
from emulator.driver import Control
from tests.e2e.community import eventually


class CopbotProcess:
    """`copbot run` as a real child process against the emulator, for kill -9 and signal tests."""

    def __init__(self, emulator: Emulator, control: Control, database: Path, *, debug: bool = True) -> None:
        self.emulator = emulator
        self.control = control
        self.database = database
        # asyncio's debug mode reports unclosed resources and destroyed tasks; benchmarks turn it off (it
        # slows every callback)
        self.debug = debug
        self.process: asyncio.subprocess.Process | None = None
        self.extra_env: dict[str, str] = {}  # more settings for every copbot command it runs

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COPBOT_", "DISCORD_"))}
        env.update(
            DISCORD_TOKEN=self.emulator.bot_token,
            COPBOT_DISCORD_API_URL=self.emulator.url,
            COPBOT_DATABASE=str(self.database),
            COPBOT_LOG_LEVEL="WARNING",
        )
        env.update(self.extra_env)
        return env

    def _python(self) -> list[str]:
        return [sys.executable, *(("-X", "dev") if self.debug else ()), "-m", "bot"]

    async def sync(self) -> None:
        """`copbot sync`: register the commands (globally), as a host does once after installing."""
        sync = await asyncio.create_subprocess_exec(
            *self._python(), "sync", env=self._env(), cwd=self.database.parent, stderr=asyncio.subprocess.PIPE
        )
        _, err = await sync.communicate()
        if sync.returncode:
            raise AssertionError(f"copbot sync exited with {sync.returncode}: {err.decode()[-2000:]}")

    async def run_once(self, *args: str) -> tuple[int, str, str]:
        """Another `copbot` command on the same database and settings, to its end: exit code, stdout, stderr."""
        other = await asyncio.create_subprocess_exec(
            *self._python(),
            *args,
            env=self._env(),
            cwd=self.database.parent,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(other.communicate(), 60)
        assert other.returncode is not None
        return other.returncode, out.decode(), err.decode()

    async def start(self) -> None:
        connected_before = await self._connected()
        self.process = await asyncio.create_subprocess_exec(
            *self._python(),
            "run",
            env=self._env(),
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
