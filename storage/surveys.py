"""Surveys, members' answers and who a reminder reached. The questions are JSON the core reads
(`core.surveys.questions.from_json`); answers are JSON lists of values."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.database import Database
from storage.jobs import from_db_time, to_db_time


@dataclass(frozen=True, slots=True)
class Survey:
    id: int
    guild_id: int
    author_id: int | None
    template: str | None
    title: str
    intro: str
    questions: str  # JSON
    audience: str  # 'everyone' | 'group' | 'school'
    unit_id: int | None
    unit_name: str
    opens_at: datetime
    closes_at: datetime
    reminders: int
    keep_ids: bool
    state: str  # 'open' | 'closed'
    channel_id: int
    message_id: int | None
    created_at: datetime
    closed_at: datetime | None

    @property
    def owner(self) -> str:
        """The scheduler's owner key for this survey's jobs."""
        return f"survey:{self.id}"

    @property
    def closed(self) -> bool:
        return self.state == "closed"

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Survey:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            author_id=row["author_id"],
            template=row["template"],
            title=row["title"],
            intro=row["intro"],
            questions=row["questions"],
            audience=row["audience"],
            unit_id=row["unit_id"],
            unit_name=row["unit_name"],
            opens_at=from_db_time(row["opens_at"]),
            closes_at=from_db_time(row["closes_at"]),
            reminders=row["reminders"],
            keep_ids=bool(row["keep_ids"]),
            state=row["state"],
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            created_at=from_db_time(row["created_at"]),
            closed_at=None if row["closed_at"] is None else from_db_time(row["closed_at"]),
        )


@dataclass(frozen=True, slots=True)
class NewSurvey:
    guild_id: int
    author_id: int
    template: str | None
    title: str
    intro: str
    questions: str
    audience: str
    unit_id: int | None
    unit_name: str
    opens_at: datetime
    closes_at: datetime
    reminders: int
    keep_ids: bool
    channel_id: int


@dataclass(frozen=True, slots=True)
class PageSave:
    """One member's page of answers, to be saved."""

    survey: Survey
    user_id: int
    answers: dict[str, tuple[str, ...]]
    page: int
    last_page: bool


@dataclass(frozen=True, slots=True)
class Progress:
    pages_saved: int
    finished: bool


@dataclass(frozen=True, slots=True)
class MemberAnswers:
    """One member's answers to one survey, with what names them."""

    survey_id: int
    title: str
    questions: str  # the survey's questions, JSON
    answers: dict[str, tuple[str, ...]]  # question key -> values


@dataclass(frozen=True, slots=True)
class MemberData:
    answers: list[MemberAnswers]
    started: list[dict[str, Any]]  # surveys the member started: id, title, created_at


class SurveyRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, new: NewSurvey, *, now: datetime) -> int:
        return await self.db.execute(
            "INSERT INTO surveys (guild_id, author_id, template, title, intro, questions, audience, unit_id,"
            " unit_name, opens_at, closes_at, reminders, keep_ids, channel_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.guild_id,
                new.author_id,
                new.template,
                new.title,
                new.intro,
                new.questions,
                new.audience,
                new.unit_id,
                new.unit_name,
                to_db_time(new.opens_at),
                to_db_time(new.closes_at),
                new.reminders,
                int(new.keep_ids),
                new.channel_id,
                to_db_time(now),
            ),
        )

    async def set_message(self, survey_id: int, message_id: int) -> None:
        await self.db.execute("UPDATE surveys SET message_id = ? WHERE id = ?", (message_id, survey_id))

    async def update(self, survey_id: int, *, title: str, intro: str, questions: str) -> None:
        await self.db.execute(
            "UPDATE surveys SET title = ?, intro = ?, questions = ? WHERE id = ?",
            (title, intro, questions, survey_id),
        )

    async def get(self, guild_id: int, survey_id: int) -> Survey | None:
        row = await self.db.fetchone(
            "SELECT * FROM surveys WHERE id = ? AND guild_id = ?", (survey_id, guild_id), snapshot=True
        )
        return None if row is None else Survey.from_row(row)

    async def all(self, guild_id: int, limit: int = 200) -> list[Survey]:
        """The guild's surveys, newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM surveys WHERE guild_id = ? ORDER BY id DESC LIMIT ?", (guild_id, limit)
        )
        return [Survey.from_row(r) for r in rows]

    async def close(self, survey_id: int, *, now: datetime) -> bool:
        """Close an open survey; False when it was closed already."""
        changed = await self.db.execute_rowcount(
            "UPDATE surveys SET state = 'closed', closed_at = ? WHERE id = ? AND state = 'open'",
            (to_db_time(now), survey_id),
        )
        return changed > 0

    # -- answers ---------------------------------------------------------------------------------------

    async def progress(self, survey_id: int, user_id: int) -> Progress | None:
        row = await self.db.fetchone(
            "SELECT pages_saved, finished FROM survey_responses WHERE survey_id = ? AND user_id = ?",
            (survey_id, user_id),
            snapshot=True,
        )
        return None if row is None else Progress(row["pages_saved"], bool(row["finished"]))

    async def answers_of(self, survey_id: int, user_id: int) -> dict[str, tuple[str, ...]]:
        rows = await self.db.fetchall(
            "SELECT question_key, answer FROM survey_answers WHERE survey_id = ? AND user_id = ?",
            (survey_id, user_id),
            snapshot=True,
        )
        return {r["question_key"]: tuple(json.loads(r["answer"])) for r in rows}

    async def save_pages(self, saves: Sequence[PageSave], *, now: datetime) -> None:
        """Save pages' answers (replacing earlier ones) and how far each member got, several members at once
        (a few statements in all, not a few per member). Call it inside the transaction that re-read each
        survey as open."""
        given = [
            (s.survey.id, s.survey.guild_id, s.user_id, key, json.dumps(list(values)))
            for s in saves
            for key, values in s.answers.items()
            if values
        ]
        if given:
            await self.db.executemany(
                "INSERT INTO survey_answers (survey_id, guild_id, user_id, question_key, answer)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (survey_id, user_id, question_key)"
                " DO UPDATE SET answer = excluded.answer",
                given,
            )
        cleared = [
            (s.survey.id, s.user_id, key) for s in saves for key, values in s.answers.items() if not values
        ]
        if cleared:
            await self.db.executemany(
                "DELETE FROM survey_answers WHERE survey_id = ? AND user_id = ? AND question_key = ?", cleared
            )
        when = to_db_time(now)
        await self.db.executemany(
            "INSERT INTO survey_responses (survey_id, guild_id, user_id, pages_saved, finished, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (survey_id, user_id) DO UPDATE SET"
            " pages_saved = MAX(pages_saved, excluded.pages_saved),"
            " finished = MAX(finished, excluded.finished), updated_at = excluded.updated_at",
            [(s.survey.id, s.survey.guild_id, s.user_id, s.page + 1, int(s.last_page), when) for s in saves],
        )

    async def all_answers(self, survey_id: int) -> dict[int, dict[str, tuple[str, ...]]]:
        rows = await self.db.fetchall(
            "SELECT user_id, question_key, answer FROM survey_answers WHERE survey_id = ?",
            (survey_id,),
            snapshot=True,
        )
        found: dict[int, dict[str, tuple[str, ...]]] = {}
        parsed: dict[str, tuple[str, ...]] = {}  # most answers are one of a few choices: parse each once
        for user_id, key, answer in rows:
            values = parsed.get(answer)
            if values is None:
                values = parsed[answer] = tuple(json.loads(answer))
            found.setdefault(user_id, {})[key] = values
        return found

    async def answer_changes(self, survey_id: int, after: int) -> tuple[int, set[int] | None]:
        """Whose answers changed since change `after` (migration 0022): the last change's number and the
        members, or None when everyone must be counted again (a deleted profile)."""
        rows = await self.db.fetchall(
            "SELECT id, user_id FROM survey_answer_changes WHERE survey_id = ? AND id > ? ORDER BY id",
            (survey_id, after),
            snapshot=True,
        )
        if not rows:
            return after, set()
        users = {int(r[1]) for r in rows if r[1] is not None}
        return int(rows[-1][0]), None if any(r[1] is None for r in rows) else users

    async def last_change(self, survey_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COALESCE(MAX(id), 0) FROM survey_answer_changes WHERE survey_id = ?",
                (survey_id,),
                snapshot=True,
            )
            or 0
        )

    async def forget_changes(self, survey_id: int, upto: int) -> None:
        """The changes counted: they are not needed any more."""
        await self.db.execute(
            "DELETE FROM survey_answer_changes WHERE survey_id = ? AND id <= ?", (survey_id, upto)
        )

    async def answers_for(
        self, survey_id: int, users: Collection[int]
    ) -> dict[int, dict[str, tuple[str, ...]]]:
        """`all_answers` of some members only (those with none are missing)."""
        found: dict[int, dict[str, tuple[str, ...]]] = {}
        chosen = sorted(users)
        for start in range(0, len(chosen), 500):
            part = chosen[start : start + 500]
            rows = await self.db.fetchall(
                "SELECT user_id, question_key, answer FROM survey_answers WHERE survey_id = ?"
                f" AND user_id IN ({', '.join('?' * len(part))})",
                (survey_id, *part),
                snapshot=True,
            )
            for user_id, key, answer in rows:
                found.setdefault(int(user_id), {})[key] = tuple(json.loads(answer))
        return found

    async def results_revision(self, survey_id: int) -> tuple[int, int]:
        """(the survey's answers, its guild's memberships and unit names): each changes with what it
        counts (migration 0019's triggers), so equal revisions mean the same results."""
        row = await self.db.fetchone(
            "SELECT s.answers_revision, COALESCE(m.revision, 0) AS memberships FROM surveys s"
            " LEFT JOIN membership_revisions m ON m.guild_id = s.guild_id WHERE s.id = ?",
            (survey_id,),
            snapshot=True,
        )
        return (0, 0) if row is None else (int(row[0]), int(row[1]))

    async def has_answers(self, survey_id: int) -> bool:
        return bool(
            await self.db.fetchval("SELECT 1 FROM survey_responses WHERE survey_id = ?", (survey_id,))
        )

    async def response_counts(self, survey_id: int) -> tuple[int, int]:
        """(members who saved any page, members who finished)."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS started, COALESCE(SUM(finished), 0) AS done FROM survey_responses"
            " WHERE survey_id = ?",
            (survey_id,),
            snapshot=True,
        )
        assert row is not None
        return int(row["started"]), int(row["done"])

    async def finished_ids(self, survey_id: int) -> set[int]:
        rows = await self.db.fetchall(
            "SELECT user_id FROM survey_responses WHERE survey_id = ? AND finished = 1", (survey_id,)
        )
        return {r["user_id"] for r in rows}

    # -- reminders -------------------------------------------------------------------------------------

    async def reminded(self, job_id: int) -> set[int]:
        rows = await self.db.fetchall("SELECT user_id FROM survey_reminded WHERE job_id = ?", (job_id,))
        return {r["user_id"] for r in rows}

    async def mark_reminded(self, survey: Survey, job_id: int, user_id: int) -> None:
        await self.db.execute(
            "INSERT OR IGNORE INTO survey_reminded (survey_id, guild_id, job_id, user_id) VALUES (?, ?, ?, ?)",
            (survey.id, survey.guild_id, job_id, user_id),
        )

    # -- personal data ---------------------------------------------------------------------------------

    async def member_data(self, guild_id: int, user_id: int) -> MemberData:
        """What the member's `/profile export` shows of surveys: their answers with each survey's title and
        questions (JSON, for the core to name each answer), and the surveys they started."""
        answers = await self.db.fetchall(
            "SELECT a.survey_id, s.title, s.questions, a.question_key, a.answer FROM survey_answers a"
            " JOIN surveys s ON s.id = a.survey_id WHERE a.guild_id = ? AND a.user_id = ?"
            " ORDER BY a.survey_id, a.question_key",
            (guild_id, user_id),
        )
        started = await self.db.fetchall(
            "SELECT id, title, created_at FROM surveys WHERE guild_id = ? AND author_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        found: dict[int, MemberAnswers] = {}
        for r in answers:
            survey = found.setdefault(
                r["survey_id"], MemberAnswers(r["survey_id"], r["title"], r["questions"], {})
            )
            survey.answers[r["question_key"]] = tuple(json.loads(r["answer"]))
        return MemberData(list(found.values()), [dict(r) for r in started])

    async def delete_member(self, guild_id: int, user_id: int) -> int:
        """The member's answers, progress and reminder marks go; surveys they started stay, without them."""
        removed = 0
        async with self.db.transaction():
            answered = await self.db.fetchall(  # surveys whose counts hold them, or whose change list names them
                "SELECT survey_id FROM survey_answers WHERE guild_id = ? AND user_id = ?"
                " UNION SELECT c.survey_id FROM survey_answer_changes c JOIN surveys s ON s.id = c.survey_id"
                " WHERE s.guild_id = ? AND c.user_id = ?",
                (guild_id, user_id, guild_id, user_id),
            )
            for table in ("survey_answers", "survey_responses", "survey_reminded"):
                removed += await self.db.execute_rowcount(
                    f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?",
                    (guild_id, user_id),
                )
            # the change list keeps no trace of them: their surveys are marked to be counted again in full
            surveys = [(int(row[0]),) for row in answered]
            await self.db.executemany(
                "DELETE FROM survey_answer_changes WHERE survey_id = ? AND user_id = ?",
                [(survey_id, user_id) for (survey_id,) in surveys],
            )
            await self.db.executemany(
                "INSERT INTO survey_answer_changes (survey_id, user_id) VALUES (?, NULL)", surveys
            )
            removed += await self.db.execute_rowcount(
                "UPDATE surveys SET author_id = NULL WHERE guild_id = ? AND author_id = ?",
                (guild_id, user_id),
            )
        return removed


def unit_members(rows: Sequence[sqlite3.Row]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for r in rows:
        found.setdefault(r["name"], set()).add(r["user_id"])
    return found


async def group_members(db: Database, guild_id: int) -> dict[str, set[int]]:
    """Every stakeholder group's name and its members' ids."""
    return unit_members(
        await db.fetchall(
            "SELECT g.name, m.user_id FROM group_members m JOIN stakeholder_groups g ON g.id = m.group_id"
            " WHERE m.guild_id = ?",
            (guild_id,),
            snapshot=True,
        )
    )


async def school_members(db: Database, guild_id: int) -> dict[str, set[int]]:
    """Every school team's name and its members' ids."""
    return unit_members(
        await db.fetchall(
            "SELECT s.name, m.user_id FROM school_members m JOIN schools s ON s.id = m.school_id"
            " WHERE m.guild_id = ?",
            (guild_id,),
            snapshot=True,
        )
    )
