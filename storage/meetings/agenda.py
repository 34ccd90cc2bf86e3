"""Agenda topics, votes, and the public agenda lists posted in channels."""

from __future__ import annotations

from datetime import datetime

from storage.database import Database
from storage.jobs import to_db_time
from storage.meetings.model import AgendaItem


class AgendaRows:
    """The agenda part of `MeetingRepository`."""

    db: Database

    async def suggest(
        self, guild_id: int, meeting_id: int, author_id: int, topic: str, *, now: datetime
    ) -> int:
        return await self.db.execute(
            "INSERT INTO meeting_agenda (guild_id, meeting_id, author_id, topic, created_at) VALUES (?, ?, ?, ?, ?)",
            (guild_id, meeting_id, author_id, topic, to_db_time(now)),
        )

    async def agenda(self, meeting_id: int) -> list[AgendaItem]:
        """Topics most-wanted first (ties: first suggested first)."""
        rows = await self.db.fetchall(
            "SELECT a.id, a.meeting_id, a.author_id, a.topic, a.accepted, COUNT(v.user_id) AS votes"
            " FROM meeting_agenda a LEFT JOIN meeting_agenda_votes v ON v.item_id = a.id"
            " WHERE a.meeting_id = ? GROUP BY a.id ORDER BY votes DESC, a.id",
            (meeting_id,),
        )
        return [
            AgendaItem(r["id"], r["meeting_id"], r["author_id"], r["topic"], bool(r["accepted"]), r["votes"])
            for r in rows
        ]

    async def agenda_item(self, guild_id: int, item_id: int) -> AgendaItem | None:
        row = await self.db.fetchone(
            "SELECT a.id, a.meeting_id, a.author_id, a.topic, a.accepted,"
            " (SELECT COUNT(*) FROM meeting_agenda_votes v WHERE v.item_id = a.id) AS votes"
            " FROM meeting_agenda a WHERE a.id = ? AND a.guild_id = ?",
            (item_id, guild_id),
        )
        if row is None:
            return None
        return AgendaItem(
            row["id"], row["meeting_id"], row["author_id"], row["topic"], bool(row["accepted"]), row["votes"]
        )

    async def toggle_vote(self, guild_id: int, item_id: int, user_id: int) -> bool:
        """Vote for a topic, or take the vote back; whether the member now votes for it."""
        async with self.db.transaction():
            removed = await self.db.execute_rowcount(
                "DELETE FROM meeting_agenda_votes WHERE item_id = ? AND user_id = ?", (item_id, user_id)
            )
            if removed:
                return False
            await self.db.execute(
                "INSERT INTO meeting_agenda_votes (guild_id, item_id, user_id) VALUES (?, ?, ?)",
                (guild_id, item_id, user_id),
            )
            return True

    async def set_accepted(self, guild_id: int, item_id: int, accepted: bool) -> None:
        await self.db.execute(
            "UPDATE meeting_agenda SET accepted = ? WHERE id = ? AND guild_id = ?",
            (int(accepted), item_id, guild_id),
        )

    # -- posted agenda lists --------------------------------------------------------------------------------

    async def record_agenda_post(
        self, guild_id: int, meeting_id: int, channel_id: int, message_id: int
    ) -> None:
        """A public `/meeting agenda` list: redrawn when a member whose topic it shows deletes their data."""
        await self.db.execute(
            "INSERT OR IGNORE INTO meeting_agenda_posts (guild_id, meeting_id, channel_id, message_id)"
            " VALUES (?, ?, ?, ?)",
            (guild_id, meeting_id, channel_id, message_id),
        )

    async def agenda_posts(self, meeting_id: int) -> list[tuple[int, int]]:
        """(channel id, message id) of each public agenda list of the meeting."""
        rows = await self.db.fetchall(
            "SELECT channel_id, message_id FROM meeting_agenda_posts WHERE meeting_id = ? ORDER BY message_id",
            (meeting_id,),
        )
        return [(int(r["channel_id"]), int(r["message_id"])) for r in rows]

    async def forget_agenda_post(self, message_id: int) -> None:
        await self.db.execute("DELETE FROM meeting_agenda_posts WHERE message_id = ?", (message_id,))
