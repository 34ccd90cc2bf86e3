"""Golden payloads: every gateway event the emulator sends parses in discord.py's own parsers.

A raw websocket client plays the bot so every frame is captured, then each frame is fed, in order,
to a fresh discord.py ConnectionState; interactions are also rebuilt as discord.Interaction objects.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord.app_commands.namespace import Namespace

from emulator import Emulator

Json = dict[str, Any]


class RawBot:
    """Speaks the gateway and REST by hand and keeps every dispatch it receives."""

    def __init__(self, emu: Emulator, session: aiohttp.ClientSession) -> None:
        self.emu = emu
        self.session = session
        self.frames: list[Json] = []
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.ws = await self.session.ws_connect(self.emu.ws_url + "?v=10&encoding=json")
        hello = await self.ws.receive_json()
        assert hello["op"] == 10
        await self.ws.send_json(
            {"op": 2, "d": {"token": self.emu.bot_token, "intents": (1 << 17) - 1, "properties": {}}}
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for msg in self.ws:
            frame = json.loads(msg.data)
            if frame["op"] == 0:
                self.frames.append(frame)

    async def wait_for(self, event: str, count: int = 1, within: float = 3.0) -> list[Json]:
        deadline = time.monotonic() + within
        while True:
            found = [f["d"] for f in self.frames if f["t"] == event]
            if len(found) >= count:
                return found
            assert time.monotonic() < deadline, f"no {event}"
            await asyncio.sleep(0.005)

    async def rest(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        headers = {"Authorization": f"Bot {self.emu.bot_token}"}
        async with self.session.request(method, self.emu.api_url + path, json=body, headers=headers) as resp:
            assert resp.status == expect, await resp.text()
            return await resp.json() if resp.status != 204 else None

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await self._reader


@pytest.fixture
async def raw(emu: Emulator) -> AsyncIterator[RawBot]:
    async with aiohttp.ClientSession() as session:
        bot = RawBot(emu, session)
        yield bot
        await bot.close()


async def drive_everything(emu: Emulator, raw: RawBot) -> None:
    """Make the emulator send one of each gateway event."""
    control = emu.control
    guild = control.create_guild({"name": "Golden"})
    gid = guild["id"]
    general = guild["channels"][0]["id"]
    await raw.connect()
    await raw.wait_for("GUILD_CREATE")
    alice = control.add_member(int(gid), {"username": "alice"})
    uid = alice["user"]["id"]
    await raw.rest(
        "PUT",
        f"/applications/{emu.application_id}/commands",
        [
            {
                "name": "meeting",
                "description": "m",
                "options": [
                    {
                        "type": 1,
                        "name": "schedule",
                        "description": "s",
                        "options": [
                            {"type": 3, "name": "title", "description": "t", "required": True},
                            {"type": 6, "name": "host", "description": "h"},
                            {"type": 7, "name": "room", "description": "r"},
                            {"type": 8, "name": "role", "description": "r"},
                            {"type": 9, "name": "who", "description": "w"},
                            {"type": 11, "name": "file", "description": "f"},
                            {"type": 4, "name": "n", "description": "n", "autocomplete": True},
                        ],
                    },
                ],
            },
            {"name": "Quote", "type": 3},
            {"name": "Whois", "type": 2},
        ],
    )
    role = await raw.rest(
        "POST", f"/guilds/{gid}/roles", {"name": "Teachers", "colors": {"primary_color": 255}}
    )
    await raw.rest("PATCH", f"/guilds/{gid}/roles/{role['id']}", {"name": "Teachers!"})
    await raw.rest("PUT", f"/guilds/{gid}/members/{uid}/roles/{role['id']}", expect=204)
    category = await raw.rest("POST", f"/guilds/{gid}/channels", {"name": "cat", "type": 4}, expect=201)
    channel = await raw.rest(
        "POST",
        f"/guilds/{gid}/channels",
        {
            "name": "room",
            "parent_id": category["id"],
            "permission_overwrites": [
                {"id": gid, "type": 0, "allow": 0, "deny": 1024},
                {"id": str(emu.bot_user_id), "type": 1, "allow": 1024 | 2048, "deny": 0},
            ],
        },
        expect=201,
    )
    await raw.rest("POST", f"/guilds/{gid}/channels", {"name": "forum", "type": 15}, expect=201)
    await raw.rest("PATCH", f"/channels/{channel['id']}", {"topic": "new topic"})
    await raw.rest(
        "PUT",
        f"/channels/{channel['id']}/permissions/{uid}",
        {"type": 1, "allow": "1024", "deny": "0"},
        expect=204,
    )
    components = [
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 1, "label": "Go", "custom_id": "go"},
            ],
        },
        {
            "type": 1,
            "components": [
                {
                    "type": 3,
                    "custom_id": "pick",
                    "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}],
                },
            ],
        },
        {"type": 1, "components": [{"type": 5, "custom_id": "users"}]},
        {"type": 1, "components": [{"type": 6, "custom_id": "roles"}]},
        {"type": 1, "components": [{"type": 7, "custom_id": "mention"}]},
    ]
    msg = await raw.rest(
        "POST", f"/channels/{general}/messages", {"content": f"hi <@{uid}>", "components": components}
    )
    await raw.rest("PATCH", f"/channels/{general}/messages/{msg['id']}", {"content": "edited"})
    await raw.rest("PUT", f"/channels/{general}/messages/pins/{msg['id']}", expect=204)
    await raw.rest("PUT", f"/channels/{general}/messages/{msg['id']}/reactions/%F0%9F%91%8D/@me", expect=204)
    await raw.rest("POST", f"/channels/{general}/threads", {"name": "thread", "type": 11}, expect=201)
    control.post_message({"channel_id": general, "user_id": uid, "content": "from alice"})
    gone = await raw.rest("POST", f"/channels/{general}/messages", {"content": "bye"})
    await raw.rest("DELETE", f"/channels/{general}/messages/{gone['id']}", expect=204)
    start = "2999-01-01T10:00:00+00:00"
    event = await raw.rest(
        "POST",
        f"/guilds/{gid}/scheduled-events",
        {
            "name": "Meetup",
            "privacy_level": 2,
            "scheduled_start_time": start,
            "scheduled_end_time": "2999-01-01T11:00:00+00:00",
            "entity_type": 3,
            "entity_metadata": {"location": "Library"},
        },
    )
    await raw.rest("PATCH", f"/guilds/{gid}/scheduled-events/{event['id']}", {"description": "bring snacks"})
    for interested in (True, False):
        control.mark_interested(int(event["id"]), {"user_id": uid, "interested": interested})
    await raw.rest("DELETE", f"/guilds/{gid}/scheduled-events/{event['id']}", expect=204)

    emu.interactions.timeout = 0.05
    quick = {"timeout": 0.05}
    base = {"guild_id": gid, "channel_id": general, "user_id": uid, **quick}
    options = {
        "title": "t",
        "host": uid,
        "room": general,
        "role": role["id"],
        "who": role["id"],
        "file": "a.txt",
        "n": 3,
    }
    await control.interact({**base, "command": "meeting schedule", "options": options})
    await control.autocomplete(
        {**base, "command": "meeting schedule", "options": {"title": "x"}, "focused": "n"}
    )
    await control.context_menu({**base, "command": "Quote", "target_id": msg["id"]})
    await control.context_menu({**base, "command": "Whois", "target_id": uid})
    clicks = [("go", None), ("pick", ["a"]), ("users", [uid]), ("roles", [role["id"]]), ("mention", [uid])]
    for custom_id, values in clicks:
        await control.click(
            {"user_id": uid, "message_id": msg["id"], "custom_id": custom_id, "values": values, **quick}
        )

    # Answer an interaction with a modal (both layouts), then submit it.
    emu.interactions.timeout = 3.0
    for layout in ("rows", "labels"):
        opening = asyncio.ensure_future(
            control.click({"user_id": uid, "message_id": msg["id"], "custom_id": "go"})
        )
        created = await raw.wait_for(
            "INTERACTION_CREATE", count=len([f for f in raw.frames if f["t"] == "INTERACTION_CREATE"]) + 1
        )
        inter = created[-1]
        if layout == "rows":
            fields = [
                {"type": 1, "components": [{"type": 4, "custom_id": "name", "label": "Name", "style": 1}]}
            ]
        else:
            fields = [
                {"type": 18, "label": "Name", "component": {"type": 4, "custom_id": "name", "style": 1}},
                {
                    "type": 18,
                    "label": "Team",
                    "component": {"type": 3, "custom_id": "team", "options": [{"label": "R", "value": "r"}]},
                },
                {"type": 18, "label": "Who", "component": {"type": 5, "custom_id": "who"}},
            ]
        await raw.rest(
            "POST",
            f"/interactions/{inter['id']}/{inter['token']}/callback?with_response=1",
            {
                "type": 9,
                "data": {"custom_id": "modal", "title": "Form", "components": fields},
            },
        )
        opened = await opening
        values = {"Name": "Alice"} if layout == "rows" else {"Name": "Alice", "team": ["r"], "Who": [uid]}
        emu.interactions.timeout = 0.05
        await control.submit_modal(
            {"user_id": uid, "interaction_id": opened["interaction_id"], "values": values, **quick}
        )
        emu.interactions.timeout = 3.0

    assert raw.ws is not None
    await raw.ws.send_json({"op": 8, "d": {"guild_id": gid, "query": "", "limit": 0, "nonce": "n1"}})
    await raw.wait_for("GUILD_MEMBERS_CHUNK")
    await raw.rest("DELETE", f"/channels/{channel['id']}", expect=200)
    await raw.rest("DELETE", f"/guilds/{gid}/roles/{role['id']}", expect=204)
    control.remove_member(int(gid), int(uid))
    await raw.wait_for("GUILD_MEMBER_REMOVE")


EXPECTED = {
    "READY",
    "GUILD_CREATE",
    "CHANNEL_CREATE",
    "CHANNEL_UPDATE",
    "CHANNEL_DELETE",
    "THREAD_CREATE",
    "GUILD_ROLE_CREATE",
    "GUILD_ROLE_UPDATE",
    "GUILD_ROLE_DELETE",
    "GUILD_MEMBER_ADD",
    "GUILD_MEMBER_UPDATE",
    "GUILD_MEMBER_REMOVE",
    "MESSAGE_CREATE",
    "MESSAGE_UPDATE",
    "MESSAGE_DELETE",
    "MESSAGE_REACTION_ADD",
    "CHANNEL_PINS_UPDATE",
    "GUILD_SCHEDULED_EVENT_CREATE",
    "GUILD_SCHEDULED_EVENT_UPDATE",
    "GUILD_SCHEDULED_EVENT_DELETE",
    "GUILD_SCHEDULED_EVENT_USER_ADD",
    "GUILD_SCHEDULED_EVENT_USER_REMOVE",
    "INTERACTION_CREATE",
    "GUILD_MEMBERS_CHUNK",
}


async def test_every_payload_parses_in_discordpy(emu: Emulator, raw: RawBot) -> None:
    await drive_everything(emu, raw)
    names = {f["t"] for f in raw.frames}
    assert names >= EXPECTED, EXPECTED - names

    client = discord.Client(intents=discord.Intents.all(), guild_ready_timeout=0.01)
    state = client._connection
    seen_interactions: set[tuple[int, int]] = set()
    try:
        for frame in raw.frames:
            data = json.loads(json.dumps(frame["d"]))
            state.parsers[frame["t"]](data)
            if frame["t"] == "INTERACTION_CREATE":
                seen_interactions.add(check_interaction(state, frame["d"]))
            if frame["t"] == "MESSAGE_CREATE":
                channel = client.get_channel(int(frame["d"]["channel_id"]))
                message = discord.Message(
                    state=state, channel=channel, data=json.loads(json.dumps(frame["d"]))
                )  # type: ignore[arg-type]
                assert message.content == frame["d"]["content"]
    finally:
        if state._ready_task is not None:
            state._ready_task.cancel()
        await client.close()

    assert {
        (2, 1),
        (2, 2),
        (2, 3),
        (3, 2),
        (3, 3),
        (3, 5),
        (3, 6),
        (3, 7),
        (4, 1),
        (5, 0),
    } <= seen_interactions
    guild = client.guilds[0]
    assert guild.name == "Golden"
    assert {r.name for r in guild.roles} >= {"@everyone", "bot"}
    assert any(isinstance(c, discord.ForumChannel) for c in guild.channels)
    assert any(c.name == "room" for c in guild.channels) is False  # deleted at the end


def check_interaction(state: Any, payload: Json) -> tuple[int, int]:
    """Rebuild a discord.Interaction and resolve its options/values the way the library does."""
    interaction = discord.Interaction(data=json.loads(json.dumps(payload)), state=state)
    assert interaction.user is not None
    data = payload["data"]
    kind = payload["type"]
    if kind in (2, 4):
        options = data.get("options", [])
        while options and options[0]["type"] in (1, 2):
            options = options[0].get("options", [])
        namespace = Namespace(interaction, json.loads(json.dumps(data.get("resolved", {}))), options)
        if kind == 2 and data["type"] == 1:
            assert isinstance(namespace.host, discord.Member)
            assert namespace.room.id == int(payload["channel_id"])
            assert isinstance(namespace.role, discord.Role)
            assert isinstance(namespace.file, discord.Attachment)
        if kind == 2 and data["type"] == 3:
            resolved = Namespace._get_resolved_items(interaction, json.loads(json.dumps(data["resolved"])))
            assert any(isinstance(v, discord.Message) for v in resolved.values())
        return kind, int(data.get("type", 1))
    if kind == 3:
        assert interaction.message is not None
        if data.get("resolved"):
            resolved = Namespace._get_resolved_items(interaction, json.loads(json.dumps(data["resolved"])))
            assert resolved
        return kind, int(data["component_type"])
    assert interaction.message is not None
    return kind, 0
