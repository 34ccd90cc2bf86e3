"""Check-ins at a meeting."""

from __future__ import annotations

from datetime import datetime

from storage.database import Database
from storage.jobs import from_db_time, to_db_time


class AttendanceRows:
    """The check-ins part of `MeetingRepository`."""

    db: Database

    async def check_in(self, guild_id: int, meeting_id: int, user_id: int, *, now: datetime) -> bool:
        """Record that a member is here; False if they already were."""
        return bool(
            await self.db.execute_rowcount(
                "INSERT OR IGNORE INTO meeting_checkins (guild_id, meeting_id, user_id, checked_in_at)"
                " VALUES (?, ?, ?, ?)",
                (guild_id, meeting_id, user_id, to_db_time(now)),
            )
        )

    async def checkins(self, meeting_id: int) -> dict[int, datetime]:
        rows = await self.db.fetchall(
            "SELECT user_id, checked_in_at FROM meeting_checkins WHERE meeting_id = ? ORDER BY checked_in_at",
            (meeting_id,),
        )
        return {r["user_id"]: from_db_time(r["checked_in_at"]) for r in rows}
