"""Health for whoever watches copbot: /healthz and /metrics on a local port (off unless set), the counts
behind them, a port that is taken, and the logs (one line per event, JSON by setting, never the token)."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.health import HealthServer
from bot.local import LocalBot
from core.clock import ManualClock
from emulator import Emulator
from emulator.driver import Control
from tests.e2e.community import Community, eventually
from tests.e2e.process import CopbotProcess


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def fetch(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}{path}") as response:
        return response.status, await response.text()


def value(metrics: str, name: str) -> float:
    """The sample `name{labels}` in Prometheus' text format (0 when absent)."""
    for line in metrics.splitlines():
        if line.startswith(name + " ") or (line.startswith(name + "{") and line.split(" ")[0] == name):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_healthz_and_metrics_say_what_runs_and_what_was_done(community: Community) -> None:
    bot = community.bot
    assert bot.health is None  # off by default
    port = free_port()
    server = HealthServer(bot, "127.0.0.1", port)
    assert await server.start()
    try:
        assert await fetch(port, "/healthz") == (200, "ok\n")
        await community.alice.run("cop about")
        await community.alice.run("cop about")
        await community.alice.run("meeting show", id=99999)  # refused: there is no such meeting
        status, metrics = await fetch(port, "/metrics")
        assert status == 200
        assert value(metrics, 'copbot_interactions_total{kind="command",name="cop about",outcome="ok"}') == 2
        assert value(metrics, 'copbot_command_seconds_count{command="cop about"}') == 2
        assert value(metrics, "copbot_gateway_connected") == 1
        assert value(metrics, "copbot_guilds") == 1
        assert 'copbot_jobs{state="pending"}' in metrics
        assert "copbot_discord_rate_limits_total 0.0" in metrics

        await bot.scheduler.shutdown()  # a scheduler that stopped: the endpoint says so
        status, text = await fetch(port, "/healthz")
        assert (status, text) == (503, "the scheduler is not running\n")
    finally:
        await server.stop()


async def test_rate_limits_and_reconnects_are_counted(community: Community) -> None:
    await community.control.fault(
        "ratelimit", route="POST /interactions/{interaction_id}/{token}/callback", count=1, retry_after=0.05
    )
    await community.alice.run("cop about")
    assert community.bot.metrics.rate_limits._value.get() == 1
    await community.control.call("POST", "/gateway", {"action": "reconnect"})

    async def reconnected() -> bool:
        return community.bot.metrics.reconnects._value.get() >= 1

    await eventually(reconnected, what="a reconnect counted")


async def test_a_taken_port_is_one_line_and_the_bot_runs_on(
    emulator: Emulator, control: Control, clock: ManualClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        runner = LocalBot(emulator.url, emulator.bot_token, tmp_path / "copbot.db", clock=clock)
        runner.settings_overrides = {"health_port": port}
        with caplog.at_level(logging.ERROR, logger="bot.health"):
            bot = await runner.start()
        assert bot.health is None
        [line] = [r.getMessage() for r in caplog.records if r.name == "bot.health"]
        assert f"could not listen on 127.0.0.1:{port}" in line
        assert "copbot runs on without it" in line
        assert bot.scheduler.running
        await runner.stop()


async def test_json_logs_are_one_object_a_line_with_guild_and_command_and_never_the_token(
    copbot_process: CopbotProcess,
) -> None:
    port = free_port()
    copbot_process.extra_env = {
        "COPBOT_LOG_FORMAT": "json",
        "COPBOT_LOG_LEVEL": "INFO",
        "COPBOT_HEALTH_PORT": str(port),
    }
    await copbot_process.sync()
    guild = await copbot_process.control.create_guild("Logs")
    member = await copbot_process.control.add_member(str(guild["id"]), "lee")
    member.channel_id = str(guild["system_channel_id"])
    await copbot_process.start()
    await member.run("cop about")
    await member.run("directory", text="Quinoa Zephyr")  # what a member typed is never logged

    async def healthy() -> bool:
        return await fetch(port, "/healthz") == (200, "ok\n")

    await eventually(healthy, within=15, what="a healthy bot")
    _code, err = await copbot_process.terminate()
    lines = [line for line in err.splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    assert entries
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    done = [e for e in entries if e["logger"] == "bot.interactions"]
    assert all(e["guild"] == int(guild["id"]) for e in done)
    assert copbot_process.emulator.bot_token not in err
    assert "Quinoa" not in err
    assert {"cop about", "directory"} <= {e.get("command") for e in entries}
