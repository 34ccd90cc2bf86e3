"""Stakeholder groups and their members; the shared shape of a 'unit with a role, a channel and members'.

Schools (storage/schools.py) reuse `UnitRepository`: both are a named thing per guild with a Discord role, a
private channel and a membership table.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from storage.database import Database
from storage.jobs import from_db_time, to_db_time


class DuplicateName(ValueError):
    """A name already used in this guild (compared without case)."""


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    guild_id: int
    name: str
    description: str
    emoji: str | None
    role_id: int | None
    channel_id: int | None
    protected: bool
    position: int
    category_id: int | None = None  # where copbot last put the channel


@dataclass(frozen=True, slots=True)
class Membership:
    unit_id: int
    user_id: int
    joined_at: datetime


# name, description, emoji, protected
DEFAULT_GROUPS: list[tuple[str, str, str, bool]] = [
    ("Teachers", "Classroom teachers of every grade and subject.", "🍎", False),
    ("Instructional Coaches", "Coaches and specialists who support teachers.", "🧭", False),
    ("School Administrators", "Principals, assistant principals and district leaders.", "🏫", False),
    ("Parents & Families", "Parents, guardians and family members.", "👪", False),
    ("Students", "Student voices in the network.", "🎒", True),
    ("Business & Industry", "Employers and industry partners.", "💼", False),
    ("Community Partners", "Museums, libraries, nonprofits and other community organizations.", "🤝", False),
    ("Education Agencies", "State and regional education agencies.", "🏛️", False),
    ("STEM Experts", "Scientists, engineers and university faculty.", "🔬", False),
    ("Professional Associations", "Professional and teacher associations.", "📣", False),
]


class UnitRepository:
    """A guild's named units (groups or schools): role and channel ids, and who belongs to each."""

    table: ClassVar[str]
    members_table: ClassVar[str]
    unit_column: ClassVar[str]
    kind: ClassVar[str]  # the key of the unit's categories in structure_ranges
    label: ClassVar[str]  # what one unit is called in a member's data export

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- structure ---------------------------------------------------------------------------------

    async def set_role(self, unit_id: int, role_id: int | None) -> None:
        await self.db.execute(f"UPDATE {self.table} SET role_id = ? WHERE id = ?", (role_id, unit_id))

    async def set_channel(self, unit_id: int, channel_id: int | None) -> None:
        await self.db.execute(f"UPDATE {self.table} SET channel_id = ? WHERE id = ?", (channel_id, unit_id))

    async def forget_role(self, guild_id: int, role_id: int) -> int:
        """A role was deleted in Discord: the next repair recreates it."""
        return await self.db.execute_rowcount(
            f"UPDATE {self.table} SET role_id = NULL WHERE guild_id = ? AND role_id = ?", (guild_id, role_id)
        )

    async def forget_channel(self, guild_id: int, channel_id: int) -> int:
        return await self.db.execute_rowcount(
            f"UPDATE {self.table} SET channel_id = NULL WHERE guild_id = ? AND channel_id = ?",
            (guild_id, channel_id),
        )

    async def set_placement(self, unit_id: int, category_id: int | None) -> None:
        """The category copbot put the unit's channel in (see the migration 0011)."""
        await self.db.execute(f"UPDATE {self.table} SET category_id = ? WHERE id = ?", (category_id, unit_id))

    async def placements(self, guild_id: int) -> dict[int, tuple[int | None, int | None, int | None]]:
        """Per unit id: its (role id, channel id, category id) as recorded now."""
        rows = await self.db.fetchall(
            f"SELECT id, role_id, channel_id, category_id FROM {self.table} WHERE guild_id = ?", (guild_id,)
        )

        def known(value: object) -> int | None:
            return None if value is None else int(str(value))

        return {
            int(r["id"]): (known(r["role_id"]), known(r["channel_id"]), known(r["category_id"])) for r in rows
        }

    async def category_ranges(self, guild_id: int) -> list[tuple[str, int]]:
        """(first key, category id) of each alphabetical range of this kind's categories, in order."""
        rows = await self.db.fetchall(
            "SELECT first_key, category_id FROM structure_ranges WHERE guild_id = ? AND kind = ?"
            " ORDER BY first_key",
            (guild_id, self.kind),
        )
        return [(str(r["first_key"]), int(r["category_id"])) for r in rows]

    async def set_category_ranges(self, guild_id: int, ranges: list[tuple[str, int]]) -> None:
        async with self.db.transaction():
            await self.db.execute(
                "DELETE FROM structure_ranges WHERE guild_id = ? AND kind = ?", (guild_id, self.kind)
            )
            for first_key, category_id in ranges:
                await self.db.execute(
                    "INSERT INTO structure_ranges (guild_id, kind, first_key, category_id) VALUES (?, ?, ?, ?)",
                    (guild_id, self.kind, first_key, category_id),
                )

    async def category(self, guild_id: int) -> int | None:
        """The category of the first range (the only one while everything fits in one)."""
        ranges = await self.category_ranges(guild_id)
        return ranges[0][1] if ranges else None

    async def set_category(self, guild_id: int, category_id: int) -> None:
        """One category for everything of this kind."""
        await self.set_category_ranges(guild_id, [("", category_id)])

    async def count(self, guild_id: int) -> int:
        return int(
            await self.db.fetchval(f"SELECT COUNT(*) FROM {self.table} WHERE guild_id = ?", (guild_id,)) or 0
        )

    async def remove(self, guild_id: int, unit_id: int) -> list[int]:
        """Delete the unit and its memberships; returns the user ids who were members."""
        async with self.db.transaction():
            members = await self.member_ids(guild_id, unit_id)
            await self.db.execute(
                f"DELETE FROM {self.table} WHERE guild_id = ? AND id = ?", (guild_id, unit_id)
            )
        return members

    # -- members -----------------------------------------------------------------------------------

    async def member_ids(self, guild_id: int, unit_id: int) -> list[int]:
        rows = await self.db.fetchall(
            f"SELECT user_id FROM {self.members_table} WHERE guild_id = ? AND {self.unit_column} = ?"
            " ORDER BY joined_at, user_id",
            (guild_id, unit_id),
        )
        return [int(r["user_id"]) for r in rows]

    async def member_counts(self, guild_id: int) -> dict[int, int]:
        rows = await self.db.fetchall(
            f"SELECT {self.unit_column} AS unit, COUNT(*) AS n FROM {self.members_table}"
            f" WHERE guild_id = ? GROUP BY {self.unit_column}",
            (guild_id,),
        )
        return {int(r["unit"]): int(r["n"]) for r in rows}

    async def unit_ids_of(self, guild_id: int, user_id: int) -> list[int]:
        rows = await self.db.fetchall(
            f"SELECT {self.unit_column} AS unit FROM {self.members_table} WHERE guild_id = ? AND user_id = ?"
            " ORDER BY joined_at",
            (guild_id, user_id),
        )
        return [int(r["unit"]) for r in rows]

    async def add_members(
        self, guild_id: int, user_id: int, unit_ids: list[int], when: datetime
    ) -> list[int]:
        """Record memberships; returns the unit ids that were new (a unit removed meanwhile is skipped)."""
        added: list[int] = []
        async with self.db.transaction():
            for unit_id in unit_ids:
                try:
                    changed = await self.db.execute_rowcount(
                        f"INSERT OR IGNORE INTO {self.members_table} (guild_id, {self.unit_column}, user_id,"
                        " joined_at) SELECT ?, id, ?, ? FROM "
                        + self.table
                        + " WHERE guild_id = ? AND id = ?",
                        (guild_id, user_id, to_db_time(when), guild_id, unit_id),
                    )
                except sqlite3.IntegrityError:
                    changed = 0
                if changed:
                    added.append(unit_id)
        return added

    async def remove_members(self, guild_id: int, user_id: int, unit_ids: list[int]) -> list[int]:
        removed: list[int] = []
        async with self.db.transaction():
            for unit_id in unit_ids:
                if await self.db.execute_rowcount(
                    f"DELETE FROM {self.members_table} WHERE guild_id = ? AND user_id = ?"
                    f" AND {self.unit_column} = ?",
                    (guild_id, user_id, unit_id),
                ):
                    removed.append(unit_id)
        return removed

    async def memberships(self, guild_id: int, user_id: int) -> list[Membership]:
        rows = await self.db.fetchall(
            f"SELECT {self.unit_column} AS unit, user_id, joined_at FROM {self.members_table}"
            " WHERE guild_id = ? AND user_id = ? ORDER BY joined_at",
            (guild_id, user_id),
        )
        return [Membership(int(r["unit"]), int(r["user_id"]), from_db_time(r["joined_at"])) for r in rows]

    async def export_member(self, guild_id: int, user_id: int) -> list[dict[str, str]]:
        """The member's memberships for `/profile export`: each unit's name and when they joined."""
        rows = await self.db.fetchall(
            f"SELECT u.name, m.joined_at FROM {self.members_table} AS m"
            f" JOIN {self.table} AS u ON u.id = m.{self.unit_column}"
            " WHERE m.guild_id = ? AND m.user_id = ? ORDER BY m.joined_at, u.name",
            (guild_id, user_id),
        )
        return [{self.label: r["name"], "joined_at": from_db_time(r["joined_at"]).isoformat()} for r in rows]

    async def delete_member(self, guild_id: int, user_id: int) -> int:
        """Every membership of the member in this guild (personal-data deletion)."""
        return await self.db.execute_rowcount(
            f"DELETE FROM {self.members_table} WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )


def _group(row: sqlite3.Row) -> Group:
    return Group(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        name=row["name"],
        description=row["description"],
        emoji=row["emoji"],
        role_id=row["role_id"],
        channel_id=row["channel_id"],
        protected=bool(row["protected"]),
        position=int(row["position"]),
        category_id=row["category_id"],
    )


class GroupRepository(UnitRepository):
    """Stakeholder groups of each guild."""

    table = "stakeholder_groups"
    members_table = "group_members"
    unit_column = "group_id"
    kind = "groups"
    label = "group"

    async def all(self, guild_id: int) -> list[Group]:
        rows = await self.db.fetchall(
            "SELECT * FROM stakeholder_groups WHERE guild_id = ? ORDER BY position, id", (guild_id,)
        )
        return [_group(r) for r in rows]

    async def get(self, guild_id: int, group_id: int) -> Group | None:
        row = await self.db.fetchone(
            "SELECT * FROM stakeholder_groups WHERE guild_id = ? AND id = ?", (guild_id, group_id)
        )
        return _group(row) if row else None

    async def by_name(self, guild_id: int, name: str) -> Group | None:
        row = await self.db.fetchone(
            "SELECT * FROM stakeholder_groups WHERE guild_id = ? AND name_key = ?", (guild_id, name_key(name))
        )
        return _group(row) if row else None

    async def add(
        self,
        guild_id: int,
        name: str,
        *,
        description: str = "",
        emoji: str | None = None,
        protected: bool = False,
        now: datetime,
    ) -> Group:
        async with self.db.transaction():
            position = int(
                await self.db.fetchval(
                    "SELECT COALESCE(MAX(position), -1) + 1 FROM stakeholder_groups WHERE guild_id = ?",
                    (guild_id,),
                )
            )
            try:
                group_id = await self.db.execute(
                    "INSERT INTO stakeholder_groups (guild_id, name, name_key, description, emoji, protected,"
                    " position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        guild_id,
                        name,
                        name_key(name),
                        description,
                        emoji,
                        int(protected),
                        position,
                        to_db_time(now),
                    ),
                )
            except sqlite3.IntegrityError:
                raise DuplicateName(name) from None
        group = await self.get(guild_id, group_id)
        assert group is not None
        return group

    async def add_defaults(self, guild_id: int, now: datetime) -> list[Group]:
        """The default set, only when the guild has no groups at all."""
        async with self.db.transaction():
            if await self.count(guild_id):
                return []
            for name, description, emoji, protected in DEFAULT_GROUPS:
                await self.add(
                    guild_id, name, description=description, emoji=emoji, protected=protected, now=now
                )
        return await self.all(guild_id)

    async def update(self, guild_id: int, group_id: int, **fields: Any) -> Group | None:
        """Change name, description, emoji or protected."""
        allowed = {"name", "description", "emoji", "protected"}
        if set(fields) - allowed:
            raise ValueError(f"unknown fields {set(fields) - allowed}")
        if "name" in fields:
            fields["name_key"] = name_key(fields["name"])
        if "protected" in fields:
            fields["protected"] = int(bool(fields["protected"]))
        if fields:
            assignments = ", ".join(f"{k} = ?" for k in fields)
            try:
                await self.db.execute(
                    f"UPDATE stakeholder_groups SET {assignments} WHERE guild_id = ? AND id = ?",
                    (*fields.values(), guild_id, group_id),
                )
            except sqlite3.IntegrityError:
                raise DuplicateName(fields["name"]) from None
        return await self.get(guild_id, group_id)

    async def groups_of(self, guild_id: int, user_id: int) -> list[Group]:
        rows = await self.db.fetchall(
            "SELECT g.* FROM stakeholder_groups g JOIN group_members m ON m.group_id = g.id"
            " WHERE m.guild_id = ? AND m.user_id = ? ORDER BY g.position, g.id",
            (guild_id, user_id),
        )
        return [_group(r) for r in rows]

    async def protected_user_ids(self, guild_id: int) -> set[int]:
        rows = await self.db.fetchall(
            "SELECT DISTINCT m.user_id FROM group_members m JOIN stakeholder_groups g ON g.id = m.group_id"
            " WHERE m.guild_id = ? AND g.protected = 1",
            (guild_id,),
        )
        return {int(r["user_id"]) for r in rows}

    # -- picker messages ---------------------------------------------------------------------------

    async def add_picker(self, guild_id: int, channel_id: int, message_id: int, now: datetime) -> None:
        await self.db.execute(
            "INSERT OR REPLACE INTO group_pickers (guild_id, channel_id, message_id, created_at)"
            " VALUES (?, ?, ?, ?)",
            (guild_id, channel_id, message_id, to_db_time(now)),
        )

    async def pickers(self, guild_id: int) -> list[tuple[int, int]]:
        rows = await self.db.fetchall(
            "SELECT channel_id, message_id FROM group_pickers WHERE guild_id = ? ORDER BY created_at",
            (guild_id,),
        )
        return [(int(r["channel_id"]), int(r["message_id"])) for r in rows]

    async def remove_picker(self, message_id: int) -> None:
        await self.db.execute("DELETE FROM group_pickers WHERE message_id = ?", (message_id,))
