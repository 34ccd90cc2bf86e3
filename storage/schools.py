"""School teams: each school of a guild, its team members, and the schools × stakeholder-groups grid.

Reading a CSV of schools is a rule of the core (`core/units/school_csv.py`); its rows are `CsvRow`s.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.jobs import to_db_time
from storage.units import DuplicateName, UnitRepository, closest_names, name_key

__all__ = ["CsvRow", "DuplicateName", "School", "SchoolRepository", "closest_names", "name_key"]


@dataclass(frozen=True, slots=True)
class School:
    id: int
    guild_id: int
    name: str
    district: str
    role_id: int | None
    channel_id: int | None
    category_id: int | None = None  # where copbot last put the channel


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    name: str
    district: str


def _school(row: sqlite3.Row) -> School:
    return School(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        name=row["name"],
        district=row["district"],
        role_id=row["role_id"],
        channel_id=row["channel_id"],
        category_id=row["category_id"],
    )


class SchoolRepository(UnitRepository[School]):
    """Schools of each guild and their team members."""

    table = "schools"
    members_table = "school_members"
    unit_column = "school_id"
    kind = "schools"
    label = "school"

    async def all(self, guild_id: int) -> list[School]:
        rows = await self.db.fetchall(
            "SELECT * FROM schools WHERE guild_id = ? ORDER BY name COLLATE NOCASE", (guild_id,)
        )
        return [_school(r) for r in rows]

    async def get(self, guild_id: int, school_id: int) -> School | None:
        row = await self.db.fetchone(
            "SELECT * FROM schools WHERE guild_id = ? AND id = ?", (guild_id, school_id)
        )
        return _school(row) if row else None

    async def by_name(self, guild_id: int, name: str) -> School | None:
        row = await self.db.fetchone(
            "SELECT * FROM schools WHERE guild_id = ? AND name_key = ?", (guild_id, name_key(name))
        )
        return _school(row) if row else None

    async def search(self, guild_id: int, typed: str, *, limit: int = 25) -> list[School]:
        """Schools whose name or district contains what was typed (for autocomplete)."""
        pattern = "%" + typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await self.db.fetchall(
            "SELECT * FROM schools WHERE guild_id = ? AND (name LIKE ? ESCAPE '\\' OR district LIKE ? ESCAPE '\\')"
            " ORDER BY name COLLATE NOCASE LIMIT ?",
            (guild_id, pattern, pattern, limit),
        )
        return [_school(r) for r in rows]

    async def add(self, guild_id: int, name: str, district: str = "", *, now: datetime) -> School:
        try:
            school_id = await self.db.execute(
                "INSERT INTO schools (guild_id, name, name_key, district, created_at) VALUES (?, ?, ?, ?, ?)",
                (guild_id, name, name_key(name), district, to_db_time(now)),
            )
        except sqlite3.IntegrityError:
            raise DuplicateName(name) from None
        school = await self.get(guild_id, school_id)
        assert school is not None
        return school

    async def add_many(
        self, guild_id: int, rows: list[CsvRow], *, now: datetime
    ) -> tuple[list[School], list[CsvRow]]:
        """Add the rows in one transaction; returns (created, already known)."""
        created: list[int] = []
        known: list[CsvRow] = []
        async with self.db.transaction():
            for row in rows:
                try:
                    created.append(
                        await self.db.execute(
                            "INSERT INTO schools (guild_id, name, name_key, district, created_at)"
                            " VALUES (?, ?, ?, ?, ?)",
                            (guild_id, row.name, name_key(row.name), row.district, to_db_time(now)),
                        )
                    )
                except sqlite3.IntegrityError:
                    known.append(row)
        schools = [s for s in await self.all(guild_id) if s.id in set(created)]
        return schools, known

    async def schools_of(self, guild_id: int, user_id: int) -> list[School]:
        rows = await self.db.fetchall(
            "SELECT s.* FROM schools s JOIN school_members m ON m.school_id = s.id"
            " WHERE m.guild_id = ? AND m.user_id = ? ORDER BY m.joined_at",
            (guild_id, user_id),
        )
        return [_school(r) for r in rows]

    async def teammates(self, guild_id: int, user_id: int) -> set[int]:
        """Everyone who shares a school team with the member (the member included if in any team)."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT o.user_id FROM school_members m JOIN school_members o ON o.school_id = m.school_id"
            " WHERE m.guild_id = ? AND m.user_id = ?",
            (guild_id, user_id),
        )
        return {int(r["user_id"]) for r in rows}

    async def group_grid(self, guild_id: int) -> dict[tuple[int, int], int]:
        """(school id, group id) → how many of the school's team are in that stakeholder group."""
        rows = await self.db.fetchall(
            "SELECT sm.school_id AS school, gm.group_id AS grp, COUNT(*) AS n FROM school_members sm"
            " JOIN group_members gm ON gm.guild_id = sm.guild_id AND gm.user_id = sm.user_id"
            " WHERE sm.guild_id = ? GROUP BY sm.school_id, gm.group_id",
            (guild_id,),
        )
        return {(int(r["school"]), int(r["grp"])): int(r["n"]) for r in rows}
