"""`data.resolved` for interactions: users, members, roles, channels, attachments, messages."""

from __future__ import annotations

import re
from typing import Any

from emulator.errors import ControlError
from emulator.models import JSON, Channel, Guild
from emulator.state import State

_MENTION = re.compile(r"^<(?:@!?|@&|#)(\d+)>$")


def parse_id(value: Any, what: str = "id") -> int:
    """A snowflake from an int, a digit string or a mention like `<@123>`."""
    if isinstance(value, bool):
        raise ControlError(f"{what}: expected a snowflake, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        match = _MENTION.match(text)
        if match:
            text = match.group(1)
        if text.isdigit():
            return int(text)
    raise ControlError(f"{what}: expected a snowflake, got {value!r}")


class Resolver:
    """Collects resolved objects as an interaction payload is built."""

    def __init__(self, state: State, guild: Guild | None, channel: Channel, invoker_id: int) -> None:
        self.state = state
        self.guild = guild
        self.channel = channel
        self.invoker_id = invoker_id
        self.data: JSON = {}

    def _bucket(self, name: str) -> JSON:
        bucket: JSON = self.data.setdefault(name, {})
        return bucket

    def user(self, user_id: int) -> None:
        user = self.state.users.get(user_id)
        if user is None:
            raise ControlError(f"unknown user {user_id}", 404)
        self._bucket("users")[str(user_id)] = user.payload()
        if self.guild is not None and user_id in self.guild.members:
            member = self.guild.members[user_id].payload(None)
            member["permissions"] = str(self.state.permissions_for(self.guild.id, user_id, self.channel.id))
            self._bucket("members")[str(user_id)] = member

    def role(self, role_id: int) -> None:
        if self.guild is None or role_id not in self.guild.roles:
            raise ControlError(f"unknown role {role_id}", 404)
        self._bucket("roles")[str(role_id)] = self.guild.roles[role_id].payload()

    def guild_channel(self, channel_id: int, allowed_types: list[int] | None = None) -> None:
        channel = self.state.channels.get(channel_id)
        if channel is None or (self.guild is not None and channel.guild_id != self.guild.id):
            raise ControlError(f"unknown channel {channel_id}", 404)
        if allowed_types and channel.type not in allowed_types:
            raise ControlError(f"channel {channel_id} has type {channel.type}, allowed: {allowed_types}")
        payload = self.state.channel_payload(channel)
        payload.pop("permission_overwrites", None)
        payload["permissions"] = str(self.state.channel_permissions(channel, self.invoker_id))
        self._bucket("channels")[str(channel_id)] = payload

    def mentionable(self, target_id: int) -> None:
        if target_id in self.state.users:
            self.user(target_id)
        else:
            self.role(target_id)

    def attachment(self, value: Any) -> str:
        """An uploaded attachment from `"name.txt"` or `{"filename", "content"?, "content_type"?}`."""
        if isinstance(value, str):
            spec: JSON = {"filename": value}
        elif isinstance(value, dict) and value.get("filename"):
            spec = value
        else:
            raise ControlError("attachment value must be a filename or {filename, content?, content_type?}")
        content = spec.get("content", "")
        data = content.encode() if isinstance(content, str) else bytes(content)
        attachment = self.state.store_attachment(
            self.channel.id, str(spec["filename"]), data, spec.get("content_type"), spec.get("description")
        )
        attachment["ephemeral"] = True
        self._bucket("attachments")[attachment["id"]] = attachment
        return str(attachment["id"])

    def message(self, message_id: int) -> None:
        msg = self.state.messages.get(message_id)
        if msg is None:
            raise ControlError(f"unknown message {message_id}", 404)
        self._bucket("messages")[str(message_id)] = self.state.message_payload(msg)

    def entity(self, component_type: int, raw: Any, allowed_types: list[int] | None = None) -> str:
        """Resolve one value of an entity select (5 user, 6 role, 7 mentionable... by component type)."""
        target = parse_id(raw, "value")
        if component_type == 5:
            self.user(target)
        elif component_type == 6:
            self.role(target)
        elif component_type == 7:
            self.mentionable(target)
        elif component_type == 8:
            self.guild_channel(target, allowed_types)
        return str(target)
