"""REST behaviour and Discord's rules, driven through discord.py's own API calls."""

from __future__ import annotations

import datetime
import io
from typing import Any

import aiohttp
import discord
import pytest
from emu_helpers import ControlClient, until, waiter
from emu_testbot import EmuBot

from core.clock import ManualClock
from emulator import Emulator
from emulator import permissions as P

Json = dict[str, Any]


def guild_of(bot: EmuBot, guild: Json) -> discord.Guild:
    found = bot.get_guild(int(guild["id"]))
    assert found is not None
    return found


def general(bot: EmuBot, guild: Json) -> discord.TextChannel:
    channel = bot.get_channel(int(guild["channels"][0]["id"]))
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_login_rejects_other_tokens(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emu.api_url}/users/@me", headers={"Authorization": "Bot nope"}) as resp:
            assert resp.status == 401
        headers = {"Authorization": f"Bot {emu.bot_token}"}
        async with session.get(f"{emu.api_url}/users/@me", headers=headers) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["id"] == str(emu.bot_user_id)


async def test_ready_fills_the_cache(bot: EmuBot, guild: Json, emu: Emulator) -> None:
    found = guild_of(bot, guild)
    assert found.name == "Test Guild"
    assert found.me.id == emu.bot_user_id
    assert {r.name for r in found.roles} == {"@everyone", "bot"}
    assert general(bot, guild).name == "general"
    assert found.owner_id == int(guild["owner_id"])
    assert bot.application_id == emu.application_id


async def test_member_join_update_and_remove(bot: EmuBot, control: ControlClient, guild: Json) -> None:
    joined = waiter(bot, "member_join")
    member = await control.post(f"/guilds/{guild['id']}/members", {"username": "carol"})
    seen = await joined
    assert seen.id == int(member["user"]["id"])
    assert seen.name == "carol"
    removed = waiter(bot, "member_remove")
    await control.call("DELETE", f"/guilds/{guild['id']}/members/{member['user']['id']}")
    assert (await removed).id == seen.id


async def test_role_assignment_follows_hierarchy(
    bot: EmuBot, control: ControlClient, guild: Json, member: Json
) -> None:
    g = guild_of(bot, guild)
    role = await g.create_role(name="Teachers", permissions=discord.Permissions(send_messages=True))
    await until(lambda: g.get_role(role.id) is not None)
    await until(lambda: g.get_member(int(member["user"]["id"])) is not None)
    target = g.get_member(int(member["user"]["id"]))
    assert target is not None
    updated = waiter(bot, "member_update")
    await target.add_roles(role)
    _, after = await updated
    assert role in after.roles
    admin = await control.post(f"/guilds/{guild['id']}/members", {"username": "boss", "admin": True})
    admin_role = int(admin["roles"][0])
    await until(lambda: g.get_role(admin_role) is not None)
    with pytest.raises(discord.Forbidden) as info:
        await target.add_roles(discord.Object(admin_role))
    assert info.value.code == 50013
    with pytest.raises(discord.Forbidden):
        await g.create_role(name="too strong", permissions=discord.Permissions(administrator=True))


async def test_no_manage_roles_means_forbidden(bot: EmuBot, control: ControlClient, emu: Emulator) -> None:
    weak = await control.post(
        "/guilds", {"name": "Weak", "bot_permissions": str(P.VIEW_CHANNEL | P.SEND_MESSAGES)}
    )
    await until(lambda: bot.get_guild(int(weak["id"])) is not None)
    g = bot.get_guild(int(weak["id"]))
    assert g is not None
    with pytest.raises(discord.Forbidden) as info:
        await g.create_role(name="x")
    assert info.value.code == 50013
    with pytest.raises(discord.Forbidden):
        await g.create_text_channel("nope")
    owner = g.get_member(int(weak["owner_id"]))
    assert owner is not None
    # A role that exists (an id guessed from the guild's may or may not: snowflakes follow the real time).
    existing = await control.post(f"/guilds/{weak['id']}/roles", {"name": "Volunteers"})
    with pytest.raises(discord.Forbidden):
        await owner.add_roles(discord.Object(int(existing["id"])))


async def test_channels_overwrites_and_visibility(
    bot: EmuBot, control: ControlClient, guild: Json, member: Json, emu: Emulator
) -> None:
    g = guild_of(bot, guild)
    category = await g.create_category("Stakeholders")
    created = waiter(bot, "guild_channel_create", lambda c: isinstance(c, discord.TextChannel))
    secret = await g.create_text_channel(
        "Teachers Lounge",
        category=category,
        topic="private",
        overwrites={
            g.default_role: discord.PermissionOverwrite(view_channel=False),
            g.me: discord.PermissionOverwrite(view_channel=True),
        },
    )
    assert (await created).id == secret.id
    assert secret.name == "teachers-lounge"
    uid = int(member["user"]["id"])
    assert not emu.state.permissions_for(g.id, uid, secret.id) & P.VIEW_CHANNEL
    await secret.send("for teachers only")
    assert await control.get(f"/channels/{secret.id}/messages?as_user={uid}") == []
    status, _ = await control.call(
        "POST", "/messages", {"channel_id": str(secret.id), "user_id": str(uid), "content": "hi"}
    )
    assert status == 403
    target = await g.fetch_member(uid)
    await secret.set_permissions(target, view_channel=True)
    assert emu.state.permissions_for(g.id, uid, secret.id) & P.VIEW_CHANNEL
    seen = await control.get(f"/channels/{secret.id}/messages?as_user={uid}")
    assert [m["content"] for m in seen] == ["for teachers only"]
    view = await control.get(f"/guilds/{guild['id']}")
    listed = next(c for c in view["channels"] if c["id"] == str(secret.id))
    assert listed["parent_id"] == str(category.id)
    assert {o["id"] for o in listed["permission_overwrites"]} == {str(g.id), str(g.me.id), str(uid)}
    await secret.set_permissions(g.me, view_channel=False)
    with pytest.raises(discord.Forbidden) as info:
        await secret.send("cannot")
    assert info.value.code == 50001


async def test_payload_limits(bot: EmuBot, guild: Json) -> None:
    channel = general(bot, guild)
    with pytest.raises(discord.HTTPException) as info:
        await channel.send("x" * 2001)
    assert info.value.status == 400
    assert info.value.code == 50035
    assert "In content: Must be 2000 or fewer in length." in str(info.value)
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(embed=discord.Embed(title="t" * 257))
    assert "embeds.0.title" in str(info.value)
    big = discord.Embed(description="d" * 4000)
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(embeds=[big, discord.Embed(description="e" * 2500)])
    assert "6000" in str(info.value)
    embed = discord.Embed(title="ok")
    for i in range(26):
        embed.add_field(name=f"f{i}", value="v")
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(embed=embed)
    assert "embeds.0.fields" in str(info.value)
    view = discord.ui.View()
    for i in range(6):
        view.add_item(discord.ui.Button(label=f"b{i}", custom_id=f"b{i}", row=0 if i < 5 else 1))
    await channel.send("five in a row is fine", view=view)


async def test_nonce_dedup(bot: EmuBot, guild: Json, emu: Emulator) -> None:
    channel = general(bot, guild)
    first = await channel.send("once", nonce=424242)
    second = await channel.send("once", nonce=424242)
    assert first.id == second.id
    assert [m.content for m in emu.state.channel_history(channel.id)] == ["once"]


async def test_dm_open_and_closed(bot: EmuBot, control: ControlClient, guild: Json) -> None:
    shy = await control.post(f"/guilds/{guild['id']}/members", {"username": "shy", "dms_open": False})
    user = await bot.fetch_user(int(shy["user"]["id"]))
    with pytest.raises(discord.Forbidden) as info:
        await user.send("hello")
    assert info.value.code == 50007
    await control.call("PATCH", f"/users/{user.id}", {"dms_open": True})
    await user.send("hello again")
    dms = await control.get(f"/users/{user.id}/dms")
    assert [m["content"] for m in dms] == ["hello again"]


async def test_member_message_reaches_the_bot(
    bot: EmuBot, control: ControlClient, guild: Json, member: Json
) -> None:
    got = waiter(bot, "message", lambda m: not m.author.bot)
    channel = guild["channels"][0]["id"]
    await control.post(
        "/messages", {"channel_id": channel, "user_id": member["user"]["id"], "content": "hello bot"}
    )
    message = await got
    assert message.content == "hello bot"
    assert isinstance(message.author, discord.Member)


async def test_edit_delete_and_attachments(bot: EmuBot, guild: Json, control: ControlClient) -> None:
    channel = general(bot, guild)
    msg = await channel.send("v1", file=discord.File(io.BytesIO(b"hello file"), "notes.txt"))
    assert msg.attachments[0].filename == "notes.txt"
    assert await msg.attachments[0].read() == b"hello file"
    edited = waiter(bot, "raw_message_edit")
    await msg.edit(content="v2")
    assert (await edited).data["content"] == "v2"
    history = await control.get(f"/channels/{channel.id}/messages")
    assert history[-1]["content"] == "v2"
    assert history[-1]["edited_timestamp"] is not None
    deleted = waiter(bot, "raw_message_delete")
    await msg.delete()
    assert (await deleted).message_id == msg.id
    assert await control.get(f"/channels/{channel.id}/messages") == []


async def test_uploads_over_the_servers_limit_are_refused_as_discord_does(
    bot: EmuBot, guild: Json, control: ControlClient
) -> None:
    channel = general(bot, guild)
    half = 5 * 1024 * 1024
    files = [discord.File(io.BytesIO(b"x" * half), "a.bin"), discord.File(io.BytesIO(b"y" * half), "b.bin")]
    sent = await channel.send("just fits", files=files)  # 10 MiB in all: the limit itself
    assert len(sent.attachments) == 2
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send("too big", file=discord.File(io.BytesIO(b"z" * (2 * half + 1)), "c.bin"))
    assert (refused.value.status, refused.value.code) == (413, 40005)
    assert [m["content"] for m in await control.get(f"/channels/{channel.id}/messages")] == ["just fits"]


async def test_scheduled_events(bot: EmuBot, guild: Json, control: ControlClient, clock: ManualClock) -> None:
    g = guild_of(bot, guild)
    start = clock.now() + datetime.timedelta(days=1)
    with pytest.raises(discord.HTTPException) as info:
        await bot.http.create_guild_scheduled_event(
            g.id, name="x", privacy_level=2, scheduled_start_time=start.isoformat(), entity_type=3
        )
    assert info.value.code == 50035
    created = waiter(bot, "scheduled_event_create")
    event = await g.create_scheduled_event(
        name="Monthly meetup",
        start_time=start,
        end_time=start + datetime.timedelta(hours=1),
        entity_type=discord.EntityType.external,
        location="Library",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert (await created).id == event.id
    assert g.get_scheduled_event(event.id) is not None
    updated = waiter(bot, "scheduled_event_update")
    await event.edit(name="Monthly meetup (moved)")
    _, after = await updated
    assert after.name == "Monthly meetup (moved)"
    listed = await control.get(f"/guilds/{guild['id']}")
    assert [e["name"] for e in listed["scheduled_events"]] == ["Monthly meetup (moved)"]
    deleted = waiter(bot, "scheduled_event_delete")
    await event.delete()
    await deleted
    with pytest.raises(discord.NotFound) as missing:
        await g.fetch_scheduled_event(event.id)
    assert missing.value.code == 10070


async def test_unknown_ids_use_discord_codes(bot: EmuBot, guild: Json) -> None:
    g = guild_of(bot, guild)
    channel = general(bot, guild)
    cases = [
        (g.fetch_member(1234567890123456), 10007),
        (bot.fetch_channel(1234567890123456), 10003),
        (channel.fetch_message(1234567890123456), 10008),
        (bot.fetch_user(1234567890123456), 10013),
        (bot.fetch_guild(1234567890123456), 10004),
        (g.fetch_role(1234567890123456), 10011),
    ]
    for call, code in cases:
        with pytest.raises(discord.NotFound) as info:
            await call
        assert info.value.code == code


async def test_requests_are_logged(bot: EmuBot, guild: Json, control: ControlClient) -> None:
    await general(bot, guild).send("logged")
    log = await control.get("/requests")
    sent = [r for r in log if r["route"] == "/channels/{channel_id}/messages" and r["method"] == "POST"]
    assert sent
    assert sent[-1]["status"] == 200
    assert sent[-1]["json"]["content"] == "logged"
    assert {"method", "route", "path", "status", "time"} <= set(sent[-1])
