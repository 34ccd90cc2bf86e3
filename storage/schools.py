"""School teams: each school of a guild, its team members, and the schools × stakeholder-groups grid."""

from __future__ import annotations

import csv
import difflib
import io
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from storage.groups import DuplicateName, UnitRepository, name_key
from storage.jobs import to_db_time

NAME_LIMIT = 100
DISTRICT_LIMIT = 100


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


@dataclass(slots=True)
class CsvReading:
    """What a school CSV holds: good rows, and the lines refused with the reason."""

    rows: list[CsvRow] = field(default_factory=list)
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # repeated within the file


class UnreadableCsv(ValueError):
    """The file is not a text CSV (a spreadsheet, a PDF…); the text says what to do instead."""


NOT_TEXT = (
    "That file isn't a plain CSV text file (it looks like a spreadsheet or another kind of document). "
    "In Excel or Google Sheets, choose File → Save as / Download → **CSV (comma-separated values)**, "
    "then attach that file."
)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 with a BOM
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableCsv(NOT_TEXT) from None
    if b"\x00" in data:
        raise UnreadableCsv(NOT_TEXT)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_school_csv(data: bytes, *, max_rows: int = 1000) -> CsvReading:
    """Parse `name,district` rows (a header row is optional; extra columns are ignored).

    Comma-, semicolon- or tab-separated; any line endings (Excel for Mac writes bare CRs). UnreadableCsv
    for a file that is not text at all.
    """
    text = _decode(data).rstrip("\x1a")  # old DOS files end with Ctrl-Z
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        raise UnreadableCsv(NOT_TEXT)
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = next((d for d in ("\t", ";") if d in first and "," not in first), ",")
    reading = CsvReading()
    seen: set[str] = set()
    try:
        # newline="" lets the csv module see every kind of line ending (\n, \r\n and a bare \r).
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise UnreadableCsv(
            "I couldn't read that file as CSV: check that quotes are balanced, or save it again as "
            "**CSV (comma-separated values)** from your spreadsheet."
        ) from None
    for number, cells in enumerate(lines, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].casefold() in ("name", "school", "school name"):
            continue
        name = " ".join(cells[0].split())
        district = " ".join(cells[1].split()) if len(cells) > 1 else ""
        if len(reading.rows) + len(reading.duplicates) + len(reading.invalid) >= max_rows:
            reading.invalid.append((number, f"more than {max_rows} rows: the rest were not read"))
            break
        if not name:
            reading.invalid.append((number, "the name is empty"))
        elif len(name) > NAME_LIMIT:
            reading.invalid.append((number, f"the name is longer than {NAME_LIMIT} characters"))
        elif len(district) > DISTRICT_LIMIT:
            reading.invalid.append((number, f"the district is longer than {DISTRICT_LIMIT} characters"))
        elif not any(ch.isalnum() for ch in name):
            reading.invalid.append((number, "the name has no letters or digits"))
        elif name_key(name) in seen:
            reading.duplicates.append((number, name))
        else:
            seen.add(name_key(name))
            reading.rows.append(CsvRow(number, name, district))
    return reading


def closest_names(typed: str, names: list[str], *, limit: int = 3) -> list[str]:
    """Known names nearest to what a member typed (for 'did you mean …?')."""
    keyed = {name_key(n): n for n in names}
    found = difflib.get_close_matches(name_key(typed), list(keyed), n=limit, cutoff=0.6)
    contains = [n for k, n in keyed.items() if name_key(typed) in k and n not in found]
    return ([keyed[k] for k in found] + contains)[:limit]


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


class SchoolRepository(UnitRepository):
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
