"""Act as members through the emulator's control API: run commands, click, submit modals, read channels.

For end-to-end tests, benchmarks and demos; it speaks only HTTP to `/_emulator`, so the emulator may run in
another process.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from emulator.errors import ControlError

__all__ = ["Actor", "Control", "ControlError", "Reply", "flatten_components", "message_text"]

EPHEMERAL = 1 << 6


@dataclass
class Reply:
    """What the bot answered to one interaction, as the member who acted sees it."""

    raw: dict[str, Any]

    @property
    def interaction_id(self) -> str:
        return str(self.raw.get("interaction_id", ""))

    @property
    def type(self) -> int:
        return int(self.raw.get("response", {}).get("type", 0))

    @property
    def data(self) -> dict[str, Any]:
        return dict(self.raw.get("response", {}).get("data") or {})

    @property
    def followups(self) -> list[dict[str, Any]]:
        return list(self.raw.get("followups") or [])

    @property
    def message_id(self) -> str | None:
        value = self.raw.get("message_id")
        return str(value) if value else None

    @property
    def is_modal(self) -> bool:
        return self.type == 9

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def content(self) -> str:
        return str(self.data.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.data.get("embeds") or [])

    @property
    def text(self) -> str:
        """Everything readable in the reply and its followups, flattened: content, embeds, fields."""
        return "\n".join(message_text(m) for m in [self.data, *self.followups] if m)

    @property
    def components(self) -> list[dict[str, Any]]:
        return flatten_components(self.data.get("components") or [])

    @property
    def buttons(self) -> list[str]:
        return [c.get("label") or c.get("custom_id", "") for c in self.components if c.get("type") == 2]


def flatten_components(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every interactive component, whether in action rows, labels or containers."""
    found: list[dict[str, Any]] = []
    for item in rows:
        inner = item.get("components")
        if inner is not None:
            found.extend(flatten_components(inner))
        elif item.get("component") is not None:
            found.extend(flatten_components([item["component"]]))
        else:
            found.append(item)
    return found


def message_text(message: dict[str, Any]) -> str:
    """A message's content and embeds as plain text."""
    parts = [str(message.get("content") or "")]
    for embed in message.get("embeds") or []:
        for key in ("title", "description"):
            if embed.get(key):
                parts.append(str(embed[key]))
        for field_ in embed.get("fields") or []:
            parts.append(f"{field_.get('name', '')}: {field_.get('value', '')}")
        if (embed.get("footer") or {}).get("text"):
            parts.append(str(embed["footer"]["text"]))
    return "\n".join(p for p in parts if p)


@dataclass
class Control:
    """A client of one emulator's control API."""

    base_url: str
    session: aiohttp.ClientSession = field(repr=False)

    @classmethod
    async def connect(cls, base_url: str) -> Control:
        return cls(base_url.rstrip("/"), aiohttp.ClientSession())

    async def close(self) -> None:
        await self.session.close()

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with self.session.request(method, f"{self.base_url}/_emulator{path}", json=body) as response:
            payload = await response.json(content_type=None) if response.content_length != 0 else None
            if response.status >= 400:
                raise ControlError(f"{method} {path} → {response.status}: {payload}", response.status)
            return payload

    async def create_guild(self, name: str) -> dict[str, Any]:
        return dict(await self.call("POST", "/guilds", {"name": name}))

    async def guild(self, guild_id: str | int) -> dict[str, Any]:
        return dict(await self.call("GET", f"/guilds/{guild_id}"))

    async def add_member(
        self, guild_id: str | int, username: str, *, admin: bool = False, **extra: Any
    ) -> Actor:
        member = await self.call(
            "POST", f"/guilds/{guild_id}/members", {"username": username, "admin": admin, **extra}
        )
        return Actor(self, str(guild_id), str(member["user"]["id"]), username)

    async def remove_member(self, guild_id: str | int, user_id: str | int) -> None:
        await self.call("DELETE", f"/guilds/{guild_id}/members/{user_id}")

    async def interaction(self, interaction_id: str | int) -> Reply:
        """The current state of an interaction's answer (after later edits and follow-ups)."""
        return Reply(await self.call("GET", f"/interactions/{interaction_id}"))

    async def settled(self, reply: Reply, contains: str, *, within: float = 5.0) -> Reply:
        """Re-read a deferred answer until its text contains `contains` (long work edits it with progress)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while contains not in reply.text:
            if loop.time() > deadline:
                raise ControlError(f"the answer never said {contains!r}; last: {reply.text!r}")
            await asyncio.sleep(0.02)
            reply = await self.interaction(reply.interaction_id)
        return reply

    async def webhook_post(
        self, channel_id: str | int, content: str, name: str = "News feed"
    ) -> dict[str, Any]:
        """An incoming webhook posts `content` in the channel."""
        body = {"channel_id": str(channel_id), "content": content, "name": name}
        return dict(await self.call("POST", "/webhook-messages", body))

    async def messages(self, channel_id: str | int) -> list[dict[str, Any]]:
        return list(await self.call("GET", f"/channels/{channel_id}/messages"))

    async def dms(self, user_id: str | int) -> list[dict[str, Any]]:
        return list(await self.call("GET", f"/users/{user_id}/dms"))

    async def fault(self, kind: str, **options: Any) -> None:
        await self.call("POST", "/faults", {"kind": kind, **options})

    async def held(self) -> int:
        """How many requests a "hold" fault is keeping waiting now."""
        return sum(int(f.get("held", 0)) for f in await self.call("GET", "/faults"))

    async def release(self) -> int:
        """Let every held request go on; how many there were."""
        return int((await self.call("POST", "/faults/release"))["released"])

    async def gateway(self, action: str) -> None:
        await self.call("POST", "/gateway", {"action": action})

    async def requests(self) -> list[dict[str, Any]]:
        return list(await self.call("GET", "/requests"))

    async def channel_id(self, guild_id: str | int, name: str) -> str:
        for channel in (await self.guild(guild_id))["channels"]:
            if channel["name"] == name:
                return str(channel["id"])
        raise ControlError(f"no channel named #{name}")


@dataclass
class Actor:
    """One member of one guild, acting through the emulator."""

    control: Control
    guild_id: str
    user_id: str
    username: str
    channel_id: str | None = None

    async def run(self, command: str, *, in_channel: str | None = None, **options: Any) -> Reply:
        """Run a slash command, e.g. `await alice.run("cop timezone", zone="America/New_York")`."""
        body = {
            "guild_id": self.guild_id,
            "channel_id": in_channel or self.channel_id,
            "user_id": self.user_id,
            "command": command,
            "options": {k: _id(v) for k, v in options.items()},
        }
        return Reply(await self.control.call("POST", "/interactions", body))

    async def autocomplete(self, command: str, focused: str, **options: Any) -> list[dict[str, Any]]:
        body = {
            "guild_id": self.guild_id,
            "channel_id": self.channel_id,
            "user_id": self.user_id,
            "command": command,
            "focused": focused,
            "options": {k: _id(v) for k, v in options.items()},
        }
        return list((await self.control.call("POST", "/autocomplete", body))["choices"])

    async def click(
        self, message: Reply | dict[str, Any] | str, button: str, values: list[str] | None = None
    ) -> Reply:
        """Click a button (by label or custom id) or choose `values` in a select on a message."""
        message_id, components = _message_parts(message)
        custom_id = button
        for component in components:
            if button in (component.get("label"), component.get("custom_id"), component.get("placeholder")):
                custom_id = str(component["custom_id"])
                break
        body: dict[str, Any] = {"user_id": self.user_id, "message_id": message_id, "custom_id": custom_id}
        if values is not None:
            body["values"] = values
        return Reply(await self.control.call("POST", "/components", body))

    async def submit(self, modal: Reply, values: dict[str, Any]) -> Reply:
        """Fill and submit the modal that `modal` opened; fields by custom id or label."""
        if not modal.is_modal:
            raise ControlError(f"that reply is not a modal: {modal.text!r}")
        body = {"user_id": self.user_id, "interaction_id": modal.interaction_id, "values": values}
        return Reply(await self.control.call("POST", "/modals", body))

    async def context_menu(
        self, command: str, target_id: str | int, *, in_channel: str | None = None
    ) -> Reply:
        body = {
            "guild_id": self.guild_id,
            "channel_id": in_channel or self.channel_id,
            "user_id": self.user_id,
            "command": command,
            "target_id": str(target_id),
        }
        return Reply(await self.control.call("POST", "/context-menu", body))

    async def say(self, channel_id: str, content: str) -> dict[str, Any]:
        return dict(
            await self.control.call(
                "POST", "/messages", {"channel_id": channel_id, "user_id": self.user_id, "content": content}
            )
        )

    async def dms(self) -> list[dict[str, Any]]:
        return await self.control.dms(self.user_id)

    async def interested(self, event_id: str | int, interested: bool = True) -> dict[str, Any]:
        """Click (or un-click) "Interested" on a Discord scheduled event."""
        body = {"user_id": self.user_id, "interested": interested}
        return dict(await self.control.call("POST", f"/scheduled-events/{event_id}/interested", body))


def _id(value: Any) -> Any:
    """Actors, and objects with an `id`, become the id Discord would send."""
    if isinstance(value, Actor):
        return value.user_id
    return value


def _message_parts(message: Reply | dict[str, Any] | str) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(message, Reply):
        if message.message_id is None:
            raise ControlError("that reply created no message to click on")
        return message.message_id, message.components
    if isinstance(message, dict):
        return str(message["id"]), flatten_components(message.get("components") or [])
    return str(message), []
