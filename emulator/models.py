"""In-memory objects of the emulated Discord, and their API payloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emulator.snowflakes import iso, snowflake_time

JSON = dict[str, Any]

TEXT = 0
DM = 1
VOICE = 2
CATEGORY = 4
ANNOUNCEMENT = 5
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
FORUM = 15
THREAD_TYPES = frozenset({10, PUBLIC_THREAD, PRIVATE_THREAD})
MESSAGEABLE_TYPES = frozenset({TEXT, DM, VOICE, ANNOUNCEMENT, 10, PUBLIC_THREAD, PRIVATE_THREAD, 13})

EPHEMERAL = 1 << 6
LOADING = 1 << 7


def sid(value: int | None) -> str | None:
    """Snowflake as Discord sends it (string), keeping None."""
    return None if value is None else str(value)


@dataclass(slots=True)
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    avatar: str | None = None
    dms_open: bool = True

    def payload(self) -> JSON:
        out: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": self.avatar,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
        }
        if self.bot:
            out["bot"] = True
        return out


@dataclass(slots=True)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    def payload(self) -> JSON:
        out: JSON = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            out["tags"] = {"bot_id": str(self.bot_id)}
        return out


@dataclass(slots=True)
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def payload(self) -> JSON:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass(slots=True)
class Channel:
    id: int
    type: int
    guild_id: int | None
    name: str | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    overwrites: list[Overwrite] = field(default_factory=list)
    rate_limit_per_user: int = 0
    last_message_id: int | None = None
    recipient_id: int | None = None
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    message_count: int = 0
    applied_tags: list[int] = field(default_factory=list)
    available_tags: list[JSON] = field(default_factory=list)
    created_at: str = ""

    def overwrite_for(self, target_id: int) -> Overwrite | None:
        for ow in self.overwrites:
            if ow.id == target_id:
                return ow
        return None

    def payload(self, recipient: User | None = None) -> JSON:
        """The channel object; DMs need their recipient."""
        base: JSON = {
            "id": str(self.id),
            "type": self.type,
            "last_message_id": sid(self.last_message_id),
            "flags": 0,
        }
        if self.type == DM:
            base["recipients"] = [recipient.payload()] if recipient else []
            return base
        base.update(guild_id=str(self.guild_id), name=self.name, parent_id=sid(self.parent_id))
        if self.type in THREAD_TYPES:
            base.update(
                owner_id=sid(self.owner_id),
                rate_limit_per_user=self.rate_limit_per_user,
                message_count=self.message_count,
                member_count=1,
                total_message_sent=self.message_count,
                applied_tags=[str(t) for t in self.applied_tags],
                thread_metadata={
                    "archived": self.archived,
                    "archive_timestamp": self.created_at,
                    "auto_archive_duration": self.auto_archive_duration,
                    "locked": self.locked,
                    "create_timestamp": self.created_at,
                },
            )
            return base
        base.update(
            position=self.position,
            permission_overwrites=[ow.payload() for ow in self.overwrites],
            nsfw=self.nsfw,
        )
        if self.type != CATEGORY:
            base.update(topic=self.topic, rate_limit_per_user=self.rate_limit_per_user)
        if self.type == VOICE:
            base.update(bitrate=64000, user_limit=0, rtc_region=None)
        if self.type == FORUM:
            base.update(
                available_tags=self.available_tags,
                default_reaction_emoji=None,
                default_sort_order=None,
                default_forum_layout=0,
                default_thread_rate_limit_per_user=0,
                default_auto_archive_duration=1440,
            )
        return base


@dataclass(slots=True)
class Member:
    guild_id: int
    user_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = ""
    flags: int = 0

    def payload(self, user: User | None) -> JSON:
        """The guild member object; `user=None` leaves the user out (as in MESSAGE_CREATE)."""
        out: JSON = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": self.flags,
            "communication_disabled_until": None,
        }
        if user is not None:
            out["user"] = user.payload()
        return out


@dataclass(slots=True)
class ScheduledEvent:
    id: int
    guild_id: int
    name: str
    scheduled_start_time: str
    entity_type: int
    creator_id: int
    channel_id: int | None = None
    description: str | None = None
    scheduled_end_time: str | None = None
    privacy_level: int = 2
    status: int = 1
    entity_metadata: JSON | None = None
    image: str | None = None
    recurrence_rule: JSON | None = None
    subscribers: set[int] = field(default_factory=set)  # users who clicked "Interested"

    def payload(self, creator: User | None, *, with_user_count: bool = False) -> JSON:
        out: JSON = {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "channel_id": sid(self.channel_id),
            "creator_id": str(self.creator_id),
            "name": self.name,
            "description": self.description,
            "scheduled_start_time": self.scheduled_start_time,
            "scheduled_end_time": self.scheduled_end_time,
            "privacy_level": self.privacy_level,
            "status": self.status,
            "entity_type": self.entity_type,
            "entity_id": None,
            "entity_metadata": self.entity_metadata,
            "image": self.image,
            "recurrence_rule": self.recurrence_rule,
        }
        if with_user_count:
            out["user_count"] = len(self.subscribers)
        if creator is not None:
            out["creator"] = creator.payload()
        return out


@dataclass(slots=True)
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)
    event_ids: list[int] = field(default_factory=list)
    system_channel_id: int | None = None
    description: str | None = None

    def payload(self) -> JSON:
        """The guild object as GET /guilds/{id} returns it."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "icon_hash": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in sorted(self.roles.values(), key=lambda r: r.position)],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": sid(self.system_channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_presences": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "description": self.description,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "nsfw": False,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "incidents_data": None,
        }


@dataclass(slots=True)
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[JSON] = field(default_factory=list)
    timestamp: str = ""
    edited_timestamp: str | None = None
    flags: int = 0
    nonce: str | int | None = None
    type: int = 0
    tts: bool = False
    webhook_id: int | None = None
    application_id: int | None = None
    interaction: JSON | None = None
    visible_to: int | None = None
    mentions: list[int] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    pinned: bool = False
    pinned_at: str | None = None
    message_reference: JSON | None = None
    created_mono: float = 0.0

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)


def timestamp_of(snowflake: int) -> str:
    """ISO timestamp for a snowflake's creation time."""
    return iso(snowflake_time(snowflake))
