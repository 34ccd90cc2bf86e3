"""Faults on demand: 429s, 5xx, slow answers, dropped gateway, op 7 and op 9."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from emu_helpers import ControlClient, waiter
from emu_testbot import EmuBot

from emulator import Emulator

Json = dict[str, Any]
SEND = "POST /channels/{channel_id}/messages"


def general(bot: EmuBot, guild: Json) -> discord.TextChannel:
    channel = bot.get_channel(int(guild["channels"][0]["id"]))
    assert isinstance(channel, discord.TextChannel)
    return channel


def statuses(log: list[Json], route: str) -> list[int]:
    method, path = route.split(" ", 1)
    return [r["status"] for r in log if r["method"] == method and r["route"] == path]


async def test_forced_429_then_retry_succeeds(bot: EmuBot, guild: Json, control: ControlClient) -> None:
    await control.post("/faults", {"kind": "ratelimit", "route": SEND, "count": 1, "retry_after": 0.05})
    message = await general(bot, guild).send("after a 429")
    assert message.content == "after a 429"
    assert statuses(await control.get("/requests"), SEND) == [429, 200]


async def test_global_429_on_any_route(bot: EmuBot, guild: Json, control: ControlClient) -> None:
    await control.post("/faults", {"kind": "ratelimit", "retry_after": 0.05, "global": True})
    await general(bot, guild).send("after a global 429")
    log = await control.get("/requests")
    assert [r["status"] for r in log][-2:] == [429, 200]


async def test_server_error_then_discordpy_retries(bot: EmuBot, guild: Json, control: ControlClient) -> None:
    await control.post("/faults", {"kind": "server_error", "route": SEND, "status": 502})
    message = await general(bot, guild).send("after a 502")  # discord.py waits 1 s before retrying
    assert message.content == "after a 502"
    assert statuses(await control.get("/requests"), SEND) == [502, 200]


async def test_slow_response(bot: EmuBot, guild: Json, control: ControlClient) -> None:
    await control.post("/faults", {"kind": "slow", "route": "/channels/{id}/messages", "delay": 0.2})
    await general(bot, guild).send("slowly")
    assert await control.get("/faults") == []  # the delay was applied to this request and used up


async def test_drop_then_resume_replays_missed_events(
    bot: EmuBot, guild: Json, member: Json, control: ControlClient, emu: Emulator
) -> None:
    resumed = waiter(bot, "resumed")
    got = waiter(bot, "message", lambda m: m.content == "while you were away")
    await control.post("/gateway", {"action": "drop", "hold": True})
    channel = guild["channels"][0]["id"]
    await control.post(
        "/messages",
        {"channel_id": channel, "user_id": member["user"]["id"], "content": "while you were away"},
    )
    info = await control.get("/gateway")
    assert info["held"] is True
    assert not any(s["connected"] for s in info["sessions"])
    await control.post("/gateway", {"action": "release"})
    await resumed
    assert (await got).content == "while you were away"
    assert emu.gateway.stats["resume"] == 1
    assert emu.gateway.stats["identify"] == 1


async def test_interaction_sent_while_disconnected_is_replayed(
    bot: EmuBot, guild: Json, member: Json, control: ControlClient
) -> None:
    await control.post("/gateway", {"action": "drop", "hold": True})
    body = {"guild_id": guild["id"], "user_id": member["user"]["id"], "command": "ping"}
    pending = asyncio.ensure_future(control.post("/interactions", body))
    await control.post("/gateway", {"action": "release"})
    out = await pending
    assert out["response"]["data"]["content"] == "pong"


async def test_abrupt_drop_resumes(bot: EmuBot, control: ControlClient, emu: Emulator) -> None:
    resumed = waiter(bot, "resumed")
    assert (await control.post("/gateway", {"action": "drop"}))["connections"] == 1
    await resumed
    assert emu.gateway.stats["resume"] == 1


async def test_op7_reconnect_resumes(bot: EmuBot, control: ControlClient, emu: Emulator) -> None:
    resumed = waiter(bot, "resumed")
    await control.post("/gateway", {"action": "reconnect"})
    await resumed
    assert emu.gateway.stats["resume"] == 1


async def test_op9_invalid_session_identifies_again(
    bot: EmuBot, guild: Json, member: Json, control: ControlClient, emu: Emulator
) -> None:
    bot.ready.clear()
    await control.post("/gateway", {"action": "invalidate"})
    await asyncio.wait_for(bot.ready.wait(), 5)
    assert emu.gateway.stats["identify"] == 2
    assert bot.get_guild(int(guild["id"])) is not None
    out = await control.post(
        "/interactions", {"guild_id": guild["id"], "user_id": member["user"]["id"], "command": "ping"}
    )
    assert out["response"]["data"]["content"] == "pong"


async def test_control_errors_are_json(control: ControlClient) -> None:
    status, data = await control.call("POST", "/faults", {"kind": "nope"})
    assert status == 400
    assert "error" in data
    status, data = await control.call("GET", "/guilds/123")
    assert status == 404
    assert "error" in data
    status, data = await control.call("POST", "/interactions", {"user_id": "1", "command": "x"})
    assert status == 409  # no bot connected
    status, data = await control.call("GET", "/no/such/thing")
    assert status == 404
    assert "error" in data
