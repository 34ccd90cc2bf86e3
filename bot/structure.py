"""Create or repair a category of private channels, each with its own role: stakeholder groups and schools.

One unit (a group or a school) is a role plus a text channel visible only to that role, the organizer role and
the bot. Building is idempotent: recorded ids are reused, a role or channel deleted by hand is recreated, one
renamed by hand is kept. Each id is recorded as soon as Discord creates the object, so a run cut short (a
permission removed, a crash) leaves nothing unrecorded and the next run finishes the job.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import discord

from bot.errors import UserError
from bot.formatting import human_list, plural, safe_text
from bot.permissions import require_bot_permissions
from bot.ui import confirm
from storage.groups import UnitRepository

log = logging.getLogger(__name__)

# Discord's own limits per server; we stop a little before them so members can still add their own.
MAX_CHANNELS = 500
MAX_ROLES = 250
NAME_LIMIT = 100
ARCHIVE_PREFIX = "archived-"
SUMMARY_NAMES = 8  # beyond this, the summary counts instead of naming
PROGRESS_INTERVAL = 0.5  # seconds between progress edits: each edit is a request to Discord

RETRIES = 6  # discord.py already retries a 429 five times; a long storm gets a few more, spaced out
T = TypeVar("T")
Progress = Callable[[str], Awaitable[None]]
Overwrites = dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite]

MEMBER_ACCESS = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True)
BOT_ACCESS = discord.PermissionOverwrite(
    view_channel=True, send_messages=True, read_message_history=True, embed_links=True
)
HIDDEN = discord.PermissionOverwrite(view_channel=False)
READ_ONLY = discord.PermissionOverwrite(view_channel=True, send_messages=False, read_message_history=True)


async def patiently(action: Callable[[], Awaitable[T]]) -> T:
    """Run a Discord call, retrying when Discord stays busy (429 or 5xx) beyond discord.py's own retries."""
    for attempt in range(RETRIES):
        try:
            return await action()
        except discord.HTTPException as exc:
            if (exc.status != 429 and exc.status < 500) or attempt == RETRIES - 1:
                raise
            log.info("Discord busy (%s); trying again", exc.status)
            await asyncio.sleep(min(2.0**attempt, 10.0))
    raise AssertionError("unreachable")


def channel_slug(name: str) -> str:
    """What Discord makes of a text channel name: lower case, hyphens, no punctuation."""
    slug = re.sub(r"[^\w-]+", "-", name.casefold())
    slug = re.sub(r"-{2,}", "-", slug).strip("-_")
    return slug[:NAME_LIMIT]


def slug_note(name: str) -> str:
    """Tell the organizer the channel's name when Discord's rules changed more than case and spaces."""
    slug = channel_slug(name)
    if slug == "-".join(name.casefold().split()):
        return ""
    return f" (Discord channel names can't hold some of those characters, so the channel is **#{slug}**.)"


def clean_name(text: str, what: str, *, limit: int = NAME_LIMIT) -> str:
    """A name typed by an organizer, tidied; refused with a clear message when unusable."""
    name = " ".join(text.split())
    if not name:
        raise UserError(f"The {what} name is empty. Type a name, for example “Teachers”.")
    if len(name) > limit:
        raise UserError(f"That {what} name is {len(name)} characters long; Discord allows at most {limit}.")
    if not channel_slug(name):
        raise UserError(
            f"“{safe_text(name, 60)}” can't be used as a {what} name: a channel name needs at least one "
            "letter or digit."
        )
    return name


@dataclass(frozen=True, slots=True)
class Unit:
    """One thing to build: a role named `name` and a channel named `slug`."""

    id: int
    name: str
    topic: str
    role_id: int | None
    channel_id: int | None

    @property
    def slug(self) -> str:
        return channel_slug(self.name)


@dataclass(slots=True)
class BuildReport:
    """What a build run did, for the summary the organizer reads."""

    created_roles: list[str] = field(default_factory=list)
    created_channels: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    found: int = 0
    roles: dict[int, discord.Role] = field(default_factory=dict)
    channels: dict[int, discord.TextChannel] = field(default_factory=dict)

    def summary(self) -> str:
        parts = []
        created = self.created_roles + self.created_channels
        if len(created) > SUMMARY_NAMES:
            roles, channels = len(self.created_roles), len(self.created_channels)
            parts.append(f"Created {plural(roles, 'role')} and {plural(channels, 'channel')}.")
        elif created:
            parts.append(f"Created {human_list(created)}.")
        if self.repaired:
            parts.append(f"Repaired {human_list(self.repaired[:SUMMARY_NAMES])}.")
        parts.append(f"Found {plural(self.found, 'role or channel', 'roles and channels')} already in place.")
        return " ".join(parts)


class ProgressReporter:
    """Edits a deferred answer with progress, at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self._last = 0.0

    async def __call__(self, text: str, *, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self._last >= PROGRESS_INTERVAL:
            self._last = now
            try:
                await self.progress(text)
            except discord.HTTPException as exc:  # progress is a courtesy; the work goes on
                log.info("could not show progress: %s", exc)


def private_overwrites(
    guild: discord.Guild, role: discord.Role, organizer_role: discord.Role | None
) -> Overwrites:
    overwrites: Overwrites = {guild.default_role: HIDDEN, role: MEMBER_ACCESS, guild.me: BOT_ACCESS}
    if organizer_role is not None:
        overwrites[organizer_role] = MEMBER_ACCESS
    return overwrites


def check_room(guild: discord.Guild, *, roles: int, channels: int, what: str) -> None:
    """Refuse before Discord's limits of 500 channels and 250 roles per server are reached."""
    if len(guild.roles) + roles > MAX_ROLES:
        raise UserError(
            f"This needs {plural(roles, 'new role')} for the {what}, but the server has "
            f"{len(guild.roles)} of Discord's {MAX_ROLES} roles. Delete unused roles, or add fewer {what}."
        )
    if len(guild.channels) + channels > MAX_CHANNELS:
        raise UserError(
            f"This needs {plural(channels, 'new channel')} for the {what}, but the server has "
            f"{len(guild.channels)} of Discord's {MAX_CHANNELS} channels. Delete or archive unused channels, "
            f"or add fewer {what}."
        )


def require_structure_permissions(guild: discord.Guild, doing: str) -> None:
    require_bot_permissions(guild, "view_channel", "manage_roles", "manage_channels", doing=doing)


def below_bot(guild: discord.Guild, role: discord.Role) -> bool:
    return role < guild.me.top_role


def position_problem(guild: discord.Guild, roles: Sequence[discord.Role], what: str) -> str | None:
    """The fix to ask for when some roles are at or above the bot's highest role (Discord refuses, 50013)."""
    above = [r for r in roles if not below_bot(guild, r)]
    if not above:
        return None
    names = human_list([f"**{safe_text(r.name, 60)}**" for r in above[:5]])
    more = f" and {len(above) - 5} more" if len(above) > 5 else ""
    return (
        f"my role **{safe_text(guild.me.top_role.name, 60)}** is below the {what} role{'s' if len(above) > 1 else ''} "
        f"{names}{more}. In Server Settings → Roles, drag **{safe_text(guild.me.top_role.name, 60)}** above "
        f"them, then try again."
    )


class StructureBuilder:
    """Builds or repairs one category of units for one guild."""

    def __init__(
        self,
        guild: discord.Guild,
        repo: UnitRepository,
        *,
        category_name: str,
        what: str,
        organizer_role_id: int | None,
        reason: str,
        reserved_roles: set[int] | None = None,
    ) -> None:
        self.guild = guild
        self.reserved_roles = reserved_roles or set()  # roles of other units: never adopted by name
        self.repo = repo
        self.category_name = category_name
        self.what = what  # "group" / "school team", as the organizer reads it
        self.organizer_role = guild.get_role(organizer_role_id) if organizer_role_id else None
        self.reason = reason

    def _existing_role(self, unit: Unit, taken: set[int]) -> discord.Role | None:
        role = self.guild.get_role(unit.role_id) if unit.role_id else None
        if role is None:
            # Not recorded (or deleted): adopt a same-named role rather than make a duplicate.
            role = next(
                (
                    r
                    for r in self.guild.roles
                    if r.name == unit.name
                    and r.id not in taken
                    and r.id not in self.reserved_roles
                    and not r.managed
                    and not r.is_default()
                ),
                None,
            )
        return role

    def _existing_channel(
        self, unit: Unit, category: discord.CategoryChannel | None, taken: set[int]
    ) -> discord.TextChannel | None:
        channel = self.guild.get_channel(unit.channel_id) if unit.channel_id else None
        if isinstance(channel, discord.TextChannel):
            return channel
        if category is None:
            return None
        return next((c for c in category.text_channels if c.name == unit.slug and c.id not in taken), None)

    async def _category(self) -> discord.CategoryChannel:
        recorded = await self.repo.category(self.guild.id)
        category = self.guild.get_channel(recorded) if recorded else None
        if not isinstance(category, discord.CategoryChannel):
            category = discord.utils.get(self.guild.categories, name=self.category_name)
        if category is None:
            category = await patiently(
                lambda: self.guild.create_category(self.category_name, reason=self.reason)
            )
        if category.id != recorded:
            await self.repo.set_category(self.guild.id, category.id)
        return category

    def preflight(self, units: Sequence[Unit]) -> None:
        """Permissions, role positions and room, checked before anything is created."""
        require_structure_permissions(self.guild, f"set up the {self.what} roles and channels")
        taken: set[int] = set()
        existing_roles = []
        missing_roles = 0
        for unit in units:
            role = self._existing_role(unit, taken)
            if role is None:
                missing_roles += 1
            else:
                taken.add(role.id)
                existing_roles.append(role)
        problem = position_problem(self.guild, existing_roles, self.what)
        if problem:
            raise UserError(f"I can't manage the {self.what} roles: {problem}")
        live = {c.id for c in self.guild.text_channels}
        missing_channels = sum(1 for u in units if u.channel_id is None or u.channel_id not in live)
        if discord.utils.get(self.guild.categories, name=self.category_name) is None:
            missing_channels += 1  # the category itself counts as a channel
        check_room(self.guild, roles=missing_roles, channels=missing_channels, what=f"{self.what}s")

    async def build(self, units: Sequence[Unit], progress: Progress | None = None) -> BuildReport:
        """Create or repair every unit's role and channel; ids are recorded as they appear."""
        self.preflight(units)
        report = BuildReport()
        say = ProgressReporter(progress)
        total = len(units)
        await say(f"Checking {plural(total, self.what)}…", force=True)
        taken_roles: set[int] = set()
        for done, unit in enumerate(units, start=1):
            role = self._existing_role(unit, taken_roles)
            if role is None:
                role = await patiently(partial(self.guild.create_role, name=unit.name, reason=self.reason))
                report.created_roles.append(f"the role **{safe_text(unit.name, 60)}**")
            else:
                report.found += 1
            taken_roles.add(role.id)
            if role.id != unit.role_id:
                await self.repo.set_role(unit.id, role.id)
            report.roles[unit.id] = role
            await say(f"Creating roles… {done}/{total}")
        category = await self._category()
        taken_channels: set[int] = set()
        for done, unit in enumerate(units, start=1):
            role = report.roles[unit.id]
            wanted = private_overwrites(self.guild, role, self.organizer_role)
            channel = self._existing_channel(unit, category, taken_channels)
            if channel is None:
                channel = await self.guild.create_text_channel(
                    unit.slug,
                    category=category,
                    topic=unit.topic[:1024],
                    overwrites=wanted,
                    reason=self.reason,
                )
                report.created_channels.append(channel.mention)
            elif _needs_repair(channel, wanted):
                await patiently(
                    partial(channel.edit, overwrites=_merged(channel, wanted), reason=self.reason)
                )
                report.repaired.append(f"the permissions of {channel.mention}")
            else:
                report.found += 1
            taken_channels.add(channel.id)
            if channel.id != unit.channel_id:
                await self.repo.set_channel(unit.id, channel.id)
            report.channels[unit.id] = channel
            await say(f"Creating channels… {done}/{total}")
        return report


def _needs_repair(channel: discord.TextChannel, wanted: Overwrites) -> bool:
    current = channel.overwrites
    return any(current.get(target) != overwrite for target, overwrite in wanted.items())


def _merged(channel: discord.TextChannel, wanted: Overwrites) -> Overwrites:
    """Keep overwrites organizers added by hand; drop ones for deleted roles; set ours."""
    kept: Overwrites = {t: o for t, o in channel.overwrites.items() if not isinstance(t, discord.Object)}
    kept.update(wanted)
    return kept


async def archive(
    guild: discord.Guild,
    *,
    role_id: int | None,
    channel_id: int | None,
    organizer_role_id: int | None,
    reason: str,
) -> list[str]:
    """Remove a unit: its role is deleted (members lose it); its channel is kept, locked and renamed."""
    done: list[str] = []
    role = guild.get_role(role_id) if role_id else None
    if role is not None:
        await role.delete(reason=reason)
        done.append(f"deleted the role **{safe_text(role.name, 60)}**")
    channel = guild.get_channel(channel_id) if channel_id else None
    if isinstance(channel, discord.TextChannel):
        organizer_role = guild.get_role(organizer_role_id) if organizer_role_id else None
        overwrites: Overwrites = {guild.default_role: HIDDEN, guild.me: BOT_ACCESS}
        if organizer_role is not None:
            overwrites[organizer_role] = READ_ONLY
        name = channel.name if channel.name.startswith(ARCHIVE_PREFIX) else ARCHIVE_PREFIX + channel.name
        await channel.edit(name=name[:NAME_LIMIT], overwrites=overwrites, reason=reason)
        done.append(f"archived {channel.mention} (locked; its messages are kept)")
    return done


def forbidden_message(what: str, command: str) -> str:
    """Said when Discord refused part way (50013): the ids recorded so far let a rerun finish."""
    return (
        f"Discord refused to let me finish the {what} setup: I'm missing a permission or my role is too low. "
        f"Check that my role has **Manage Roles** and **Manage Channels** and sits above the {what} roles "
        f"(Server Settings → Roles), then run `{command}` again: it picks up where this stopped."
    )


async def confirm_and_archive(
    interaction: discord.Interaction,
    *,
    question: str,
    confirm_label: str,
    name: str,
    what: str,
    command: str,
    role_id: int | None,
    channel_id: int | None,
    organizer_role_id: int | None,
    forget: Callable[[], Awaitable[object]],
) -> None:
    """The removal flow shared by groups and schools: ask, archive the role and channel, then forget the row.

    Nothing is forgotten when Discord refuses part way, so running the command again finishes the job.
    """
    assert interaction.guild is not None
    confirmed, answer = await confirm(interaction, question, confirm_label=confirm_label)
    if answer is None:
        return
    if not confirmed:
        await answer.response.edit_message(content="Nothing was removed.", view=None)
        return
    shown = safe_text(name, 100)
    await answer.response.edit_message(content=f"Removing **{shown}**…", view=None)
    try:
        done = await archive(
            interaction.guild,
            role_id=role_id,
            channel_id=channel_id,
            organizer_role_id=organizer_role_id,
            reason=f"copbot: {what} removed",
        )
    except discord.Forbidden:
        await answer.edit_original_response(content=forbidden_message(what, command))
        return
    await forget()
    await answer.edit_original_response(
        content=f"Removed **{shown}**: {human_list(done) or 'it had no role or channel'}."
    )
