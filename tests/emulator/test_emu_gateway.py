"""Gateway details: member chunking, intents, DMs, forum posts, control-side changes reaching the bot."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import discord
import pytest
from emu_helpers import ControlClient, start_bot, until, waiter
from emu_testbot import EmuBot

from emulator import Emulator
from emulator.gateway import HEARTBEAT_ACK_DELAY

Json = dict[str, Any]


@pytest.mark.usefixtures("point_discord")
async def test_large_guild_is_chunked_with_op8(emu: Emulator) -> None:
    guild = emu.control.create_guild({"name": "Big"})
    for i in range(300):
        emu.control.add_member(int(guild["id"]), {"username": f"member{i}"})
    bot, task = await start_bot(emu)
    try:
        found = bot.get_guild(int(guild["id"]))
        assert found is not None
        assert found.chunked
        assert found.member_count == 302
        assert len(found.members) == 302
        assert emu.gateway.stats["chunk_requests"] >= 1
    finally:
        await bot.close()
        await task


async def test_message_content_needs_the_intent(emu: Emulator, guild: Json, member: Json) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(emu.ws_url) as ws:
        await ws.receive_json()
        intents = discord.Intents.default()  # no message_content
        await ws.send_json(
            {"op": 2, "d": {"token": emu.bot_token, "intents": intents.value, "properties": {}}}
        )
        while (await ws.receive_json(timeout=3)).get("t") != "READY":
            pass
        channel = guild["channels"][0]["id"]
        uid = member["user"]["id"]
        emu.control.post_message({"channel_id": channel, "user_id": uid, "content": "secret words"})
        emu.control.post_message(
            {"channel_id": channel, "user_id": uid, "content": f"<@{emu.bot_user_id}> hello"}
        )
        seen: list[str] = []
        while len(seen) < 2:
            frame = json.loads((await ws.receive(timeout=3)).data)
            if frame.get("t") == "MESSAGE_CREATE":
                seen.append(frame["d"]["content"])
        assert seen == ["", f"<@{emu.bot_user_id}> hello"]


async def test_message_events_need_guild_messages(emu: Emulator, guild: Json, member: Json) -> None:
    """Without GUILD_MESSAGES a session gets no MESSAGE_CREATE: the next event it sees is a later one."""
    async with aiohttp.ClientSession() as session, session.ws_connect(emu.ws_url) as ws:
        await ws.receive_json()
        intents = discord.Intents.none()
        intents.guilds = True
        await ws.send_json(
            {"op": 2, "d": {"token": emu.bot_token, "intents": intents.value, "properties": {}}}
        )
        while (await ws.receive_json(timeout=3)).get("t") != "READY":
            pass
        channel = guild["channels"][0]["id"]
        emu.control.post_message({"channel_id": channel, "user_id": member["user"]["id"], "content": "hi"})
        emu.control.create_channel(int(guild["id"]), {"name": "after"})
        seen: list[str] = []
        while "CHANNEL_CREATE" not in seen:
            frame = json.loads((await ws.receive(timeout=3)).data)
            if frame.get("t") not in (None, "GUILD_CREATE"):
                seen.append(frame["t"])
        assert seen == ["CHANNEL_CREATE"]


async def test_member_dm_reaches_the_bot(bot: EmuBot, control: ControlClient, member: Json) -> None:
    got = waiter(bot, "message", lambda m: m.guild is None)
    await control.post("/messages", {"dm": True, "user_id": member["user"]["id"], "content": "psst"})
    message = await got
    assert message.content == "psst"
    assert isinstance(message.channel, discord.DMChannel)
    await message.channel.send("hi back")
    assert [m["content"] for m in await control.get(f"/users/{member['user']['id']}/dms")] == ["hi back"]


async def test_an_incoming_webhooks_message_reaches_the_bot_as_discord_py_reads_one(
    bot: EmuBot, guild: Json, control: ControlClient, emu: Emulator
) -> None:
    channel = guild["channels"][0]["id"]
    got = waiter(bot, "message", lambda m: m.webhook_id is not None)
    posted = await control.post(
        "/webhook-messages", {"channel_id": channel, "content": "News!", "name": "Feed"}
    )
    message = await got
    assert message.content == "News!"
    assert message.webhook_id == int(posted["webhook_id"])
    assert message.author.bot
    assert message.author.name == "Feed"
    assert isinstance(message.author, discord.User)  # no member: a webhook is not one
    assert message.application_id is None
    for refused in ({"channel_id": channel, "content": ""}, {"channel_id": channel, "content": "x" * 2001}):
        status, data = await control.call("POST", "/webhook-messages", refused)
        assert status == 400
        assert "1 to 2000" in str(data)


async def test_forum_post(bot: EmuBot, guild: Json, control: ControlClient) -> None:
    g = bot.get_guild(int(guild["id"]))
    assert g is not None
    forum = await g.create_forum("Resources")
    created = waiter(bot, "thread_create")
    post = await forum.create_thread(name="Lesson plans", content="Share yours here")
    assert post.thread.parent_id == forum.id
    assert post.message.content == "Share yours here"
    assert (await created).id == post.thread.id
    assert [m["content"] for m in await control.get(f"/channels/{post.thread.id}/messages")] == [
        "Share yours here"
    ]
    await post.thread.send("mine")
    with pytest.raises(discord.HTTPException) as info:
        await bot.http.send_message(forum.id, params=discord.http.handle_message_parameters(content="no"))
    assert info.value.code == 50008


async def test_control_changes_reach_the_bot(
    bot: EmuBot, guild: Json, member: Json, control: ControlClient
) -> None:
    g = bot.get_guild(int(guild["id"]))
    assert g is not None
    gid = guild["id"]
    role = await control.post(f"/guilds/{gid}/roles", {"name": "Parents", "permissions": "0"})
    await until(lambda: g.get_role(int(role["id"])) is not None)
    uid = member["user"]["id"]
    await control.call("PUT", f"/guilds/{gid}/members/{uid}/roles/{role['id']}")
    await until(lambda: any(r.id == int(role["id"]) for r in getattr(g.get_member(int(uid)), "roles", [])))
    channel = await control.post(f"/guilds/{gid}/channels", {"name": "private-room", "private": True})
    await until(lambda: g.get_channel(int(channel["id"])) is not None)
    made = g.get_channel(int(channel["id"]))
    assert made is not None
    assert not made.permissions_for(g.default_role).view_channel
    await control.call("PATCH", f"/guilds/{gid}/members/{uid}", {"nick": "Al"})
    await until(lambda: getattr(g.get_member(int(uid)), "nick", None) == "Al")


async def test_role_positions_and_reorder(bot: EmuBot, guild: Json, emu: Emulator) -> None:
    g = bot.get_guild(int(guild["id"]))
    assert g is not None
    first = await g.create_role(name="first")
    second = await g.create_role(name="second")
    order = [r.name for r in sorted(emu.state.guilds[g.id].roles.values(), key=lambda r: r.position)]
    assert order == ["@everyone", "second", "first", "bot"]
    await g.edit_role_positions({first: 1, second: 2})
    order = [r.name for r in sorted(emu.state.guilds[g.id].roles.values(), key=lambda r: r.position)]
    assert order == ["@everyone", "first", "second", "bot"]
    await until(lambda: [r.name for r in g.roles] == order)
    bot_role = next(r for r in g.roles if r.name == "bot")
    with pytest.raises(discord.Forbidden):
        await bot_role.edit(name="renamed")
    await asyncio.wait_for(first.delete(), 2)


async def test_a_heartbeat_is_acknowledged_after_a_round_trip_not_at_once(emu: Emulator) -> None:
    # discord.py records when it sent a heartbeat from its keep-alive thread, after the send completes. An
    # ACK from an in-process emulator could arrive first, and the latency read as the whole interval: after
    # 41 s `copbot demo --serve` logged "Can't keep up … websocket is 41.3s behind". So the emulator answers
    # after a network-like delay (checked here without a clock: the ACK is scheduled, and it does arrive).
    assert HEARTBEAT_ACK_DELAY > 0
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(emu.ws_url + "?v=10&encoding=json") as ws,
    ):
        hello = await ws.receive_json()
        assert hello["op"] == 10
        await ws.send_json({"op": 1, "d": None})
        ack = await ws.receive_json()
        assert ack["op"] == 11
    assert emu.gateway.stats["heartbeat"] == 1
