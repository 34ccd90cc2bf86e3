"""Reports made (for "what changed since the last report") and the monthly digest's settings."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.database import Database
from storage.jobs import from_db_time, to_db_time


@dataclass(frozen=True, slots=True)
class MadeReport:
    id: int
    guild_id: int
    audience: str
    community: str
    start: date
    end: date
    headline: dict[str, int | str]
    made_by: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Digest:
    guild_id: int
    channel_id: int
    series_id: int
    set_by: int | None


def _made(row: sqlite3.Row) -> MadeReport:
    return MadeReport(
        id=row["id"],
        guild_id=row["guild_id"],
        audience=row["audience"],
        community=row["community"],
        start=date.fromisoformat(row["period_start"]),
        end=date.fromisoformat(row["period_end"]),
        headline=json.loads(row["headline"]),
        made_by=row["made_by"],
        created_at=from_db_time(row["created_at"]),
    )


class ReportRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        guild_id: int,
        audience: str,
        start: date,
        end: date,
        headline: dict[str, int | str],
        *,
        community: str,
        made_by: int | None,
        now: datetime,
    ) -> int:
        return await self.db.execute(
            "INSERT INTO reports (guild_id, audience, community, period_start, period_end, headline, made_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                audience,
                community,
                start.isoformat(),
                end.isoformat(),
                json.dumps(headline, ensure_ascii=False),
                made_by,
                to_db_time(now),
            ),
        )

    async def community_name(self, guild_id: int) -> str | None:
        """The server's name as the last report saw it."""
        found = await self.db.fetchval(
            "SELECT community FROM reports WHERE guild_id = ? AND community != '' ORDER BY id DESC LIMIT 1",
            (guild_id,),
        )
        return None if found is None else str(found)

    async def last(self, guild_id: int, audience: str) -> MadeReport | None:
        """The latest report made for this audience."""
        row = await self.db.fetchone(
            "SELECT * FROM reports WHERE guild_id = ? AND audience = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (guild_id, audience),
        )
        return None if row is None else _made(row)

    # -- the monthly digest ---------------------------------------------------------------------------

    async def digest(self, guild_id: int) -> Digest | None:
        row = await self.db.fetchone("SELECT * FROM report_digests WHERE guild_id = ?", (guild_id,))
        return (
            None
            if row is None
            else Digest(row["guild_id"], row["channel_id"], row["series_id"], row["set_by"])
        )

    async def set_digest(
        self, guild_id: int, channel_id: int, series_id: int, *, set_by: int, now: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO report_digests (guild_id, channel_id, series_id, set_by, created_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id,"
            " series_id = excluded.series_id, set_by = excluded.set_by",
            (guild_id, channel_id, series_id, set_by, to_db_time(now)),
        )

    async def clear_digest(self, guild_id: int) -> None:
        await self.db.execute("DELETE FROM report_digests WHERE guild_id = ?", (guild_id,))

    # -- personal data --------------------------------------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        rows = await self.db.fetchall(
            "SELECT * FROM reports WHERE guild_id = ? AND made_by = ? ORDER BY id", (guild_id, user_id)
        )
        found: dict[str, Any] = {}
        if rows:
            found["reports made"] = [
                {
                    "audience": r["audience"],
                    "period": f"{r['period_start']} to {r['period_end']}",
                    "made at": r["created_at"],
                }
                for r in rows
            ]
        digest = await self.digest(guild_id)
        if digest is not None and digest.set_by == user_id:
            found["monthly digest set up"] = {"channel id": digest.channel_id}
        return found

    async def delete_member(self, guild_id: int, user_id: int) -> int:
        """Forget who made reports and set the digest up (the reports themselves hold only aggregates)."""
        async with self.db.transaction():
            changed = await self.db.execute_rowcount(
                "UPDATE reports SET made_by = NULL WHERE guild_id = ? AND made_by = ?", (guild_id, user_id)
            )
            changed += await self.db.execute_rowcount(
                "UPDATE report_digests SET set_by = NULL WHERE guild_id = ? AND set_by = ?",
                (guild_id, user_id),
            )
        return changed
