"""Stakeholder groups, their members and the posted pickers.

Schools (storage/schools.py) share `UnitRepository` (storage/units.py): both are a named thing per guild with a
Discord role, a private channel and a membership table.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.jobs import to_db_time
from storage.units import DuplicateName, UnitRepository, name_key

__all__ = [
    "DEFAULT_GROUPS",
    "DuplicateName",
    "Group",
    "GroupRepository",
    "UnitRepository",
    "name_key",
]


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


class GroupRepository(UnitRepository[Group]):
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
