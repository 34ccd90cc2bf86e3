"""Stakeholder-group and school-team memberships: the rows and the Discord roles, changed in one place.

Every feature that puts a member into a group or a school team (the picker, `/groups join`, `/schools join`,
introductions) goes through `Memberships`, so role changes are one member update each (no burst of requests
when a member toggles five groups), idempotent, and a refusal by Discord (50013) is handled the same way:
the membership is saved, the member is told, the organizers are told what to fix.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot.reach import LastingProblems
from core.text import human_list, plural, safe_text
from storage.groups import Group, GroupRepository
from storage.schools import School, SchoolRepository

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

RECENT_ROLES_TTL = 10.0  # seconds a role list we set is trusted over a cache the gateway has not updated yet
ORGANIZER_NOTICE_INTERVAL = 600.0  # one notice per problem per server every ten minutes

ROLE_REFUSED = (
    "I saved your choice, but Discord didn't let me change your roles, so the channel may not show up yet. "
    "The organizers have been told what to fix."
)


@dataclass(slots=True)
class Change:
    """What a join or leave did."""

    changed: list[str] = field(default_factory=list)  # names joined or left
    unchanged: list[str] = field(default_factory=list)  # already a member / not a member
    gone: int = 0  # chosen but removed meanwhile
    not_built: list[str] = field(default_factory=list)  # recorded, but without a role yet
    role_problem: str | None = None  # what the member should read when Discord refused the role change


class Memberships:
    """The one place where group and school roles are given and taken."""

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.groups = GroupRepository(bot.db)
        self.schools = SchoolRepository(bot.db)
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}
        self._recent: dict[tuple[int, int], tuple[float, frozenset[int]]] = {}
        self.problems = LastingProblems(bot, every=ORGANIZER_NOTICE_INTERVAL)

    # -- roles ---------------------------------------------------------------------------------------

    def _current_roles(self, member: discord.Member) -> set[int]:
        key = (member.guild.id, member.id)
        cached = member.guild.get_member(member.id) or member
        recent = self._recent.get(key)
        if recent is not None and time.monotonic() - recent[0] < RECENT_ROLES_TTL:
            return set(recent[1])
        return {r.id for r in cached.roles if not r.is_default()}

    async def change_roles(
        self, member: discord.Member, *, add: Iterable[int] = (), remove: Iterable[int] = (), reason: str
    ) -> bool:
        """Add and remove roles in ONE member update (none if nothing changes). False if Discord refused."""
        guild = member.guild
        key = (guild.id, member.id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            current = self._current_roles(member)
            wanted = (current | {r for r in add if guild.get_role(r)}) - set(remove)
            if wanted == current:
                return True
            try:
                await member.edit(roles=[discord.Object(r) for r in sorted(wanted)], reason=reason)
            except discord.Forbidden as exc:
                log.info("role change refused for %s in %s: %s", member.id, guild.id, exc)
                changed = [guild.get_role(r) for r in wanted ^ current]
                await self.tell_organizers(guild, "roles", _role_fix(guild, [r for r in changed if r]))
                return False
            except discord.NotFound:  # the member left meanwhile
                return False
            self._recent[key] = (time.monotonic(), frozenset(wanted))
            return True

    async def tell_organizers(self, guild: discord.Guild, problem: str, text: str) -> None:
        """Post what to fix in the announcements channel, once per problem every ten minutes."""
        await self.problems.tell(guild.id, problem, f"**For organizers:** {text}")

    # -- groups --------------------------------------------------------------------------------------

    async def join_groups(self, member: discord.Member, group_ids: Iterable[int]) -> Change:
        return await self._change(member, list(group_ids), join=True, schools=False)

    async def leave_groups(self, member: discord.Member, group_ids: Iterable[int]) -> Change:
        return await self._change(member, list(group_ids), join=False, schools=False)

    async def toggle_groups(self, member: discord.Member, group_ids: Iterable[int]) -> tuple[Change, Change]:
        """Join the chosen groups the member is not in and leave those they are in: one role update."""
        chosen = list(dict.fromkeys(group_ids))
        mine = set(await self.groups.unit_ids_of(member.guild.id, member.id))
        return await self._change_both(
            member, [g for g in chosen if g not in mine], [g for g in chosen if g in mine]
        )

    async def join_schools(self, member: discord.Member, school_ids: Iterable[int]) -> Change:
        return await self._change(member, list(school_ids), join=True, schools=True)

    async def leave_schools(self, member: discord.Member, school_ids: Iterable[int]) -> Change:
        return await self._change(member, list(school_ids), join=False, schools=True)

    async def _change(self, member: discord.Member, ids: list[int], *, join: bool, schools: bool) -> Change:
        repo: GroupRepository | SchoolRepository = self.schools if schools else self.groups
        guild = member.guild
        units: dict[int, Group | School] = {u.id: u for u in await repo.all(guild.id)}
        change = Change()
        present = [i for i in dict.fromkeys(ids) if i in units]
        change.gone = len(set(ids)) - len(present)
        if join:
            done = await repo.add_members(guild.id, member.id, present, self.bot.clock.now())
        else:
            done = await repo.remove_members(guild.id, member.id, present)
        change.changed = [units[i].name for i in done]
        change.unchanged = [units[i].name for i in present if i not in done]
        change.not_built = [units[i].name for i in present if _live_role(guild, units[i]) is None]
        # Roles follow the rows even when the rows were already right (repairs a role removed by hand).
        roles = _live_roles(guild, [units[i] for i in present])
        ok = await self.change_roles(
            member,
            add=roles if join else (),
            remove=() if join else roles,
            reason="copbot: member's own choice",
        )
        if not ok:
            change.role_problem = ROLE_REFUSED
        return change

    async def _change_both(
        self, member: discord.Member, join: list[int], leave: list[int]
    ) -> tuple[Change, Change]:
        guild = member.guild
        units = {g.id: g for g in await self.groups.all(guild.id)}
        joined, left = Change(), Change()
        join_present = [i for i in join if i in units]
        leave_present = [i for i in leave if i in units]
        joined.gone = len(join) - len(join_present) + len(leave) - len(leave_present)
        async with self.bot.db.transaction():
            added = await self.groups.add_members(guild.id, member.id, join_present, self.bot.clock.now())
            removed = await self.groups.remove_members(guild.id, member.id, leave_present)
        joined.changed = [units[i].name for i in added]
        left.changed = [units[i].name for i in removed]
        joined.not_built = [units[i].name for i in join_present if _live_role(guild, units[i]) is None]
        ok = await self.change_roles(
            member,
            add=_live_roles(guild, [units[i] for i in added]),
            remove=_live_roles(guild, [units[i] for i in removed]),
            reason="copbot: group picker",
        )
        if not ok:
            joined.role_problem = ROLE_REFUSED
        return joined, left

    async def introduce(self, member: discord.Member, group_id: int | None, school_id: int | None) -> Change:
        """An introduction's group and school: both memberships recorded, both roles given in one update."""
        guild = member.guild
        change = Change()
        units: list[Group | School] = []
        if group_id is not None and (group := await self.groups.get(guild.id, group_id)) is not None:
            units.append(group)
            change.changed += (
                [group.name]
                if await self.groups.add_members(guild.id, member.id, [group.id], self.bot.clock.now())
                else []
            )
        if school_id is not None and (school := await self.schools.get(guild.id, school_id)) is not None:
            units.append(school)
            change.changed += (
                [school.name]
                if await self.schools.add_members(guild.id, member.id, [school.id], self.bot.clock.now())
                else []
            )
        change.not_built = [u.name for u in units if _live_role(guild, u) is None]
        if not await self.change_roles(member, add=_live_roles(guild, units), reason="copbot: introduction"):
            change.role_problem = ROLE_REFUSED
        return change

    async def restore(self, member: discord.Member) -> None:
        """A member came back: give the roles of the groups and school teams they still belong to."""
        guild = member.guild
        self._recent.pop((guild.id, member.id), None)  # they rejoined with no roles at all
        units: list[Group | School] = [
            *await self.groups.groups_of(guild.id, member.id),
            *await self.schools.schools_of(guild.id, member.id),
        ]
        await self.change_roles(member, add=_live_roles(guild, units), reason="copbot: member came back")

    async def remove_everything(self, member: discord.Member) -> list[str]:
        """Take every group and school role the bot gives (for `/profile delete`); returns the names."""
        guild = member.guild
        units: list[Group | School] = [
            *await self.groups.groups_of(guild.id, member.id),
            *await self.schools.schools_of(guild.id, member.id),
        ]
        await self.change_roles(
            member, remove=_live_roles(guild, units), reason="copbot: member deleted their data"
        )
        return [u.name for u in units]


def _live_role(guild: discord.Guild, unit: Group | School) -> int | None:
    """The unit's role id if that role still exists in Discord."""
    return unit.role_id if unit.role_id is not None and guild.get_role(unit.role_id) else None


def _live_roles(guild: discord.Guild, units: list[Group] | list[Group | School]) -> list[int]:
    return [r for r in (_live_role(guild, u) for u in units) if r is not None]


def describe_change(
    joined: Change | None, left: Change | None = None, *, kind: str = "group", setup: str = "/groups setup"
) -> str:
    """What the member reads after joining or leaving groups or school teams."""

    def names(items: list[str]) -> str:
        return human_list([f"**{safe_text(n, 100)}**" for n in items])

    lines = []
    if joined is not None and joined.changed:
        lines.append(f"You joined {names(joined.changed)}.")
    if joined is not None and joined.unchanged:
        lines.append(f"You were already in {names(joined.unchanged)}.")
    if left is not None and left.changed:
        lines.append(f"You left {names(left.changed)}.")
    if left is not None and left.unchanged:
        lines.append(f"You weren't in {names(left.unchanged)}.")
    changes = [c for c in (joined, left) if c is not None]
    gone = sum(c.gone for c in changes)
    if gone:
        lines.append(
            f"{plural(gone, kind)} you picked {'was' if gone == 1 else 'were'} just removed by an organizer."
        )
    not_built = [n for c in changes for n in c.not_built]
    if joined is not None and not_built:
        lines.append(f"{names(not_built)} has no channel yet; an organizer can create it with `{setup}`.")
    problem = next((c.role_problem for c in changes if c.role_problem), None)
    if problem:
        lines.append(problem)
    return "\n".join(lines) or "Nothing changed."


def _role_fix(guild: discord.Guild, roles: list[discord.Role]) -> str:
    me = guild.me.top_role.name
    if not guild.me.guild_permissions.manage_roles:
        return (
            "I couldn't give a member their group or school role: my role needs the **Manage Roles** permission "
            "(Server Settings → Roles). Their choice is saved; once fixed, they can choose again to get the role."
        )
    names = ", ".join(f"**{safe_text(r.name, 60)}**" for r in roles[:5]) or "the group and school roles"
    return (
        f"I couldn't give a member a role: my role **{safe_text(me, 60)}** must be above {names}. In Server "
        "Settings → Roles, drag it above them. Their choice is saved; once fixed, they can choose again."
    )


def memberships(bot: CopBot) -> Memberships:
    """The bot's Memberships service (one per bot, created on first use)."""
    service = getattr(bot, "_copbot_memberships", None)
    if not isinstance(service, Memberships) or service.bot is not bot:
        service = Memberships(bot)
        bot._copbot_memberships = service  # type: ignore[attr-defined]
    return service
