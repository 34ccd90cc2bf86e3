"""Value stories' SQL: the stories, the prompts after meetings (one per member per meeting) and their
follow-ups, the meetings whose end was handled, the channel posts that mention members, and the settings."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.database import Database
from storage.jobs import from_db_time, to_db_time

TEXT_LIMIT = 4000
DEFAULT_FOLLOWUP_DAYS = 28


class Cycle(enum.StrEnum):
    """The value-creation cycles (Wenger, Trayner & de Laat)."""

    IMMEDIATE = "immediate"
    POTENTIAL = "potential"
    APPLIED = "applied"
    REALIZED = "realized"


class Consent(enum.StrEnum):
    PRIVATE = "private"  # organizers only (the default)
    SHAREABLE = "shareable"  # organizers may post it


class LinkKind(enum.StrEnum):
    MEETING = "meeting"
    RESOURCE = "resource"
    CONNECT = "connect"


@dataclass(frozen=True, slots=True)
class NewStory:
    guild_id: int
    author_id: int
    cycle: Cycle
    text: str
    consent: Consent = Consent.PRIVATE
    named: bool = False
    link_kind: LinkKind | None = None
    link_id: int | None = None
    group_name: str | None = None
    group_protected: bool = False
    school_name: str | None = None
    prompt_id: int | None = None


@dataclass(frozen=True, slots=True)
class Story(NewStory):
    id: int = 0
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Prompt:
    id: int
    guild_id: int
    meeting_id: int
    user_id: int
    sent_via: str
    answered_at: datetime | None
    followup_via: str | None


def _story(row: Any) -> Story:
    return Story(
        guild_id=row["guild_id"],
        author_id=row["author_id"],
        cycle=Cycle(row["cycle"]),
        text=row["text"],
        consent=Consent(row["consent"]),
        named=bool(row["named"]),
        link_kind=LinkKind(row["link_kind"]) if row["link_kind"] else None,
        link_id=row["link_id"],
        group_name=row["group_name"],
        group_protected=bool(row["group_protected"]),
        school_name=row["school_name"],
        prompt_id=row["prompt_id"],
        id=row["id"],
        created_at=from_db_time(row["created_at"]),
    )


def _prompt(row: Any) -> Prompt:
    return Prompt(
        id=row["id"],
        guild_id=row["guild_id"],
        meeting_id=row["meeting_id"],
        user_id=row["user_id"],
        sent_via=row["sent_via"],
        answered_at=from_db_time(row["answered_at"]) if row["answered_at"] else None,
        followup_via=row["followup_via"],
    )


class StoryRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- stories -------------------------------------------------------------------------------------------

    async def add(self, story: NewStory, *, now: datetime) -> int:
        return await self.db.execute(
            "INSERT INTO stories (guild_id, author_id, cycle, text, consent, named, link_kind, link_id,"
            " group_name, group_protected, school_name, prompt_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                story.guild_id,
                story.author_id,
                story.cycle.value,
                story.text,
                story.consent.value,
                int(story.named),
                story.link_kind.value if story.link_kind else None,
                story.link_id,
                story.group_name,
                int(story.group_protected),
                story.school_name,
                story.prompt_id,
                to_db_time(now),
            ),
        )

    async def get(self, guild_id: int, story_id: int) -> Story | None:
        row = await self.db.fetchone(
            "SELECT * FROM stories WHERE guild_id = ? AND id = ?", (guild_id, story_id)
        )
        return _story(row) if row else None

    async def of_author(self, guild_id: int, author_id: int) -> list[Story]:
        rows = await self.db.fetchall(
            "SELECT * FROM stories WHERE guild_id = ? AND author_id = ? ORDER BY id DESC",
            (guild_id, author_id),
        )
        return [_story(r) for r in rows]

    async def all_of_guild(self, guild_id: int) -> list[Story]:
        rows = await self.db.fetchall(
            "SELECT * FROM stories WHERE guild_id = ? ORDER BY id DESC", (guild_id,)
        )
        return [_story(r) for r in rows]

    async def delete(self, guild_id: int, author_id: int, story_id: int) -> bool:
        return bool(
            await self.db.execute_rowcount(
                "DELETE FROM stories WHERE guild_id = ? AND author_id = ? AND id = ?",
                (guild_id, author_id, story_id),
            )
        )

    async def connection_between(self, guild_id: int, user_id: int, other_id: int) -> int | None:
        """The latest /connect introduction between the two members (either way round), by id."""
        value = await self.db.fetchval(
            "SELECT id FROM connections WHERE guild_id = ?"
            " AND ((seeker_id = ? AND match_id = ?) OR (seeker_id = ? AND match_id = ?))"
            " ORDER BY id DESC LIMIT 1",
            (guild_id, user_id, other_id, other_id, user_id),
        )
        return int(value) if value is not None else None

    # -- settings ------------------------------------------------------------------------------------------

    async def prompts_on(self, guild_id: int, user_id: int) -> bool:
        value = await self.db.fetchval(
            "SELECT prompts FROM story_member_settings WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return value is None or bool(value)

    async def prompts_off(self, guild_id: int, user_ids: Sequence[int]) -> set[int]:
        """Those of `user_ids` who turned prompts off."""
        rows = await self.db.fetchall(
            "SELECT user_id FROM story_member_settings WHERE guild_id = ? AND prompts = 0", (guild_id,)
        )
        wanted = set(user_ids)
        return {r["user_id"] for r in rows if r["user_id"] in wanted}

    async def set_prompts(self, guild_id: int, user_id: int, on: bool) -> None:
        await self.db.execute(
            "INSERT INTO story_member_settings (guild_id, user_id, prompts) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id, user_id) DO UPDATE SET prompts = excluded.prompts",
            (guild_id, user_id, int(on)),
        )

    async def followup_days(self, guild_id: int) -> int:
        value = await self.db.fetchval(
            "SELECT followup_days FROM story_settings WHERE guild_id = ?", (guild_id,)
        )
        return int(value) if value is not None else DEFAULT_FOLLOWUP_DAYS

    async def set_followup_days(self, guild_id: int, days: int) -> None:
        await self.db.execute(
            "INSERT INTO story_settings (guild_id, followup_days) VALUES (?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET followup_days = excluded.followup_days",
            (guild_id, days),
        )

    # -- meetings' ends and prompts --------------------------------------------------------------------------

    async def mark_meeting_ended(self, guild_id: int, meeting_id: int, *, now: datetime) -> bool:
        """True the first time only."""
        return bool(
            await self.db.execute_rowcount(
                "INSERT OR IGNORE INTO story_meetings (meeting_id, guild_id, ended_at) VALUES (?, ?, ?)",
                (meeting_id, guild_id, to_db_time(now)),
            )
        )

    async def add_prompts(
        self, guild_id: int, meeting_id: int, user_ids: Sequence[int], *, now: datetime
    ) -> None:
        """A pending prompt for each member (never a second one for the same meeting)."""
        await self.db.executemany(
            "INSERT OR IGNORE INTO story_prompts (guild_id, meeting_id, user_id, created_at)"
            " VALUES (?, ?, ?, ?)",
            [(guild_id, meeting_id, u, to_db_time(now)) for u in user_ids],
        )

    async def prompts_of_meeting(self, meeting_id: int) -> list[Prompt]:
        rows = await self.db.fetchall(
            "SELECT * FROM story_prompts WHERE meeting_id = ? ORDER BY id", (meeting_id,)
        )
        return [_prompt(r) for r in rows]

    async def prompted_users(self, meeting_id: int) -> set[int]:
        rows = await self.db.fetchall("SELECT user_id FROM story_prompts WHERE meeting_id = ?", (meeting_id,))
        return {r["user_id"] for r in rows}

    async def prompt(self, prompt_id: int) -> Prompt | None:
        row = await self.db.fetchone("SELECT * FROM story_prompts WHERE id = ?", (prompt_id,))
        return _prompt(row) if row else None

    async def prompt_for(self, meeting_id: int, user_id: int) -> Prompt | None:
        row = await self.db.fetchone(
            "SELECT * FROM story_prompts WHERE meeting_id = ? AND user_id = ?", (meeting_id, user_id)
        )
        return _prompt(row) if row else None

    async def set_sent(self, prompt_id: int, via: str) -> None:
        await self.db.execute("UPDATE story_prompts SET sent_via = ? WHERE id = ?", (via, prompt_id))

    async def mark_answered(self, prompt_id: int, *, now: datetime) -> bool:
        """True the first time the prompt is answered (then its follow-up is due)."""
        return bool(
            await self.db.execute_rowcount(
                "UPDATE story_prompts SET answered_at = ? WHERE id = ? AND answered_at IS NULL",
                (to_db_time(now), prompt_id),
            )
        )

    async def set_followup(self, prompt_id: int, via: str) -> None:
        await self.db.execute("UPDATE story_prompts SET followup_via = ? WHERE id = ?", (via, prompt_id))

    # -- posts mentioning members ----------------------------------------------------------------------------

    async def record_post(
        self, guild_id: int, user_ids: Sequence[int], channel_id: int, message_id: int
    ) -> None:
        await self.db.executemany(
            "INSERT OR IGNORE INTO story_posts (guild_id, user_id, channel_id, message_id) VALUES (?, ?, ?, ?)",
            [(guild_id, u, channel_id, message_id) for u in user_ids],
        )

    async def posts_of(self, guild_id: int, user_id: int) -> list[tuple[int, int]]:
        rows = await self.db.fetchall(
            "SELECT channel_id, message_id FROM story_posts WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return [(r["channel_id"], r["message_id"]) for r in rows]

    # -- personal data ---------------------------------------------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any] | None:
        stories = await self.of_author(guild_id, user_id)
        prompts = await self.db.fetchall(
            "SELECT meeting_id, sent_via, answered_at, followup_via, created_at FROM story_prompts"
            " WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        on = await self.prompts_on(guild_id, user_id)
        if not stories and not prompts:
            return None
        return {
            "prompts_on": on,
            "stories": [
                {
                    "id": s.id,
                    "cycle": s.cycle.value,
                    "text": s.text,
                    "consent": s.consent.value,
                    "named": s.named,
                    "link": {"kind": s.link_kind.value, "id": s.link_id} if s.link_kind else None,
                    "group": s.group_name,
                    "school": s.school_name,
                    "created_at": s.created_at.isoformat() if s.created_at else None,
                }
                for s in stories
            ],
            "prompts": [dict(r) for r in prompts],
        }

    async def delete_member(self, guild_id: int, user_id: int) -> int:
        """Every row about the member (the caller takes their posts off Discord first)."""
        removed = 0
        async with self.db.transaction():
            for table, column in (
                ("stories", "author_id"),
                ("story_prompts", "user_id"),
                ("story_posts", "user_id"),
                ("story_member_settings", "user_id"),
            ):
                removed += await self.db.execute_rowcount(
                    f"DELETE FROM {table} WHERE guild_id = ? AND {column} = ?",
                    (guild_id, user_id),
                )
        return removed
