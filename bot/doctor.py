"""What to fix, as a checklist an organizer understands: `copbot doctor` and `/cop doctor`.

For every server: the permissions each feature needs (server-wide and in each configured channel,
including the private group and school channels), the bot's role against every role it hands out,
configured channels that no longer exist, the time zone. For the bot: the commands Discord has against
this version's, the database (integrity, migrations, size, WAL) and the scheduler (jobs waiting, failed in
the last week, the oldest overdue). Each line is ✓ or ✗ with the one thing to do. The Server Members
intent is checked by connecting (`copbot doctor`: Discord closes with 4014 without it).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.command_sync import scope_of, tree_hash
from bot.permissions import permission_label
from core.text import human_list, plural
from storage.command_syncs import CommandSyncRepository
from storage.database import bundled_migrations
from storage.groups import GroupRepository
from storage.jobs import JobState
from storage.schools import SchoolRepository

if TYPE_CHECKING:
    from bot.client import CopBot

__all__ = ["INTENT_MISSING", "Finding", "bot_findings", "render", "server_findings"]

# Server-wide, what copbot's features use: posting and cards everywhere, roles for stakeholder groups and
# school teams, their private channels, meetings in Discord's Events.
SERVER_NEEDS = (
    "view_channel",
    "send_messages",
    "embed_links",
    "attach_files",
    "read_message_history",
    "manage_roles",
    "manage_channels",
    "manage_events",
)
CHANNEL_NEEDS = ("view_channel", "send_messages", "embed_links", "attach_files", "read_message_history")
OVERDUE = timedelta(minutes=10)
INTENT_MISSING = (
    "Discord refused the Server Members intent (close code 4014): in the Developer Portal, open copbot's "
    "application → Bot → Privileged Gateway Intents, turn on Server Members Intent, save, and start copbot again"
)


@dataclass(frozen=True, slots=True)
class Finding:
    ok: bool
    what: str  # what was checked, and what was found
    fix: str = ""  # the one thing to do, when not ok


def render(findings: list[Finding]) -> list[str]:
    return [f"✓ {f.what}" if f.ok else f"✗ {f.what} — {f.fix}" for f in findings]


def _missing(have: discord.Permissions, needed: tuple[str, ...]) -> list[str]:
    return [permission_label(name) for name in needed if not getattr(have, name)]


async def server_findings(bot: CopBot, guild: discord.Guild) -> list[Finding]:
    """The checks of one server, in the order an admin would fix them."""
    found: list[Finding] = []
    me = guild.me
    missing = _missing(me.guild_permissions, SERVER_NEEDS)
    if missing:
        found.append(
            Finding(
                False,
                f"{guild.name}: copbot lacks {human_list(missing)} server-wide",
                "grant them to copbot's role in Server Settings → Roles",
            )
        )
    else:
        found.append(Finding(True, f"{guild.name}: copbot has every permission it needs server-wide"))

    settings = await bot.guild_settings.get(guild.id)
    channels: list[tuple[str, int]] = [(f"the {p.value} channel", c) for p, c in settings.channels.items()]
    groups = await GroupRepository(bot.db).all(guild.id)
    schools = await SchoolRepository(bot.db).all(guild.id)
    channels += [(f"the {g.name} channel", g.channel_id) for g in groups if g.channel_id]
    channels += [(f"the {s.name} channel", s.channel_id) for s in schools if s.channel_id]
    unusable: list[Finding] = []
    for label, channel_id in channels:
        channel = guild.get_channel(channel_id)
        if channel is None:
            unusable.append(
                Finding(
                    False,
                    f"{guild.name}: {label} no longer exists",
                    "choose another with /cop setup (or /groups setup, /schools setup for their channels)",
                )
            )
            continue
        lacking = _missing(channel.permissions_for(me), CHANNEL_NEEDS)
        if lacking:
            unusable.append(
                Finding(
                    False,
                    f"{guild.name}: in #{channel.name} ({label}) copbot lacks {human_list(lacking)}",
                    f"allow them for copbot in #{channel.name}'s settings → Permissions",
                )
            )
    found += unusable
    if channels and not unusable:
        found.append(
            Finding(
                True, f"{guild.name}: copbot can post in all {plural(len(channels), 'configured channel')}"
            )
        )

    roles = [(g.name, g.role_id) for g in groups if g.role_id] + [
        (s.name, s.role_id) for s in schools if s.role_id
    ]
    above = []
    gone = []
    for name, role_id in roles:
        role = guild.get_role(role_id)
        if role is None:
            gone.append(name)
        elif role >= me.top_role:
            above.append(role.name)
    if gone:
        found.append(
            Finding(
                False,
                f"{guild.name}: the roles of {human_list(gone)} no longer exist",
                "run /groups setup (or /schools setup) to make them again",
            )
        )
    if above:
        found.append(
            Finding(
                False,
                f"{guild.name}: copbot's role is not above {human_list(above)}, so it cannot give them",
                f"in Server Settings → Roles, drag {me.top_role.name} above them",
            )
        )
    elif roles and not gone:
        found.append(
            Finding(True, f"{guild.name}: copbot's role is above the {plural(len(roles), 'role')} it gives")
        )

    zone = settings.timezone
    try:
        zoneinfo.ZoneInfo(zone)
        found.append(Finding(True, f"{guild.name}: time zone {zone}"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        found.append(
            Finding(False, f"{guild.name}: the time zone {zone!r} is unknown", "set one with /cop timezone")
        )
    return found


async def bot_findings(
    bot: CopBot, *, registered: list[discord.app_commands.AppCommand] | None
) -> list[Finding]:
    """Commands, database and scheduler. `registered`: what Discord has (None when it could not be read)."""
    found: list[Finding] = []
    local = {c.name for kind in discord.AppCommandType for c in bot.tree.get_commands(type=kind)}
    if registered is None:
        found.append(
            Finding(False, "Discord's list of copbot's commands could not be read", "try again later")
        )
    else:
        remote = {c.name for c in registered}
        stored = await CommandSyncRepository(bot.db).get(scope_of(None))
        if remote != local or stored != tree_hash(bot.tree):
            found.append(
                Finding(
                    False,
                    "the commands members see are not this version's",
                    "run `copbot sync` (or start copbot: it registers them when they changed)",
                )
            )
        else:
            found.append(Finding(True, f"the {len(local)} commands are registered and up to date"))

    integrity = await bot.db.fetchval("PRAGMA integrity_check")
    version, known = await bot.db.schema_version(), bundled_migrations()[-1].version
    path = bot.settings.database
    size = path.stat().st_size if path.exists() else 0
    wal = path.with_name(path.name + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    if integrity != "ok":
        found.append(
            Finding(
                False, f"the database is damaged ({integrity})", "stop copbot and `copbot restore` a backup"
            )
        )
    elif version != known:
        found.append(
            Finding(False, f"the database is at version {version}, not {known}", "run `copbot migrate`")
        )
    else:
        found.append(
            Finding(
                True,
                f"the database is intact, at version {version} ({size / 1e6:.1f} MB, WAL {wal_size / 1e6:.1f} MB)",
            )
        )

    now = bot.clock.now()
    waiting = await bot.scheduler.jobs.count(JobState.PENDING)
    failed = await bot.scheduler.jobs.failed_since(now - timedelta(days=7))
    overdue = await bot.scheduler.jobs.oldest_overdue(now - OVERDUE)
    if overdue is not None:
        found.append(
            Finding(
                False,
                f"scheduled posts are overdue (the oldest was due {overdue:%Y-%m-%d %H:%M} UTC)",
                "start copbot: it catches up",
            )
        )
    elif failed:
        found.append(
            Finding(
                False,
                f"{plural(failed, 'scheduled job')} failed in the last week ({waiting} waiting)",
                "see what organizers were told in the announcements channel, then fix the channel or permission",
            )
        )
    else:
        found.append(
            Finding(True, f"the scheduler: {waiting} waiting, none failed in the last week, none overdue")
        )
    return found
