"""Counts of the evidence features for `/cop stats`: surveys, value stories, team goals, agreements and
activity. Aggregates only: nothing here names a member."""

from __future__ import annotations

from storage.database import Database


class EvidenceRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _count(self, sql: str, guild_id: int) -> int:
        return int(await self.db.fetchval(sql, (guild_id,)) or 0)

    async def counts(self, guild_id: int, *, since_day: str) -> dict[str, int]:
        """Each kind's count in one guild; `since_day` (YYYY-MM-DD in the guild's zone) bounds the messages."""
        return {
            "surveys": await self._count("SELECT COUNT(*) FROM surveys WHERE guild_id = ?", guild_id),
            "surveys_open": await self._count(
                "SELECT COUNT(*) FROM surveys WHERE guild_id = ? AND state = 'open'", guild_id
            ),
            "survey_answers": await self._count(
                "SELECT COUNT(*) FROM survey_responses WHERE guild_id = ? AND finished = 1", guild_id
            ),
            "stories": await self._count("SELECT COUNT(*) FROM stories WHERE guild_id = ?", guild_id),
            "goal_teams": await self._count(
                "SELECT COUNT(DISTINCT IFNULL(school_id, 0)) FROM goals WHERE guild_id = ?", guild_id
            ),
            "goals": await self._count("SELECT COUNT(*) FROM goals WHERE guild_id = ?", guild_id),
            "agreements_active": await self._count(
                "SELECT COUNT(*) FROM agreements WHERE guild_id = ? AND status = 'active'", guild_id
            ),
            "hours_active": await self._count(
                "SELECT COALESCE(SUM(hours_per_month), 0) FROM agreements WHERE guild_id = ? AND status = 'active'",
                guild_id,
            ),
            "messages": int(
                await self.db.fetchval(
                    "SELECT COALESCE(SUM(messages), 0) FROM activity_messages WHERE guild_id = ? AND day >= ?",
                    (guild_id, since_day),
                )
                or 0
            ),
        }
