"""The emulated Discord's in-memory state; every change is also emitted as a gateway event."""

from __future__ import annotations

import datetime
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from emulator import permissions as P
from emulator.errors import (
    UNKNOWN_APPLICATION_COMMAND,
    UNKNOWN_CHANNEL,
    UNKNOWN_GUILD,
    UNKNOWN_MEMBER,
    UNKNOWN_MESSAGE,
    UNKNOWN_ROLE,
    UNKNOWN_SCHEDULED_EVENT,
    UNKNOWN_USER,
    unknown,
)
from emulator.models import (
    CATEGORY,
    DM,
    JSON,
    PUBLIC_THREAD,
    TEXT,
    THREAD_TYPES,
    Channel,
    Guild,
    Member,
    Message,
    Overwrite,
    Role,
    ScheduledEvent,
    User,
)
from emulator.snowflakes import SnowflakeGenerator, iso_now

_USER_MENTION = re.compile(r"<@!?(\d{15,21})>")
_ROLE_MENTION = re.compile(r"<@&(\d{15,21})>")
NONCE_WINDOW = 300.0


@dataclass(slots=True)
class Event:
    """A gateway dispatch produced by a state change."""

    name: str
    payload: JSON
    guild_id: int | None = None
    message: Message | None = None


Listener = Callable[[Event], None]


PRIVILEGED_INTENTS = {"guild_members": 1 << 1, "guild_presences": 1 << 8, "message_content": 1 << 15}


class State:
    """Users, guilds, channels, roles, members, messages, events and registered commands."""

    def __init__(
        self, *, bot_username: str = "bot", clock: Callable[[], datetime.datetime] | None = None
    ) -> None:
        # "Now" for rules about time (an event cannot start in the past); a test can share its pinned clock.
        self.now: Callable[[], datetime.datetime] = clock or (lambda: datetime.datetime.now(tz=datetime.UTC))
        self.ids = SnowflakeGenerator()
        self.base_url = "http://127.0.0.1"
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.events: dict[int, ScheduledEvent] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id (with the bot)
        self.global_commands: dict[int, JSON] = {}
        self.guild_commands: dict[int, dict[int, JSON]] = {}
        self.attachment_data: dict[int, bytes] = {}
        self.listeners: list[Listener] = []
        self.bot = self.add_user(bot_username, bot=True)
        self.application_id = self.bot.id
        self.application_name = bot_username
        # The Developer Portal's Privileged Gateway Intents switches for the application: an IDENTIFY asking
        # for one that is off is closed with 4014, as Discord does.
        self.privileged_intents: set[str] = set(PRIVILEGED_INTENTS)

    # -- events --------------------------------------------------------------

    def emit(
        self, name: str, payload: JSON, guild_id: int | None = None, message: Message | None = None
    ) -> None:
        event = Event(name, payload, guild_id, message)
        for listener in list(self.listeners):
            listener(event)

    # -- lookups (404 with Discord's codes) ------------------------------------

    def user(self, user_id: int) -> User:
        found = self.users.get(user_id)
        if found is None:
            raise unknown(UNKNOWN_USER)
        return found

    def guild(self, guild_id: int) -> Guild:
        found = self.guilds.get(guild_id)
        if found is None:
            raise unknown(UNKNOWN_GUILD)
        return found

    def channel(self, channel_id: int) -> Channel:
        found = self.channels.get(channel_id)
        if found is None:
            raise unknown(UNKNOWN_CHANNEL)
        return found

    def guild_channel(self, guild: Guild, channel_id: int) -> Channel:
        found = self.channels.get(channel_id)
        if found is None or found.guild_id != guild.id:
            raise unknown(UNKNOWN_CHANNEL)
        return found

    def role(self, guild: Guild, role_id: int) -> Role:
        found = guild.roles.get(role_id)
        if found is None:
            raise unknown(UNKNOWN_ROLE)
        return found

    def member(self, guild: Guild, user_id: int) -> Member:
        found = guild.members.get(user_id)
        if found is None:
            raise unknown(UNKNOWN_MEMBER)
        return found

    def message(self, channel_id: int, message_id: int) -> Message:
        found = self.messages.get(message_id)
        if found is None or found.channel_id != channel_id:
            raise unknown(UNKNOWN_MESSAGE)
        return found

    def scheduled_event(self, guild: Guild, event_id: int) -> ScheduledEvent:
        found = self.events.get(event_id)
        if found is None or found.guild_id != guild.id:
            raise unknown(UNKNOWN_SCHEDULED_EVENT)
        return found

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None

    # -- permissions ---------------------------------------------------------

    def permissions_for(self, guild_id: int, user_id: int, channel_id: int | None = None) -> int:
        """Permission bits of a member, guild-wide or in a channel (0 if not a member)."""
        guild = self.guild(guild_id)
        member = guild.members.get(user_id)
        if member is None:
            return 0
        if channel_id is None:
            return P.base_permissions(guild, member)
        channel = self.guild_channel(guild, channel_id)
        parent = self.channels.get(channel.parent_id) if channel.parent_id else None
        return P.channel_permissions(guild, member, channel, parent)

    def channel_permissions(self, channel: Channel, user_id: int) -> int:
        """Permissions of a user in any channel (DMs: the DM set for its two parties)."""
        if channel.type == DM:
            return P.DM_PERMISSIONS if user_id in (channel.recipient_id, self.bot.id) else 0
        assert channel.guild_id is not None
        return self.permissions_for(channel.guild_id, user_id, channel.id)

    def can_see(self, user_id: int, channel: Channel) -> bool:
        """Whether a user can read a channel's history."""
        perms = self.channel_permissions(channel, user_id)
        return bool(perms & P.VIEW_CHANNEL and perms & P.READ_MESSAGE_HISTORY)

    def top_position(self, guild: Guild, user_id: int) -> int:
        """Highest role position of a member (owner: above everything)."""
        if user_id == guild.owner_id:
            return 1 << 30
        member = guild.members.get(user_id)
        return P.highest_position(guild, member) if member else -1

    # -- users and guilds ----------------------------------------------------

    def add_user(self, username: str, *, bot: bool = False, dms_open: bool = True) -> User:
        user = User(id=self.ids.next(), username=username, bot=bot, global_name=None if bot else username)
        user.dms_open = dms_open
        self.users[user.id] = user
        return user

    def create_guild(
        self, name: str, *, bot_permissions: int = P.DEFAULT_BOT, owner_name: str = "owner"
    ) -> Guild:
        """A guild with an owner, @everyone, a managed bot role, #general and the bot as member."""
        owner = self.add_user(owner_name)
        guild = Guild(id=self.ids.next(), name=name, owner_id=owner.id)
        guild.roles[guild.id] = Role(
            id=guild.id, guild_id=guild.id, name="@everyone", permissions=P.DEFAULT_EVERYONE, position=0
        )
        bot_role = Role(
            id=self.ids.next(),
            guild_id=guild.id,
            name=self.bot.username,
            permissions=bot_permissions,
            position=1,
            managed=True,
            bot_id=self.bot.id,
        )
        guild.roles[bot_role.id] = bot_role
        general = Channel(
            id=self.ids.next(), type=TEXT, guild_id=guild.id, name="general", created_at=iso_now()
        )
        self.channels[general.id] = general
        guild.channel_ids.append(general.id)
        guild.system_channel_id = general.id
        self.guilds[guild.id] = guild
        guild.members[owner.id] = Member(guild.id, owner.id, joined_at=iso_now())
        guild.members[self.bot.id] = Member(guild.id, self.bot.id, roles=[bot_role.id], joined_at=iso_now())
        self.emit("GUILD_CREATE", self.guild_create_payload(guild), guild.id)
        return guild

    def bot_role(self, guild: Guild) -> Role | None:
        return next((r for r in guild.roles.values() if r.bot_id == self.bot.id), None)

    def guild_create_payload(self, guild: Guild) -> JSON:
        """GUILD_CREATE body with every member (the gateway trims it to the session's intents)."""
        out = guild.payload()
        channels = [self.channels[c] for c in guild.channel_ids]
        out.update(
            joined_at=guild.members[self.bot.id].joined_at if self.bot.id in guild.members else iso_now(),
            large=False,
            member_count=len(guild.members),
            voice_states=[],
            members=[m.payload(self.users[m.user_id]) for m in guild.members.values()],
            channels=[c.payload() for c in channels if c.type not in THREAD_TYPES],
            threads=[c.payload() for c in channels if c.type in THREAD_TYPES and not c.archived],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[self.event_payload(self.events[e]) for e in guild.event_ids],
            soundboard_sounds=[],
        )
        return out

    # -- members ---------------------------------------------------------------

    def add_member(
        self, guild: Guild, user: User, *, roles: Iterable[int] = (), nick: str | None = None
    ) -> Member:
        member = Member(guild.id, user.id, roles=list(roles), nick=nick, joined_at=iso_now())
        guild.members[user.id] = member
        if user.id == self.bot.id:
            self.emit("GUILD_CREATE", self.guild_create_payload(guild), guild.id)
        else:
            self.emit("GUILD_MEMBER_ADD", {**member.payload(user), "guild_id": str(guild.id)}, guild.id)
        return member

    def remove_member(self, guild: Guild, user_id: int) -> None:
        self.member(guild, user_id)
        del guild.members[user_id]
        if user_id == self.bot.id:
            self.emit("GUILD_DELETE", {"id": str(guild.id)}, guild.id)
            return
        payload = {"guild_id": str(guild.id), "user": self.users[user_id].payload()}
        self.emit("GUILD_MEMBER_REMOVE", payload, guild.id)

    def update_member(
        self, guild: Guild, member: Member, *, roles: list[int] | None = None, nick: Any = ...
    ) -> Member:
        if roles is not None:
            member.roles = list(dict.fromkeys(r for r in roles if r != guild.id))
        if nick is not ...:
            member.nick = nick or None
        payload = {**member.payload(self.users[member.user_id]), "guild_id": str(guild.id)}
        self.emit("GUILD_MEMBER_UPDATE", payload, guild.id)
        return member

    def member_payload(self, guild: Guild, member: Member) -> JSON:
        return member.payload(self.users[member.user_id])

    # -- roles -----------------------------------------------------------------

    def create_role(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: int = 0,
        color: int = 0,
        hoist: bool = False,
        mentionable: bool = False,
        position: int | None = None,
    ) -> Role:
        """New role at `position` (Discord's default: 1, just above @everyone)."""
        role = Role(self.ids.next(), guild.id, name, permissions, position=0, color=color, hoist=hoist)
        role.mentionable = mentionable
        guild.roles[role.id] = role
        target = 1 if position is None else max(1, position)
        self._place_role(guild, role, target, announce_new=True)
        return role

    def _place_role(self, guild: Guild, role: Role, target: int, *, announce_new: bool = False) -> None:
        ordered = sorted(
            (r for r in guild.roles.values() if r.id not in (guild.id, role.id)), key=lambda r: r.position
        )
        index = max(0, min(len(ordered), target - 1))
        ordered.insert(index, role)
        before = {r.id: r.position for r in ordered}
        for pos, item in enumerate(ordered, start=1):
            item.position = pos
        if announce_new:
            self.emit("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}, guild.id)
        for item in ordered:
            if item.id == role.id and announce_new:
                continue
            if item.id == role.id or before[item.id] != item.position:
                self.emit("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": item.payload()}, guild.id)

    def update_role(self, guild: Guild, role: Role, changes: JSON) -> Role:
        for key in ("name", "permissions", "color", "hoist", "mentionable"):
            if key in changes:
                setattr(role, key, changes[key])
        if "position" in changes and changes["position"] != role.position:
            self._place_role(guild, role, int(changes["position"]))
        else:
            self.emit("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role.payload()}, guild.id)
        return role

    def move_roles(self, guild: Guild, positions: dict[int, int]) -> None:
        for role_id, pos in sorted(positions.items(), key=lambda kv: kv[1]):
            self._place_role(guild, guild.roles[role_id], pos)

    def delete_role(self, guild: Guild, role: Role) -> None:
        del guild.roles[role.id]
        for member in guild.members.values():
            if role.id in member.roles:
                member.roles.remove(role.id)
        for channel_id in guild.channel_ids:
            channel = self.channels[channel_id]
            channel.overwrites = [ow for ow in channel.overwrites if not (ow.type == 0 and ow.id == role.id)]
        ordered = sorted((r for r in guild.roles.values() if r.id != guild.id), key=lambda r: r.position)
        for pos, item in enumerate(ordered, start=1):
            item.position = pos
        self.emit("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)}, guild.id)

    def sorted_roles(self, guild: Guild) -> list[Role]:
        return sorted(guild.roles.values(), key=lambda r: (r.position, r.id))

    # -- channels --------------------------------------------------------------

    def create_channel(
        self,
        guild: Guild,
        name: str,
        *,
        type: int = TEXT,
        parent_id: int | None = None,
        topic: str | None = None,
        overwrites: list[Overwrite] | None = None,
        position: int | None = None,
        nsfw: bool = False,
        rate_limit_per_user: int = 0,
        available_tags: list[JSON] | None = None,
    ) -> Channel:
        if position is None:
            siblings = [
                self.channels[c] for c in guild.channel_ids if self.channels[c].type not in THREAD_TYPES
            ]
            position = max((c.position for c in siblings), default=-1) + 1
        channel = Channel(
            id=self.ids.next(),
            type=type,
            guild_id=guild.id,
            name=name,
            position=position,
            parent_id=parent_id,
            topic=topic,
            nsfw=nsfw,
            overwrites=list(overwrites or []),
            rate_limit_per_user=rate_limit_per_user,
            available_tags=list(available_tags or []),
            created_at=iso_now(),
        )
        self.channels[channel.id] = channel
        guild.channel_ids.append(channel.id)
        self.emit("CHANNEL_CREATE", channel.payload(), guild.id)
        return channel

    def create_thread(
        self,
        parent: Channel,
        name: str,
        owner_id: int,
        *,
        type: int = PUBLIC_THREAD,
        auto_archive: int = 1440,
    ) -> Channel:
        assert parent.guild_id is not None
        thread = Channel(
            id=self.ids.next(),
            type=type,
            guild_id=parent.guild_id,
            name=name,
            parent_id=parent.id,
            owner_id=owner_id,
            auto_archive_duration=auto_archive,
            created_at=iso_now(),
        )
        self.channels[thread.id] = thread
        self.guilds[parent.guild_id].channel_ids.append(thread.id)
        self.emit("THREAD_CREATE", {**thread.payload(), "newly_created": True}, parent.guild_id)
        return thread

    def update_channel(self, channel: Channel, changes: JSON) -> Channel:
        for key, value in changes.items():
            setattr(channel, key, value)
        self.emit(self._channel_event(channel, "UPDATE"), channel.payload(), channel.guild_id)
        return channel

    def _channel_event(self, channel: Channel, verb: str) -> str:
        return f"THREAD_{verb}" if channel.type in THREAD_TYPES else f"CHANNEL_{verb}"

    def delete_channel(self, channel: Channel) -> None:
        guild = self.guild_of(channel)
        del self.channels[channel.id]
        for message_id in self.channel_messages.pop(channel.id, []):
            self.messages.pop(message_id, None)
        if guild is not None:
            guild.channel_ids.remove(channel.id)
        self.emit(self._channel_event(channel, "DELETE"), channel.payload(), channel.guild_id)
        if guild is not None and channel.type == CATEGORY:
            for child_id in list(guild.channel_ids):
                child = self.channels[child_id]
                if child.parent_id == channel.id:
                    self.update_channel(child, {"parent_id": None})
        if guild is not None and channel.type not in THREAD_TYPES:
            for child_id in list(guild.channel_ids):
                child = self.channels[child_id]
                if child.type in THREAD_TYPES and child.parent_id == channel.id:
                    self.delete_channel(child)

    def set_overwrite(self, channel: Channel, overwrite: Overwrite) -> None:
        channel.overwrites = [ow for ow in channel.overwrites if ow.id != overwrite.id] + [overwrite]
        self.emit("CHANNEL_UPDATE", channel.payload(), channel.guild_id)

    def delete_overwrite(self, channel: Channel, target_id: int) -> None:
        channel.overwrites = [ow for ow in channel.overwrites if ow.id != target_id]
        self.emit("CHANNEL_UPDATE", channel.payload(), channel.guild_id)

    def dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with a user, created on first use (Discord sends no event for it)."""
        existing = self.dm_channels.get(user.id)
        if existing is not None:
            return self.channels[existing]
        channel = Channel(
            id=self.ids.next(), type=DM, guild_id=None, recipient_id=user.id, created_at=iso_now()
        )
        self.channels[channel.id] = channel
        self.dm_channels[user.id] = channel.id
        return channel

    def channel_payload(self, channel: Channel) -> JSON:
        recipient = self.users.get(channel.recipient_id) if channel.recipient_id else None
        return channel.payload(recipient)

    def guild_channels(self, guild: Guild) -> list[Channel]:
        return [self.channels[c] for c in guild.channel_ids if self.channels[c].type not in THREAD_TYPES]

    # -- messages --------------------------------------------------------------

    def create_message(
        self,
        channel: Channel,
        author_id: int,
        *,
        content: str = "",
        embeds: list[JSON] | None = None,
        components: list[JSON] | None = None,
        attachments: list[JSON] | None = None,
        flags: int = 0,
        nonce: str | int | None = None,
        type: int = 0,
        tts: bool = False,
        webhook_id: int | None = None,
        interaction: JSON | None = None,
        visible_to: int | None = None,
        message_reference: JSON | None = None,
        from_app: bool = True,
    ) -> Message:
        """Store a message and dispatch MESSAGE_CREATE (ephemeral ones are only recorded). A message with a
        `webhook_id` is the application's (an interaction's reply) unless `from_app` is False (an incoming
        webhook's, with no application)."""
        msg = Message(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author_id=author_id,
            content=content,
            embeds=list(embeds or []),
            components=list(components or []),
            attachments=list(attachments or []),
            timestamp=iso_now(),
            flags=flags,
            nonce=nonce,
            type=type,
            tts=tts,
            webhook_id=webhook_id,
            application_id=self.application_id if webhook_id and from_app else None,
            interaction=interaction,
            visible_to=visible_to,
            message_reference=message_reference,
            created_mono=time.monotonic(),
        )
        self._parse_mentions(msg)
        self.messages[msg.id] = msg
        self.channel_messages.setdefault(channel.id, []).append(msg.id)
        if not msg.ephemeral:
            channel.last_message_id = msg.id
            if channel.type in THREAD_TYPES:
                channel.message_count += 1
            self.emit("MESSAGE_CREATE", self.message_create_payload(msg), channel.guild_id, msg)
        return msg

    def _parse_mentions(self, msg: Message) -> None:
        msg.mentions = [
            int(u) for u in dict.fromkeys(_USER_MENTION.findall(msg.content)) if int(u) in self.users
        ]
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        roles = [int(r) for r in dict.fromkeys(_ROLE_MENTION.findall(msg.content))]
        msg.mention_roles = [r for r in roles if guild is not None and r in guild.roles]
        if guild is not None and ("@everyone" in msg.content or "@here" in msg.content):
            perms = self.permissions_for(guild.id, msg.author_id, msg.channel_id)
            msg.mention_everyone = bool(perms & P.MENTION_EVERYONE)

    def find_nonce(self, channel: Channel, author_id: int, nonce: str | int) -> Message | None:
        """An earlier message with this nonce from this author in this channel, within the window."""
        now = time.monotonic()
        for message_id in reversed(self.channel_messages.get(channel.id, [])):
            msg = self.messages[message_id]
            if now - msg.created_mono > NONCE_WINDOW:
                break
            if msg.author_id == author_id and msg.nonce is not None and str(msg.nonce) == str(nonce):
                return msg
        return None

    def edit_message(self, msg: Message, changes: JSON) -> Message:
        for key, value in changes.items():
            setattr(msg, key, value)
        msg.edited_timestamp = iso_now()
        if "content" in changes:
            self._parse_mentions(msg)
        if not msg.ephemeral:
            self.emit("MESSAGE_UPDATE", self.message_create_payload(msg), msg.guild_id, msg)
        return msg

    def delete_message(self, msg: Message) -> None:
        self.messages.pop(msg.id, None)
        ids = self.channel_messages.get(msg.channel_id, [])
        if msg.id in ids:
            ids.remove(msg.id)
        if not msg.ephemeral:
            payload: JSON = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id is not None:
                payload["guild_id"] = str(msg.guild_id)
            self.emit("MESSAGE_DELETE", payload, msg.guild_id, msg)

    def channel_history(self, channel_id: int) -> list[Message]:
        """All recorded messages of a channel, oldest first (ephemeral ones included)."""
        return [self.messages[m] for m in self.channel_messages.get(channel_id, [])]

    def message_payload(self, msg: Message) -> JSON:
        """The message object as REST returns it."""
        author = self.users[msg.author_id]
        out: JSON = {
            "id": str(msg.id),
            "channel_id": str(msg.channel_id),
            "type": msg.type,
            "content": msg.content,
            "author": author.payload(),
            "attachments": msg.attachments,
            "embeds": msg.embeds,
            "components": msg.components,
            "mentions": [self.users[u].payload() for u in msg.mentions],
            "mention_roles": [str(r) for r in msg.mention_roles],
            "mention_everyone": msg.mention_everyone,
            "pinned": msg.pinned,
            "tts": msg.tts,
            "timestamp": msg.timestamp,
            "edited_timestamp": msg.edited_timestamp,
            "flags": msg.flags,
        }
        if msg.guild_id is not None:
            out["guild_id"] = str(msg.guild_id)
        if msg.nonce is not None:
            out["nonce"] = msg.nonce
        if msg.webhook_id is not None:
            out["webhook_id"] = str(msg.webhook_id)
        if msg.application_id is not None:
            out["application_id"] = str(msg.application_id)
        if msg.interaction is not None:
            out["interaction_metadata"] = msg.interaction
            out["interaction"] = {
                "id": msg.interaction["id"],
                "type": msg.interaction["type"],
                "name": msg.interaction.get("name", ""),
                "user": msg.interaction["user"],
            }
        if msg.message_reference is not None:
            out["message_reference"] = msg.message_reference
        return out

    def message_create_payload(self, msg: Message) -> JSON:
        """MESSAGE_CREATE/UPDATE body: the message plus the author's partial member in guilds."""
        out = self.message_payload(msg)
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        if guild is not None and msg.webhook_id is None and msg.author_id in guild.members:
            out["member"] = guild.members[msg.author_id].payload(None)
        return out

    # -- scheduled events ----------------------------------------------------

    def create_event(self, guild: Guild, fields: JSON) -> ScheduledEvent:
        event = ScheduledEvent(id=self.ids.next(), guild_id=guild.id, **fields)
        self.events[event.id] = event
        guild.event_ids.append(event.id)
        self.emit("GUILD_SCHEDULED_EVENT_CREATE", self.event_payload(event), guild.id)
        return event

    def update_event(self, event: ScheduledEvent, changes: JSON) -> ScheduledEvent:
        for key, value in changes.items():
            setattr(event, key, value)
        self.emit("GUILD_SCHEDULED_EVENT_UPDATE", self.event_payload(event), event.guild_id)
        return event

    def delete_event(self, event: ScheduledEvent) -> None:
        del self.events[event.id]
        self.guilds[event.guild_id].event_ids.remove(event.id)
        self.emit("GUILD_SCHEDULED_EVENT_DELETE", self.event_payload(event), event.guild_id)

    def event_payload(self, event: ScheduledEvent, *, with_user_count: bool = False) -> JSON:
        return event.payload(self.users.get(event.creator_id), with_user_count=with_user_count)

    def set_interested(self, event: ScheduledEvent, user_id: int, interested: bool) -> bool:
        """A member clicks (or un-clicks) "Interested"; USER_ADD / USER_REMOVE when it changes anything."""
        if (user_id in event.subscribers) == interested:
            return False
        if interested:
            event.subscribers.add(user_id)
        else:
            event.subscribers.discard(user_id)
        name = "GUILD_SCHEDULED_EVENT_USER_ADD" if interested else "GUILD_SCHEDULED_EVENT_USER_REMOVE"
        payload = {
            "guild_scheduled_event_id": str(event.id),
            "user_id": str(user_id),
            "guild_id": str(event.guild_id),
        }
        self.emit(name, payload, event.guild_id)
        return True

    # -- application commands ------------------------------------------------

    def _command_store(self, guild_id: int | None) -> dict[int, JSON]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, {})

    def command_from_body(self, body: JSON, guild_id: int | None, existing: JSON | None = None) -> JSON:
        """A registered command object from a create/overwrite body."""
        command: JSON = {
            "id": existing["id"] if existing else str(self.ids.next()),
            "application_id": str(self.application_id),
            "version": str(self.ids.next()),
            "type": body.get("type", 1),
            "name": body["name"],
            "name_localizations": body.get("name_localizations"),
            "description": body.get("description", ""),
            "description_localizations": body.get("description_localizations"),
            "options": body.get("options", []),
            "default_member_permissions": body.get("default_member_permissions"),
            "dm_permission": body.get("dm_permission", True),
            "contexts": body.get("contexts"),
            "integration_types": body.get("integration_types", [0]),
            "nsfw": body.get("nsfw", False),
        }
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
        return command

    def overwrite_commands(self, guild_id: int | None, bodies: list[JSON]) -> list[JSON]:
        """Bulk overwrite: commands keep their id when name and type match."""
        store = self._command_store(guild_id)
        by_key = {(c["name"], c["type"]): c for c in store.values()}
        store.clear()
        out = []
        for body in bodies:
            command = self.command_from_body(body, guild_id, by_key.get((body["name"], body.get("type", 1))))
            store[int(command["id"])] = command
            out.append(command)
        return out

    def upsert_command(self, guild_id: int | None, body: JSON) -> JSON:
        store = self._command_store(guild_id)
        existing = next(
            (c for c in store.values() if (c["name"], c["type"]) == (body["name"], body.get("type", 1))), None
        )
        command = self.command_from_body(body, guild_id, existing)
        store[int(command["id"])] = command
        return command

    def command(self, guild_id: int | None, command_id: int) -> JSON:
        found = self._command_store(guild_id).get(command_id)
        if found is None:
            raise unknown(UNKNOWN_APPLICATION_COMMAND)
        return found

    def commands(self, guild_id: int | None) -> list[JSON]:
        return list(self._command_store(guild_id).values())

    def delete_command(self, guild_id: int | None, command_id: int) -> None:
        self.command(guild_id, command_id)
        del self._command_store(guild_id)[command_id]

    def find_command(self, guild_id: int | None, name: str, types: Iterable[int]) -> JSON | None:
        """A registered command by name: the guild's own first, then global."""
        wanted = set(types)
        stores = [self.guild_commands.get(guild_id, {})] if guild_id is not None else []
        stores.append(self.global_commands)
        for store in stores:
            for command in store.values():
                if command["name"] == name and command.get("type", 1) in wanted:
                    return command
        return None

    # -- attachments -----------------------------------------------------------

    def store_attachment(
        self,
        channel_id: int,
        filename: str,
        data: bytes,
        content_type: str | None,
        description: str | None = None,
    ) -> JSON:
        """Keep an uploaded file and return its attachment object."""
        attachment_id = self.ids.next()
        self.attachment_data[attachment_id] = data
        url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
        out: JSON = {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type or "application/octet-stream",
        }
        if description:
            out["description"] = description
        return out

    # -- misc ------------------------------------------------------------------

    def new_token(self) -> str:
        return secrets.token_urlsafe(48)

    def control_user(self, user: User) -> JSON:
        return {"id": str(user.id), "username": user.username, "bot": user.bot, "dms_open": user.dms_open}
