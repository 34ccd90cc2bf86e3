"""Scheduled announcements and the record of each posting. The scheduler's jobs do the timing."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from storage.database import Database
from storage.jobs import from_db_time, to_db_time

TriggerSpec = dict[str, int | str]


class AnnouncementState(StrEnum):
    SCHEDULED = "scheduled"
    PAUSED = "paused"
    FINISHED = "finished"  # a one-off that went out, or a series past its end
    CANCELLED = "cancelled"


OPEN_STATES = (AnnouncementState.SCHEDULED, AnnouncementState.PAUSED)


def _time(text: str | None) -> datetime | None:
    return None if text is None else from_db_time(text)


def _stamp(when: datetime | None) -> str | None:
    return None if when is None else to_db_time(when)


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    guild_id: int
    author_id: int | None
    channel_id: int
    title: str | None
    body: str
    ping_role_id: int | None
    run_at: datetime | None
    repeat: str | None
    trigger: TriggerSpec | None
    every_weeks: int
    anchor: date | None
    until: datetime | None
    timezone: str
    state: AnnouncementState
    job_id: int | None
    series_id: int | None
    created_at: datetime
    updated_at: datetime

    @property
    def recurring(self) -> bool:
        return self.trigger is not None

    @property
    def owner(self) -> str:
        """The scheduler's owner key for this announcement's jobs."""
        return f"announcement:{self.id}"

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Announcement:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            author_id=row["author_id"],
            channel_id=row["channel_id"],
            title=row["title"],
            body=row["body"],
            ping_role_id=row["ping_role_id"],
            run_at=_time(row["run_at"]),
            repeat=row["repeat"],
            trigger=None if row["trigger"] is None else json.loads(row["trigger"]),
            every_weeks=row["every_weeks"],
            anchor=None if row["anchor"] is None else date.fromisoformat(row["anchor"]),
            until=_time(row["until_at"]),
            timezone=row["timezone"],
            state=AnnouncementState(row["state"]),
            job_id=row["job_id"],
            series_id=row["series_id"],
            created_at=from_db_time(row["created_at"]),
            updated_at=from_db_time(row["updated_at"]),
        )


@dataclass(frozen=True, slots=True)
class Schedule:
    """When an announcement posts: either `run_at` (one-off) or `trigger` (recurring)."""

    run_at: datetime | None = None
    repeat: str | None = None
    trigger: TriggerSpec | None = None
    every_weeks: int = 1
    anchor: date | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        if (self.run_at is None) == (self.trigger is None):
            raise ValueError("a schedule is either one-off (run_at) or recurring (trigger)")


@dataclass(frozen=True, slots=True)
class NewAnnouncement:
    guild_id: int
    author_id: int
    channel_id: int
    title: str | None
    body: str
    ping_role_id: int | None
    schedule: Schedule
    timezone: str


class RunOutcome(StrEnum):
    POSTED = "posted"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Run:
    """One posting (or failed attempt) of an announcement."""

    id: int
    announcement_id: int
    job_id: int
    scheduled_for: datetime
    finished_at: datetime
    outcome: RunOutcome
    channel_id: int
    message_id: int | None
    error: str | None
    late: bool
    manual: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Run:
        return cls(
            id=row["id"],
            announcement_id=row["announcement_id"],
            job_id=row["job_id"],
            scheduled_for=from_db_time(row["scheduled_for"]),
            finished_at=from_db_time(row["finished_at"]),
            outcome=RunOutcome(row["outcome"]),
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            error=row["error"],
            late=bool(row["late"]),
            manual=bool(row["manual"]),
        )


@dataclass(frozen=True, slots=True)
class Skipped:
    """An occurrence the scheduler skipped (e.g. missed while the bot was offline)."""

    scheduled_for: datetime
    reason: str


def _schedule_params(schedule: Schedule) -> tuple[Any, ...]:
    trigger = None if schedule.trigger is None else json.dumps(schedule.trigger, sort_keys=True)
    anchor = None if schedule.anchor is None else schedule.anchor.isoformat()
    return (
        _stamp(schedule.run_at),
        schedule.repeat,
        trigger,
        schedule.every_weeks,
        anchor,
        _stamp(schedule.until),
    )


class AnnouncementRepository:
    """Reads and writes `announcements` and `announcement_runs`; every write takes `now` from the caller."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, new: NewAnnouncement, *, now: datetime) -> int:
        stamp = to_db_time(now)
        return await self.db.execute(
            "INSERT INTO announcements (guild_id, author_id, channel_id, title, body, ping_role_id,"
            " run_at, repeat, trigger, every_weeks, anchor, until_at, timezone, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.guild_id,
                new.author_id,
                new.channel_id,
                new.title,
                new.body,
                new.ping_role_id,
                *_schedule_params(new.schedule),
                new.timezone,
                stamp,
                stamp,
            ),
        )

    async def get(self, guild_id: int, announcement_id: int) -> Announcement | None:
        """The announcement if it belongs to this guild."""
        row = await self.db.fetchone(
            "SELECT * FROM announcements WHERE id = ? AND guild_id = ?", (announcement_id, guild_id)
        )
        return None if row is None else Announcement.from_row(row)

    async def list_open(self, guild_id: int) -> list[Announcement]:
        """Scheduled and paused announcements, by id."""
        rows = await self.db.fetchall(
            "SELECT * FROM announcements WHERE guild_id = ? AND state IN ('scheduled', 'paused') ORDER BY id",
            (guild_id,),
        )
        return [Announcement.from_row(row) for row in rows]

    async def search_ids(self, guild_id: int, text: str, limit: int = 25) -> list[Announcement]:
        """Announcements whose id or text contains `text` (for autocomplete): the exact id first, then open
        ones, newest first."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await self.db.fetchall(
            "SELECT * FROM announcements WHERE guild_id = ? AND (CAST(id AS TEXT) LIKE ? ESCAPE '\\'"
            " OR body LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\')"
            " ORDER BY CAST(id AS TEXT) = ? DESC, state IN ('scheduled', 'paused') DESC, id DESC LIMIT ?",
            (guild_id, pattern, pattern, pattern, text, limit),
        )
        return [Announcement.from_row(row) for row in rows]

    async def count_active_recurring(self, guild_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM announcements WHERE guild_id = ? AND state = 'scheduled'"
                " AND trigger IS NOT NULL",
                (guild_id,),
            )
            or 0
        )

    async def set_jobs(
        self, announcement_id: int, *, job_id: int | None, series_id: int | None, now: datetime
    ) -> None:
        await self.db.execute(
            "UPDATE announcements SET job_id = ?, series_id = ?, updated_at = ? WHERE id = ?",
            (job_id, series_id, to_db_time(now), announcement_id),
        )

    async def set_state(
        self,
        announcement_id: int,
        state: AnnouncementState,
        *,
        now: datetime,
        expect: tuple[AnnouncementState, ...] | None = None,
    ) -> bool:
        """Change the state (only from one of `expect`, when given); whether it changed."""
        sql = "UPDATE announcements SET state = ?, updated_at = ? WHERE id = ?"
        params: list[Any] = [state.value, to_db_time(now), announcement_id]
        if expect:
            sql += f" AND state IN ({', '.join('?' * len(expect))})"
            params.extend(s.value for s in expect)
        return await self.db.execute_rowcount(sql, params) == 1

    async def update(
        self,
        announcement_id: int,
        *,
        now: datetime,
        channel_id: int | None = None,
        title: str | None = None,
        body: str | None = None,
        ping_role_id: int | None = None,
        clear_ping: bool = False,
        clear_title: bool = False,
        schedule: Schedule | None = None,
    ) -> None:
        """Change what is given; a new `schedule` replaces the whole schedule and reopens the announcement."""
        sets: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("channel_id", channel_id),
            ("title", title),
            ("body", body),
            ("ping_role_id", ping_role_id),
        ):
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(value)
        if clear_ping:
            sets.append("ping_role_id = NULL")
        if clear_title:
            sets.append("title = NULL")
        if schedule is not None:
            sets.extend(
                [
                    "run_at = ?",
                    "repeat = ?",
                    "trigger = ?",
                    "every_weeks = ?",
                    "anchor = ?",
                    "until_at = ?",
                    "state = 'scheduled'",
                ]
            )
            params.extend(_schedule_params(schedule))
        sets.append("updated_at = ?")
        params.extend([to_db_time(now), announcement_id])
        await self.db.execute(f"UPDATE announcements SET {', '.join(sets)} WHERE id = ?", params)

    async def close_spent_one_offs(self, guild_id: int, *, now: datetime) -> int:
        """One-offs whose job is over (posted, failed or skipped while the bot was offline) are finished."""
        return await self.db.execute_rowcount(
            "UPDATE announcements SET state = 'finished', updated_at = ? WHERE guild_id = ? AND state = 'scheduled'"
            " AND run_at IS NOT NULL AND job_id IN (SELECT id FROM jobs WHERE guild_id = ?"
            " AND state IN ('done', 'failed', 'skipped', 'cancelled'))",
            (to_db_time(now), guild_id, guild_id),
        )

    async def cancel_guild(self, guild_id: int, *, now: datetime) -> int:
        """The bot left the guild: every open announcement is cancelled."""
        return await self.db.execute_rowcount(
            "UPDATE announcements SET state = 'cancelled', updated_at = ?"
            " WHERE guild_id = ? AND state IN ('scheduled', 'paused')",
            (to_db_time(now), guild_id),
        )

    # -- runs -----------------------------------------------------------------------------------------

    async def record_run(
        self,
        announcement: Announcement,
        *,
        job_id: int,
        scheduled_for: datetime,
        outcome: RunOutcome,
        channel_id: int,
        now: datetime,
        message_id: int | None = None,
        error: str | None = None,
        late: bool = False,
        manual: bool = False,
    ) -> None:
        """Record how a job's posting went; a retry of the same job overwrites its earlier record."""
        await self.db.execute(
            "INSERT INTO announcement_runs (guild_id, announcement_id, job_id, scheduled_for, finished_at,"
            " outcome, channel_id, message_id, error, late, manual) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (job_id) DO UPDATE SET finished_at = excluded.finished_at, outcome = excluded.outcome,"
            " channel_id = excluded.channel_id, message_id = excluded.message_id, error = excluded.error,"
            " late = excluded.late",
            (
                announcement.guild_id,
                announcement.id,
                job_id,
                to_db_time(scheduled_for),
                to_db_time(now),
                outcome.value,
                channel_id,
                message_id,
                error,
                int(late),
                int(manual),
            ),
        )

    async def runs(self, announcement_id: int, limit: int = 200) -> list[Run]:
        """Postings, most recent first."""
        rows = await self.db.fetchall(
            "SELECT * FROM announcement_runs WHERE announcement_id = ? ORDER BY finished_at DESC, id DESC LIMIT ?",
            (announcement_id, limit),
        )
        return [Run.from_row(row) for row in rows]

    async def last_run(self, announcement_id: int, *, excluding_job: int | None = None) -> Run | None:
        row = await self.db.fetchone(
            "SELECT * FROM announcement_runs WHERE announcement_id = ? AND job_id IS NOT ?"
            " ORDER BY finished_at DESC, id DESC LIMIT 1",
            (announcement_id, excluding_job),
        )
        return None if row is None else Run.from_row(row)

    async def skipped(self, announcement: Announcement, reason: str, limit: int = 200) -> list[Skipped]:
        """Occurrences the scheduler skipped for `reason` (it records them on its jobs)."""
        rows = await self.db.fetchall(
            "SELECT scheduled_for, last_error FROM jobs WHERE guild_id = ? AND owner = ? AND state = 'skipped'"
            " AND last_error = ? ORDER BY scheduled_for DESC LIMIT ?",
            (announcement.guild_id, announcement.owner, reason, limit),
        )
        return [Skipped(from_db_time(row["scheduled_for"]), row["last_error"]) for row in rows]

    # -- personal data ----------------------------------------------------------------------------------

    async def export_author(self, guild_id: int, user_id: int) -> list[dict[str, Any]]:
        rows = await self.db.fetchall(
            "SELECT id, title, body, state, created_at FROM announcements WHERE guild_id = ? AND author_id = ?"
            " ORDER BY id",
            (guild_id, user_id),
        )
        return [dict(row) for row in rows]

    async def forget_author(self, guild_id: int, user_id: int) -> int:
        """Announcements belong to the community: they stay, without their author."""
        return await self.db.execute_rowcount(
            "UPDATE announcements SET author_id = NULL WHERE guild_id = ? AND author_id = ?",
            (guild_id, user_id),
        )
