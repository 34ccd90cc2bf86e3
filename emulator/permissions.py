"""Discord permission bits and the permission computation Discord applies."""

from __future__ import annotations

from emulator.models import THREAD_TYPES, Channel, Guild, Member

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_AUDIT_LOG = 1 << 7
PRIORITY_SPEAKER = 1 << 8
STREAM = 1 << 9
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
SEND_TTS_MESSAGES = 1 << 12
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
VIEW_GUILD_INSIGHTS = 1 << 19
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
MANAGE_NICKNAMES = 1 << 27
MANAGE_ROLES = 1 << 28
MANAGE_WEBHOOKS = 1 << 29
MANAGE_GUILD_EXPRESSIONS = 1 << 30
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_EVENTS = 1 << 33
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
USE_EXTERNAL_STICKERS = 1 << 37
SEND_MESSAGES_IN_THREADS = 1 << 38
MODERATE_MEMBERS = 1 << 40
CREATE_GUILD_EXPRESSIONS = 1 << 43
CREATE_EVENTS = 1 << 44
SEND_POLLS = 1 << 49
PIN_MESSAGES = 1 << 51
ALL = (1 << 53) - 1

DEFAULT_EVERYONE = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | STREAM
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | MENTION_EVERYONE
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | USE_EXTERNAL_STICKERS
    | SEND_MESSAGES_IN_THREADS
    | CREATE_EVENTS
    | SEND_POLLS
)

DEFAULT_BOT = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | SEND_MESSAGES_IN_THREADS
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | MANAGE_ROLES
    | MANAGE_CHANNELS
    | MANAGE_EVENTS
    | CREATE_EVENTS
    | MANAGE_THREADS
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | PIN_MESSAGES
)

DM_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
)

_TEXT_DEPENDENT = SEND_TTS_MESSAGES | MENTION_EVERYONE | EMBED_LINKS | ATTACH_FILES


def base_permissions(guild: Guild, member: Member) -> int:
    """Guild-level permissions: owner, @everyone, roles, Administrator."""
    if member.user_id == guild.owner_id:
        return ALL
    everyone = guild.roles.get(guild.id)
    perms = everyone.permissions if everyone else 0
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & ADMINISTRATOR:
        return ALL
    return perms


def channel_permissions(guild: Guild, member: Member, channel: Channel, parent: Channel | None = None) -> int:
    """Permissions in a channel: base, then @everyone, role and member overwrites.

    Threads take their parent's overwrites (pass the parent as `parent`).
    """
    perms = base_permissions(guild, member)
    if perms & ADMINISTRATOR or member.user_id == guild.owner_id:
        return ALL
    source = parent if channel.type in THREAD_TYPES and parent is not None else channel
    everyone = source.overwrite_for(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for ow in source.overwrites:
        if ow.type == 0 and ow.id in member.roles:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = next((ow for ow in source.overwrites if ow.type == 1 and ow.id == member.user_id), None)
    if own is not None:
        perms = (perms & ~own.deny) | own.allow
    if not perms & VIEW_CHANNEL:
        return 0
    if not perms & SEND_MESSAGES:
        perms &= ~_TEXT_DEPENDENT
    if channel.type in THREAD_TYPES:
        # Sending in threads is governed by SEND_MESSAGES_IN_THREADS.
        perms = perms | SEND_MESSAGES if perms & SEND_MESSAGES_IN_THREADS else perms & ~SEND_MESSAGES
    return perms


def highest_position(guild: Guild, member: Member) -> int:
    """Position of the member's highest role (0 = only @everyone)."""
    positions = [guild.roles[r].position for r in member.roles if r in guild.roles]
    return max(positions, default=0)


def parse_bits(value: object) -> int:
    """Permission bits from an int or a decimal string (Discord sends strings)."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValueError("permissions must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ValueError(f"invalid permissions value {value!r}")
