"""Benchmark: interaction round trips through the emulator's control API, and emulator start → bot ready.

    python bench/emulator_roundtrip.py [-n 500]

One round trip = POST /_emulator/interactions → INTERACTION_CREATE on the gateway → discord.py runs the
command → POST /interactions/{id}/{token}/callback → the control call answers. Everything runs in one
process over real loopback sockets, with the real, unmodified discord.py.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path

import aiohttp
import discord
import yarl
from discord import app_commands

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emulator import Emulator


class BenchBot(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.ready_event = asyncio.Event()

        @self.tree.command(name="ping", description="Pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_ready(self) -> None:
        self.ready_event.set()


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(n: int) -> None:
    started = time.perf_counter()
    emu = Emulator()
    await emu.start(port=0)
    guild = emu.control.create_guild({"name": "Bench"})
    member = emu.control.add_member(int(guild["id"]), {"username": "bench-user"})
    discord.http.Route.BASE = emu.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.ws_url)
    bot = BenchBot()
    task = asyncio.create_task(bot.start(emu.bot_token))
    await asyncio.wait_for(bot.ready_event.wait(), 10)
    ready_after = time.perf_counter() - started

    body = {"guild_id": guild["id"], "user_id": member["user"]["id"], "command": "ping"}
    samples: list[float] = []
    async with aiohttp.ClientSession() as session:
        url = f"{emu.url}/_emulator/interactions"
        for _ in range(20):  # warm-up
            async with session.post(url, json=body) as resp:
                await resp.read()
        for _ in range(n):
            t0 = time.perf_counter()
            async with session.post(url, json=body) as resp:
                out = await resp.json()
            samples.append(time.perf_counter() - t0)
            assert out["response"]["data"]["content"] == "pong", out

    await bot.close()
    await task
    await emu.stop()
    ms = [s * 1000 for s in samples]
    print(f"emulator start → bot ready: {ready_after * 1000:.1f} ms (guild_ready_timeout 0.05 s included)")
    print(f"interaction round trips: n={n}")
    print(
        f"  median {statistics.median(ms):.3f} ms   p95 {percentile(ms, 0.95):.3f} ms   max {max(ms):.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(run(args.n))


if __name__ == "__main__":
    main()
