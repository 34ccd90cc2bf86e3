"""What stakeholder groups and school teams share in storage: a named unit per guild with a Discord role, a
private channel, the category copbot put it in, and a membership table (`UnitRepository`); names compared
without case (`name_key`).

`storage/groups.py` (`GroupRepository`) and `storage/schools.py` (`SchoolRepository`) fill in the tables.
"""

from __future__ import annotations

import difflib
import sqlite3
from datetime import datetime
from typing import ClassVar, Generic, Protocol, TypeVar

from storage.database import Database
from storage.jobs import from_db_time, to_db_time


class DuplicateName(ValueError):
    """A name already used in this guild (compared without case)."""


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def closest_names(typed: str, names: list[str], *, limit: int = 3) -> list[str]:
    """Known names nearest to what a member typed (for 'did you mean …?')."""
    keyed = {name_key(n): n for n in names}
    found = difflib.get_close_matches(name_key(typed), list(keyed), n=limit, cutoff=0.6)
    contains = [n for k, n in keyed.items() if name_key(typed) in k and n not in found]
    return ([keyed[k] for k in found] + contains)[:limit]


class UnitRow(Protocol):
    """What every unit's row has (`Group`, `School`)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def role_id(self) -> int | None: ...
    @property
    def channel_id(self) -> int | None: ...
    @property
    def category_id(self) -> int | None: ...


RowT = TypeVar("RowT", bound=UnitRow)


class UnitRepository(Generic[RowT]):
    """A guild's named units (groups or schools): role and channel ids, and who belongs to each.

    Each kind reads its own rows (`all`, `get`, `by_name`); the rest is written once here.
    """

    table: ClassVar[str]
    members_table: ClassVar[str]
    unit_column: ClassVar[str]
    kind: ClassVar[str]  # the key of the unit's categories in structure_ranges
    label: ClassVar[str]  # what one unit is called in a member's data export

    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self, guild_id: int) -> list[RowT]:
        """Every unit of the guild, in the kind's order."""
        raise NotImplementedError

    async def get(self, guild_id: int, unit_id: int) -> RowT | None:
        raise NotImplementedError

    async def by_name(self, guild_id: int, name: str) -> RowT | None:
        """The unit with this name, compared without case (`name_key`)."""
        raise NotImplementedError

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
