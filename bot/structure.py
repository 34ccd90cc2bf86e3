"""Create or repair a category of private channels, each with its own role: stakeholder groups and schools.

One unit (a group or a school) is a role plus a text channel visible only to that role, the organizer role and
the bot. Building is idempotent: recorded ids are reused, a role or channel deleted by hand is recreated, one
renamed by hand is kept. Each id is recorded as soon as Discord creates the object, so a run cut short (a
permission removed, a crash) leaves nothing unrecorded and the next run finishes the job.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

import discord

from bot.errors import UserError
from bot.permissions import require_bot_permissions
from core.text import human_list, plural, quote, safe_text, short_list
from core.units.layout import Placed, Plan, Server, moved_by_hand, plan_layout
from core.units.names import NAME_LIMIT, channel_slug
from core.units.room import CATEGORY_LIMIT, MAX_CHANNELS, MAX_ROLES, Crowded, Short, shortfall
from storage.units import UnitRepository

log = logging.getLogger(__name__)

ARCHIVE_PREFIX = "archived-"
SUMMARY_NAMES = 8  # beyond this, the summary counts instead of naming
SUMMARY_LIMIT = 1500  # characters: the summary shares a 2000-character message
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


@dataclass(frozen=True, slots=True)
class Unit:
    """One thing to build: a role named `name` and a channel named `slug`."""

    id: int
    name: str
    topic: str
    role_id: int | None
    channel_id: int | None
    category_id: int | None = None  # the category copbot last put the channel in

    @property
    def slug(self) -> str:
        return channel_slug(self.name)


@dataclass(slots=True)
class BuildReport:
    """What a build run did, for the summary the organizer reads."""

    created_roles: list[str] = field(default_factory=list)
    created_channels: list[str] = field(default_factory=list)
    created_categories: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    moved: dict[str, list[str]] = field(default_factory=dict)  # category name → channels moved into it
    repaired: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # channels moved by hand, left where they are
    layout: list[tuple[str, int]] = field(default_factory=list)  # (category, channels of ours) when several
    found: int = 0
    roles: dict[int, discord.Role] = field(default_factory=dict)
    channels: dict[int, discord.TextChannel] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Whether anything was created or edited in Discord."""
        return bool(
            self.created_roles
            or self.created_channels
            or self.created_categories
            or self.renamed
            or self.moved
            or self.repaired
        )

    def besides_one(self) -> str:
        """After adding one unit: a line on what else changed (ranges re-planned, repairs), if anything."""
        extra = (
            len(self.created_roles) > 1
            or len(self.created_channels) > 1
            or self.repaired
            or self.renamed
            or self.moved
            or self.left
        )
        return f"\n{self.summary()}" if extra else ""

    def summary(self) -> str:
        parts = []
        created = self.created_roles + self.created_channels
        if len(created) > SUMMARY_NAMES:
            counted = [(len(self.created_roles), "role"), (len(self.created_channels), "channel")]
            parts.append(f"Created {human_list([plural(n, what) for n, what in counted if n])}.")
        elif created:
            parts.append(f"Created {human_list(created)}.")
        if self.created_categories:
            kind = "category" if len(self.created_categories) == 1 else "categories"
            parts.append(f"Created the {kind} {short_list(self.created_categories)}.")
        if self.renamed:
            parts.append(f"Renamed the category {short_list(self.renamed)}.")
        moves = sum(len(c) for c in self.moved.values())
        if moves > SUMMARY_NAMES:
            into = [f"{len(c)} into {name}" for name, c in self.moved.items()]
            parts.append(
                f"Moved {plural(moves, 'channel')} to keep each category within Discord's 50: {short_list(into)}."
            )
        else:
            parts.extend(f"Moved {human_list(c)} into {name}." for name, c in self.moved.items())
        if self.repaired:
            parts.append(f"Repaired {short_list(self.repaired)}.")
        if self.left:
            them = "it" if len(self.left) == 1 else "them"
            parts.append(f"Left {short_list(self.left)} where someone moved {them} by hand.")
        if self.found or not parts:
            parts.append(
                f"Found {plural(self.found, 'role or channel', 'roles and channels')} already in place."
            )
        if len(self.layout) > 1:
            shown = [f"{name} ({count})" for name, count in self.layout]
            parts.append(f"The channels are in {len(self.layout)} categories, by name: {short_list(shown)}.")
        text = " ".join(parts)
        return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"


class BuildInterrupted(UserError):
    """Discord refused part way; the text says what exists now and how to finish."""


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


def check_room(
    guild: discord.Guild,
    *,
    roles: int,
    channels: int,
    what: str,
    categories: int = 0,
    crowded: Sequence[tuple[str, int, int]] = (),
    optional: bool = True,
) -> None:
    """Refuse, before anything is created, what would pass Discord's caps (`core.units.room.shortfall`):
    250 roles and 500 channels (categories included) per server, 50 channels per category (`crowded`: name,
    channels it would hold, how many of those are other channels). `optional`: the organizer may also ask
    for fewer `what`."""
    short = shortfall(
        roles_now=len(guild.roles),
        channels_now=len(guild.channels),
        roles=roles,
        channels=channels,
        categories=categories,
        crowded=[Crowded(name, count, others) for name, count, others in crowded],
    )
    if short is None:
        return
    fewer = f", or add fewer {what}" if optional else ""
    if short.short is Short.ROLES:
        raise UserError(
            f"This needs {plural(roles, 'new role')} for the {what}, but the server has {short.have} of "
            f"Discord's {MAX_ROLES} roles, so only {short.free} more fit. Delete at least "
            f"{plural(short.excess, 'role')} you no longer use (Server Settings → Roles){fewer}. "
            "Nothing was created."
        )
    if short.short is Short.CHANNELS:
        parts = plural(channels, "channel") + (
            f" and {plural(categories, 'category', 'categories')}" if categories else ""
        )
        raise UserError(
            f"This would need {short.have + short.need} channels, but a Discord server can hold {MAX_CHANNELS} "
            f"(categories count too); {short.have} exist now and the {what} need {parts} more. Archive or "
            f"delete at least {plural(short.excess, 'channel')} first{fewer}. Nothing was created."
        )
    extra = f" ({plural(short.others, 'other channel')} are already in it)" if short.others else ""
    raise UserError(
        f"The category **{safe_text(short.name, 100)}** would need {short.have} channels, but Discord allows "
        f"{short.cap} in one category{extra}. Move some channels out of it, then try again. "
        "Nothing was created."
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


@dataclass(slots=True)
class Layout:
    """Where every unit's channel goes (`plan`, decided by `core.units.layout.plan_layout`), with the
    Discord objects it names."""

    plan: Plan
    categories: list[discord.CategoryChannel | None]  # per range: the category to use, None to create it
    channels: list[discord.TextChannel | None]  # per unit: its channel, if it exists

    @property
    def starts(self) -> list[str]:
        return self.plan.starts

    @property
    def names(self) -> list[str]:
        """Per range: the category's name as planned."""
        return self.plan.names

    @property
    def rename(self) -> set[int]:
        """Ranges whose reused category takes the planned name (the ranges changed)."""
        return self.plan.rename

    @property
    def target(self) -> list[int]:
        """Per unit: its range."""
        return self.plan.target

    @property
    def by_hand(self) -> list[bool]:
        """Per unit: its channel was moved by hand, so it stays where it is."""
        return self.plan.by_hand


# Builds of one kind in one guild take turns (per database, i.e. per running bot). Two at once — two organizers,
# `/groups add` during `/groups setup` — each found the other's channels missing and made them again (ten
# copies of every lounge for ten overlapping runs) and together passed a category's 50 channels.
_turns: weakref.WeakKeyDictionary[object, dict[tuple[int, str], asyncio.Lock]] = weakref.WeakKeyDictionary()
SETTLE_WITHIN = 5.0  # seconds to wait for what a build made to reach the cache (the next build looks there)
SETTLE_STEP = 0.02


class StructureBuilder:
    """Builds or repairs the categories of one kind of unit for one guild."""

    def __init__(
        self,
        guild: discord.Guild,
        repo: UnitRepository[Any],
        *,
        category_name: str,
        what: str,
        organizer_role_id: int | None,
        reason: str,
        reserved_roles: set[int] | None = None,
        command: str = "",
    ) -> None:
        self.guild = guild
        self.reserved_roles = reserved_roles or set()  # roles of other units: never adopted by name
        self.repo = repo
        self.category_name = category_name  # the one category's name; with several, "… A–L" and so on
        self.what = what  # "group" / "school team", as the organizer reads it
        self.organizer_role = guild.get_role(organizer_role_id) if organizer_role_id else None
        self.reason = reason
        self.command = command  # what finishes an interrupted run, e.g. "/schools setup"
        self._target = ""  # the category being filled, for an organizer-readable refusal
        self._made: list[Callable[[], object | None]] = []  # cache lookups of what this build created

    @property
    def whats(self) -> str:
        return f"{self.what}s"

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
        self, unit: Unit, categories: Sequence[discord.CategoryChannel], taken: set[int]
    ) -> discord.TextChannel | None:
        channel = self.guild.get_channel(unit.channel_id) if unit.channel_id else None
        if isinstance(channel, discord.TextChannel):
            return channel
        for category in categories:
            found = next(
                (c for c in category.text_channels if c.name == unit.slug and c.id not in taken), None
            )
            if found is not None:
                return found
        return None

    def _category(self, category_id: int | None) -> discord.CategoryChannel | None:
        found = self.guild.get_channel(category_id) if category_id else None
        return found if isinstance(found, discord.CategoryChannel) else None

    async def layout(self, units: Sequence[Unit]) -> Layout:
        """Keep the recorded ranges while every category stays within 50 channels; otherwise plan new
        ranges, reusing the categories that already hold most of each range's channels."""
        recorded = await self.repo.category_ranges(self.guild.id)
        ours = {category_id for _, category_id in recorded}
        known = [c for c in (self._category(i) for _, i in recorded) if c is not None]
        taken: set[int] = set()
        channels: list[discord.TextChannel | None] = []
        for unit in units:
            channel = self._existing_channel(unit, known, taken)
            if channel is not None:
                taken.add(channel.id)
            channels.append(channel)
        server = Server(
            {c.id: c.name for c in self.guild.categories},
            {c.id: [channel.id for channel in c.channels] for c in self.guild.categories},
        )
        placed = [Placed(c.id, c.category_id) if c is not None else None for c in channels]
        by_hand = [
            p is not None and moved_by_hand(u.category_id, p.parent_id, ours, server)
            for u, p in zip(units, placed, strict=True)
        ]
        plan = plan_layout(self.category_name, [u.name for u in units], placed, by_hand, recorded, server)
        return Layout(plan, [self._category(i) for i in plan.categories], channels)

    async def preflight(self, units: Sequence[Unit]) -> Layout:
        """Permissions, role positions and room (roles, channels, categories), checked before anything is
        created; `units` are all of this kind, including ones about to be added."""
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
        layout = await self.layout(units)
        check_room(
            self.guild,
            roles=missing_roles,
            channels=sum(1 for c in layout.channels if c is None),
            categories=sum(1 for c in layout.categories if c is None),
            crowded=[(c.name, c.count, c.others) for c in layout.plan.crowded],
            what=self.whats,
        )
        return layout

    async def build(self, units: Sequence[Unit], progress: Progress | None = None) -> BuildReport:
        """Create or repair every unit's role and channel, and the categories; ids are recorded as they
        appear. `units` are all of this kind (the categories are planned from all the names)."""
        locks = _turns.setdefault(self.repo.db, {})
        async with locks.setdefault((self.guild.id, self.repo.kind), asyncio.Lock()):
            units = await self._recorded(units)
            layout = await self.preflight(units)
            report = BuildReport()
            try:
                await self._build(units, layout, report, ProgressReporter(progress))
            except discord.HTTPException as exc:
                raise BuildInterrupted(self.interrupted(units, report, exc)) from exc
            finally:
                await self._settle()
            return report

    async def _recorded(self, units: Sequence[Unit]) -> list[Unit]:
        """`units` with the role, channel and category recorded now (a build that ran while this one waited
        its turn may have made them); units removed meanwhile are left out."""
        placed = await self.repo.placements(self.guild.id)
        return [
            replace(u, role_id=placed[u.id][0], channel_id=placed[u.id][1], category_id=placed[u.id][2])
            for u in units
            if u.id in placed
        ]

    async def _settle(self) -> None:
        """Wait (bounded) until the gateway has brought what this build made into the cache."""
        for _ in range(int(SETTLE_WITHIN / SETTLE_STEP)):
            if all(lookup() is not None for lookup in self._made):
                break
            await asyncio.sleep(SETTLE_STEP)
        self._made.clear()

    async def _build(
        self, units: Sequence[Unit], layout: Layout, report: BuildReport, say: ProgressReporter
    ) -> None:
        total = len(units)
        await say(f"Checking {plural(total, self.what)}…", force=True)
        taken_roles: set[int] = set()
        for done, unit in enumerate(units, start=1):
            role = self._existing_role(unit, taken_roles)
            if role is None:
                role = await patiently(partial(self.guild.create_role, name=unit.name, reason=self.reason))
                self._made.append(partial(self.guild.get_role, role.id))
                report.created_roles.append(f"the role **{safe_text(unit.name, 60)}**")
            else:
                report.found += 1
            taken_roles.add(role.id)
            if role.id != unit.role_id:
                await self.repo.set_role(unit.id, role.id)
            report.roles[unit.id] = role
            await say(f"Creating roles… {done}/{total}")
        categories = await self._categories(layout, report)
        shown = [f"**{safe_text(name, 100)}**" for name in layout.names]
        counts = [0] * len(categories)
        for index, unit in enumerate(units):
            role = report.roles[unit.id]
            wanted = private_overwrites(self.guild, role, self.organizer_role)
            channel, by_hand, target = layout.channels[index], layout.by_hand[index], layout.target[index]
            category = categories[target]
            self._target = layout.names[target]
            if channel is None:
                channel = await category.create_text_channel(
                    unit.slug, topic=unit.topic[:1024], overwrites=wanted, reason=self.reason
                )
                self._made.append(partial(self.guild.get_channel, channel.id))
                report.created_channels.append(channel.mention)
            else:
                changes: dict[str, object] = {}
                if by_hand:
                    where = channel.category.name if channel.category else None
                    report.left.append(
                        f"{channel.mention} (in **{safe_text(where, 60)}**)"
                        if where
                        else f"{channel.mention} (outside any category)"
                    )
                elif channel.category_id != category.id:
                    changes["category"] = category
                    report.moved.setdefault(shown[target], []).append(channel.mention)
                if _needs_repair(channel, wanted):
                    changes["overwrites"] = _merged(channel, wanted)
                    report.repaired.append(f"the permissions of {channel.mention}")
                if changes:
                    await patiently(partial(channel.edit, reason=self.reason, **changes))
                else:
                    report.found += 1
            if not by_hand:
                counts[target] += 1
                if category.id != unit.category_id:
                    await self.repo.set_placement(unit.id, category.id)
            if channel.id != unit.channel_id:
                await self.repo.set_channel(unit.id, channel.id)
            report.channels[unit.id] = channel
            await say(f"Creating channels… {index + 1}/{total}")
        if len(categories) > 1:
            report.layout = list(zip(shown, counts, strict=True))

    async def _categories(self, layout: Layout, report: BuildReport) -> list[discord.CategoryChannel]:
        """The category of every range, created or renamed as planned; their ids recorded."""
        out: list[discord.CategoryChannel] = []
        for index, category in enumerate(layout.categories):
            name = layout.names[index]
            self._target = name
            if category is None:
                category = await patiently(partial(self.guild.create_category, name, reason=self.reason))
                self._made.append(partial(self.guild.get_channel, category.id))
                report.created_categories.append(f"**{safe_text(name, 100)}**")
            elif index in layout.rename and category.name != name:
                old = category.name
                await patiently(partial(category.edit, name=name, reason=self.reason))
                report.renamed.append(f"**{safe_text(old, 100)}** to **{safe_text(name, 100)}**")
            out.append(category)
        if [(s, c.id) for s, c in zip(layout.starts, out, strict=True)] != await self.repo.category_ranges(
            self.guild.id
        ):
            await self.repo.set_category_ranges(
                self.guild.id, [(s, c.id) for s, c in zip(layout.starts, out, strict=True)]
            )
        return out

    def interrupted(self, units: Sequence[Unit], report: BuildReport, exc: discord.HTTPException) -> str:
        """What an organizer reads when Discord refused part way: why, what exists now, how to finish."""
        reason, fix = self._refusal(exc, report)
        again = f"Then run `{self.command}` again to finish" if self.command else "Then try again"
        if not report.changed:
            return f"Discord refused before I changed anything: {reason}. {fix} {again}."
        roles = sum(
            1 for u in units if u.id in report.roles or (u.role_id and self.guild.get_role(u.role_id))
        )
        channels = sum(
            1
            for u in units
            if u.id in report.channels
            or (u.channel_id and isinstance(self.guild.get_channel(u.channel_id), discord.TextChannel))
        )
        made = [
            plural(len(report.created_roles), "role"),
            plural(len(report.created_channels), "channel"),
        ]
        if report.created_categories:
            made.append(plural(len(report.created_categories), "category", "categories"))
        n = len(units)
        return (
            f"Discord refused part way: {reason}. This run created {human_list(made)}; now {roles} of {n} "
            f"{self.what} roles and {channels} of {n} {self.what} channels exist. {fix} {again} — nothing "
            "will be made twice."
        )

    def _refusal(self, exc: discord.HTTPException, report: BuildReport) -> tuple[str, str]:
        """(the reason in plain words, what to do about it)."""
        where = f"**{safe_text(self._target, 100)}**" if self._target else "a category"
        return explain_refusal(
            exc, self.guild, where=where, what=self.what, roles=list(report.roles.values())
        )


def explain_refusal(
    exc: discord.HTTPException,
    guild: discord.Guild,
    *,
    where: str,
    what: str,
    roles: Sequence[discord.Role] = (),
) -> tuple[str, str]:
    """Why Discord refused a create or edit, in plain words, and what an organizer can do about it.
    `where`: the category (or channel) concerned, as shown; `roles`: the ones being managed."""
    if exc.code == 30013:
        return (
            f"the server has reached Discord's limit of {MAX_CHANNELS} channels (categories count too)",
            "Archive or delete channels you no longer need.",
        )
    if exc.code == 30005:
        return (
            f"the server has reached Discord's limit of {MAX_ROLES} roles",
            "Delete roles you no longer use (Server Settings → Roles).",
        )
    if exc.code == 50035 and "parent_id" in exc.text:
        return (
            f"the category {where} already holds Discord's limit of {CATEGORY_LIMIT} channels (someone "
            "may have added channels to it meanwhile)",
            f"Move some channels out of {where}.",
        )
    if isinstance(exc, discord.Forbidden):
        return _forbidden(guild, where, what, roles)
    if exc.status == 429 or exc.status >= 500:
        return (
            "Discord stayed too busy to answer (it may be having trouble; discordstatus.com shows outages)",
            "Wait a few minutes.",
        )
    return (
        f"Discord answered {quote(exc.text or str(exc.status), 150)}",
        "If it happens again, tell whoever looks after copbot.",
    )


def _forbidden(guild: discord.Guild, where: str, what: str, roles: Sequence[discord.Role]) -> tuple[str, str]:
    me = guild.me.guild_permissions
    missing = [p for p in ("view_channel", "manage_roles", "manage_channels") if not getattr(me, p)]
    if missing:
        names = human_list([f"**{p.replace('_', ' ').title()}**" for p in missing])
        return (
            f"my role no longer has the {names} permission",
            "A server admin can give it back in Server Settings → Roles.",
        )
    problem = position_problem(guild, roles, what)
    if problem:
        return "some roles are above mine", problem[:1].upper() + problem[1:]
    return (
        f"the permissions of {where} don't let me manage channels in it",
        f"Give my role **Manage Channels** and **Manage Permissions** in {where} (Edit Category → Permissions).",
    )


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
