"""Team goals in SQLite: each team's vision and prompt cadence (`goal_teams`), its goals and their check-ins.

A team is a school (`school_id`) or the whole community (`school_id` None). The rules (limits, who may edit,
prompt times) are `core/goals/`; this only runs SQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.database import Database
from storage.jobs import from_db_time, to_db_time


@dataclass(frozen=True, slots=True)
class TeamPlan:
    guild_id: int
    school_id: int | None
    vision: str
    cadence: str
    next_prompt_at: datetime | None


@dataclass(frozen=True, slots=True)
class Goal:
    id: int
    guild_id: int
    school_id: int | None
    title: str
    outcome: str
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CheckIn:
    id: int
    goal_id: int
    status: str
    note: str
    author_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class TeamCounts:
    """One team's goals counted by status, and when its latest check-in was (for organizers)."""

    school_id: int | None
    by_status: dict[str, int]
    last_checkin: datetime | None


def _team(school_id: int | None) -> int:
    return 0 if school_id is None else school_id


def _goal(row: sqlite3.Row) -> Goal:
    return Goal(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        school_id=None if row["school_id"] is None else int(row["school_id"]),
        title=row["title"],
        outcome=row["outcome"],
        status=row["status"],
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
    )


def _checkin(row: sqlite3.Row) -> CheckIn:
    return CheckIn(
        id=int(row["id"]),
        goal_id=int(row["goal_id"]),
        status=row["status"],
        note=row["note"],
        author_id=int(row["author_id"]),
        at=from_db_time(row["at"]),
    )


class GoalRepository:
    """Teams' visions, goals and check-ins of each guild."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the team's plan -----------------------------------------------------------------------------------

    async def plan(self, guild_id: int, school_id: int | None) -> TeamPlan:
        row = await self.db.fetchone(
            "SELECT * FROM goal_teams WHERE guild_id = ? AND IFNULL(school_id, 0) = ?",
            (guild_id, _team(school_id)),
        )
        if row is None:
            return TeamPlan(guild_id, school_id, "", "off", None)
        nxt = row["next_prompt_at"]
        return TeamPlan(
            guild_id, school_id, row["vision"], row["cadence"], from_db_time(nxt) if nxt else None
        )

    async def _ensure(self, guild_id: int, school_id: int | None, now: datetime) -> None:
        await self.db.execute(
            "INSERT OR IGNORE INTO goal_teams (guild_id, school_id, updated_at) VALUES (?, ?, ?)",
            (guild_id, school_id, to_db_time(now)),
        )

    async def set_vision(
        self, guild_id: int, school_id: int | None, vision: str, *, by: int, now: datetime
    ) -> None:
        async with self.db.transaction():
            await self._ensure(guild_id, school_id, now)
            await self.db.execute(
                "UPDATE goal_teams SET vision = ?, vision_by = ?, updated_at = ?"
                " WHERE guild_id = ? AND IFNULL(school_id, 0) = ?",
                (vision, by, to_db_time(now), guild_id, _team(school_id)),
            )

    async def set_cadence(
        self, guild_id: int, school_id: int | None, cadence: str, next_at: datetime | None, *, now: datetime
    ) -> None:
        async with self.db.transaction():
            await self._ensure(guild_id, school_id, now)
            await self.db.execute(
                "UPDATE goal_teams SET cadence = ?, next_prompt_at = ?, updated_at = ?"
                " WHERE guild_id = ? AND IFNULL(school_id, 0) = ?",
                (
                    cadence,
                    to_db_time(next_at) if next_at else None,
                    to_db_time(now),
                    guild_id,
                    _team(school_id),
                ),
            )

    async def move_prompt(
        self, guild_id: int, school_id: int | None, planned: datetime, next_at: datetime
    ) -> bool:
        """Move the team's next prompt from `planned` to `next_at`; False when it was no longer `planned`
        (a prompt that already ran, or a cadence changed meanwhile)."""
        return bool(
            await self.db.execute_rowcount(
                "UPDATE goal_teams SET next_prompt_at = ? WHERE guild_id = ? AND IFNULL(school_id, 0) = ?"
                " AND cadence <> 'off' AND next_prompt_at = ?",
                (to_db_time(next_at), guild_id, _team(school_id), to_db_time(planned)),
            )
        )

    # -- goals ---------------------------------------------------------------------------------------------

    async def goals(self, guild_id: int, school_id: int | None) -> list[Goal]:
        rows = await self.db.fetchall(
            "SELECT * FROM goals WHERE guild_id = ? AND IFNULL(school_id, 0) = ? ORDER BY id",
            (guild_id, _team(school_id)),
        )
        return [_goal(r) for r in rows]

    async def goal(self, guild_id: int, goal_id: int) -> Goal | None:
        row = await self.db.fetchone("SELECT * FROM goals WHERE guild_id = ? AND id = ?", (guild_id, goal_id))
        return _goal(row) if row else None

    async def count(self, guild_id: int, school_id: int | None) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM goals WHERE guild_id = ? AND IFNULL(school_id, 0) = ?",
                (guild_id, _team(school_id)),
            )
            or 0
        )

    async def add_goal(
        self, guild_id: int, school_id: int | None, title: str, outcome: str, *, by: int, now: datetime
    ) -> int:
        await self._ensure(guild_id, school_id, now)
        return await self.db.execute(
            "INSERT INTO goals (guild_id, school_id, title, outcome, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (guild_id, school_id, title, outcome, by, to_db_time(now), to_db_time(now)),
        )

    async def edit_goal(
        self, guild_id: int, goal_id: int, title: str, outcome: str, *, now: datetime
    ) -> bool:
        return bool(
            await self.db.execute_rowcount(
                "UPDATE goals SET title = ?, outcome = ?, updated_at = ? WHERE guild_id = ? AND id = ?",
                (title, outcome, to_db_time(now), guild_id, goal_id),
            )
        )

    async def remove_goal(self, guild_id: int, goal_id: int) -> bool:
        return bool(
            await self.db.execute_rowcount(
                "DELETE FROM goals WHERE guild_id = ? AND id = ?", (guild_id, goal_id)
            )
        )

    async def set_status(self, guild_id: int, goal_id: int, status: str, *, now: datetime) -> bool:
        return bool(
            await self.db.execute_rowcount(
                "UPDATE goals SET status = ?, updated_at = ? WHERE guild_id = ? AND id = ?",
                (status, to_db_time(now), guild_id, goal_id),
            )
        )

    async def search(
        self, guild_id: int, teams: list[int | None] | None, typed: str, limit: int = 25
    ) -> list[Goal]:
        """Goals of `teams` (None: every team) whose title contains what was typed (for autocomplete)."""
        pattern = "%" + typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = "SELECT * FROM goals WHERE guild_id = ? AND title LIKE ? ESCAPE '\\'"
        params: list[Any] = [guild_id, pattern]
        if teams is not None:
            if not teams:
                return []
            sql += f" AND IFNULL(school_id, 0) IN ({', '.join('?' for _ in teams)})"
            params += [_team(t) for t in teams]
        rows = await self.db.fetchall(
            sql + " ORDER BY school_id IS NOT NULL, school_id, id LIMIT ?", (*params, limit)
        )
        return [_goal(r) for r in rows]

    # -- check-ins -----------------------------------------------------------------------------------------

    async def add_checkin(
        self, guild_id: int, goal_id: int, status: str, note: str, *, by: int, now: datetime
    ) -> int:
        return await self.db.execute(
            "INSERT INTO goal_checkins (guild_id, goal_id, status, note, author_id, at) VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, goal_id, status, note, by, to_db_time(now)),
        )

    async def latest_checkins(self, guild_id: int, goal_ids: list[int]) -> dict[int, CheckIn]:
        """Each goal's latest check-in, for the goals that have one."""
        if not goal_ids:
            return {}
        rows = await self.db.fetchall(
            "SELECT * FROM goal_checkins c WHERE guild_id = ? AND goal_id IN ("
            + ", ".join("?" for _ in goal_ids)
            + ") AND id = (SELECT MAX(id) FROM goal_checkins d WHERE d.goal_id = c.goal_id)",
            (guild_id, *goal_ids),
        )
        return {int(r["goal_id"]): _checkin(r) for r in rows}

    # -- organizers' overview ------------------------------------------------------------------------------

    async def counts(self, guild_id: int) -> list[TeamCounts]:
        """Every team with goals: its goals by status and its latest check-in."""
        rows = await self.db.fetchall(
            "SELECT IFNULL(school_id, 0) AS team, status, COUNT(*) AS n FROM goals WHERE guild_id = ?"
            " GROUP BY team, status",
            (guild_id,),
        )
        last = await self.db.fetchall(
            "SELECT IFNULL(g.school_id, 0) AS team, MAX(c.at) AS at FROM goal_checkins c"
            " JOIN goals g ON g.id = c.goal_id WHERE c.guild_id = ? GROUP BY team",
            (guild_id,),
        )
        latest = {int(r["team"]): from_db_time(r["at"]) for r in last}
        found: dict[int, dict[str, int]] = {}
        for r in rows:
            found.setdefault(int(r["team"]), {})[r["status"]] = int(r["n"])
        return [
            TeamCounts(None if team == 0 else team, by_status, latest.get(team))
            for team, by_status in sorted(found.items())
        ]

    # -- personal data -------------------------------------------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any] | None:
        checkins = await self.db.fetchall(
            "SELECT c.status, c.note, c.at, g.title FROM goal_checkins c JOIN goals g ON g.id = c.goal_id"
            " WHERE c.guild_id = ? AND c.author_id = ? ORDER BY c.at, c.id",
            (guild_id, user_id),
        )
        goals = await self.db.fetchall(
            "SELECT title, outcome, created_at FROM goals WHERE guild_id = ? AND created_by = ? ORDER BY id",
            (guild_id, user_id),
        )
        visions = await self.db.fetchall(
            "SELECT vision FROM goal_teams WHERE guild_id = ? AND vision_by = ?", (guild_id, user_id)
        )
        if not (checkins or goals or visions):
            return None
        return {
            "check-ins": [
                {
                    "goal": r["title"],
                    "status": r["status"],
                    "note": r["note"],
                    "at": from_db_time(r["at"]).isoformat(),
                }
                for r in checkins
            ],
            "goals you added": [
                {
                    "title": r["title"],
                    "outcome": r["outcome"],
                    "at": from_db_time(r["created_at"]).isoformat(),
                }
                for r in goals
            ],
            "visions you wrote": [r["vision"] for r in visions],
        }

    async def delete_member(self, guild_id: int, user_id: int) -> int:
        """The member's check-ins go; the goals and visions they wrote are the team's and stay, without
        their id. Returns the rows changed."""
        async with self.db.transaction():
            removed = await self.db.execute_rowcount(
                "DELETE FROM goal_checkins WHERE guild_id = ? AND author_id = ?", (guild_id, user_id)
            )
            removed += await self.db.execute_rowcount(
                "UPDATE goals SET created_by = NULL WHERE guild_id = ? AND created_by = ?",
                (guild_id, user_id),
            )
            removed += await self.db.execute_rowcount(
                "UPDATE goal_teams SET vision_by = NULL WHERE guild_id = ? AND vision_by = ?",
                (guild_id, user_id),
            )
        return removed
