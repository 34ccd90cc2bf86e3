"""One member's meeting rows: exported, or deleted."""

from __future__ import annotations

from typing import Any

from storage.meetings.model import MemberDeletion, RsvpStatus
from storage.meetings.rsvps import RsvpRows


class PersonalRows(RsvpRows):
    """The personal data part of `MeetingRepository`."""

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        params = (guild_id, user_id)
        rsvps = await self.db.fetchall(
            "SELECT r.meeting_id, m.title, r.status, r.updated_at FROM meeting_rsvps r"
            " JOIN meetings m ON m.id = r.meeting_id WHERE r.guild_id = ? AND r.user_id = ?",
            params,
        )
        checkins = await self.db.fetchall(
            "SELECT meeting_id, checked_in_at FROM meeting_checkins WHERE guild_id = ? AND user_id = ?",
            params,
        )
        topics = await self.db.fetchall(
            "SELECT meeting_id, topic FROM meeting_agenda WHERE guild_id = ? AND author_id = ?", params
        )
        votes = await self.db.fetchval(
            "SELECT COUNT(*) FROM meeting_agenda_votes WHERE guild_id = ? AND user_id = ?", params
        )
        mode = await self.db.fetchval(
            "SELECT mode FROM meeting_reminder_prefs WHERE guild_id = ? AND user_id = ?", params
        )
        found: dict[str, Any] = {}
        if rsvps:
            found["rsvps"] = [dict(r) for r in rsvps]
        if checkins:
            found["check_ins"] = [dict(r) for r in checkins]
        if topics:
            found["agenda_suggestions"] = [dict(r) for r in topics]
        if votes:
            found["agenda_votes"] = votes
        if mode:
            found["reminders"] = mode
        return found

    async def delete_member(self, guild_id: int, user_id: int) -> MemberDeletion:
        """Remove every row about the member (joining the caller's transaction); says which meetings they
        answered and which seats they held, for the caller to pass on (`core.meetings.rsvp.delete_member`)."""
        params = (guild_id, user_id)
        removed = 0
        async with self.db.transaction():
            answered = await self.db.fetchall(
                "SELECT r.meeting_id, r.status FROM meeting_rsvps r"
                " JOIN meetings m ON m.id = r.meeting_id WHERE r.guild_id = ? AND r.user_id = ?",
                params,
            )
            suggested = await self.db.fetchall(
                "SELECT DISTINCT meeting_id FROM meeting_agenda WHERE guild_id = ? AND author_id = ?"
                " ORDER BY meeting_id",
                params,
            )
            for sql in (
                "DELETE FROM meeting_rsvps WHERE guild_id = ? AND user_id = ?",
                "DELETE FROM meeting_checkins WHERE guild_id = ? AND user_id = ?",
                "DELETE FROM meeting_agenda_votes WHERE guild_id = ? AND user_id = ?",
                "DELETE FROM meeting_agenda WHERE guild_id = ? AND author_id = ?",
                "DELETE FROM meeting_reminder_prefs WHERE guild_id = ? AND user_id = ?",
            ):
                removed += await self.db.execute_rowcount(sql, params)
        return MemberDeletion(
            removed,
            tuple(r["meeting_id"] for r in answered),
            agenda=tuple(int(r["meeting_id"]) for r in suggested),
            seats=tuple(r["meeting_id"] for r in answered if r["status"] == RsvpStatus.GOING),
        )
