"""Control API representations of state objects (ids and permissions as strings, like Discord)."""

from __future__ import annotations

from emulator.models import JSON, Channel, Guild, Member, Message, Role
from emulator.state import State


def message_view(state: State, msg: Message) -> JSON:
    author = state.users[msg.author_id]
    out: JSON = {
        "id": str(msg.id),
        "channel_id": str(msg.channel_id),
        "author": {"id": str(author.id), "username": author.username, "bot": author.bot},
        "content": msg.content,
        "embeds": msg.embeds,
        "components": msg.components,
        "attachments": msg.attachments,
        "timestamp": msg.timestamp,
        "edited_timestamp": msg.edited_timestamp,
        "flags": msg.flags,
        "nonce": msg.nonce,
        "type": msg.type,
        "pinned": msg.pinned,
        "ephemeral": msg.ephemeral,
    }
    if msg.visible_to is not None:
        out["visible_to"] = str(msg.visible_to)
    if msg.webhook_id is not None:
        out["webhook_id"] = str(msg.webhook_id)
    if msg.interaction is not None:
        out["interaction_id"] = msg.interaction["id"]
    if msg.message_reference is not None:
        out["reference_message_id"] = msg.message_reference.get("message_id")
    return out


def channel_view(channel: Channel) -> JSON:
    return {
        "id": str(channel.id),
        "name": channel.name,
        "type": channel.type,
        "parent_id": None if channel.parent_id is None else str(channel.parent_id),
        "topic": channel.topic,
        "position": channel.position,
        "permission_overwrites": [ow.payload() for ow in channel.overwrites],
    }


def role_view(role: Role) -> JSON:
    return {
        "id": str(role.id),
        "name": role.name,
        "permissions": str(role.permissions),
        "position": role.position,
        "color": role.color,
        "managed": role.managed,
    }


def member_view(state: State, member: Member) -> JSON:
    user = state.users[member.user_id]
    return {
        "user": {"id": str(user.id), "username": user.username, "bot": user.bot},
        "roles": [str(r) for r in member.roles],
        "nick": member.nick,
        "joined_at": member.joined_at,
        "dms_open": user.dms_open,
    }


def guild_view(state: State, guild: Guild) -> JSON:
    bot_role = state.bot_role(guild)
    return {
        "id": str(guild.id),
        "name": guild.name,
        "owner_id": str(guild.owner_id),
        "bot_role_id": None if bot_role is None else str(bot_role.id),
        "system_channel_id": None if guild.system_channel_id is None else str(guild.system_channel_id),
        "channels": [channel_view(state.channels[c]) for c in guild.channel_ids],
        "roles": [role_view(r) for r in state.sorted_roles(guild)],
        "members": [member_view(state, m) for m in guild.members.values()],
        "scheduled_events": [
            {
                **state.event_payload(state.events[e], with_user_count=True),
                "interested": [str(u) for u in sorted(state.events[e].subscribers)],
            }
            for e in guild.event_ids
        ],
    }
