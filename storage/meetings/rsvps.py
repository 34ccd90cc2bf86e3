"""RSVPs and their waitlist order, Discord-event interest, and reminder preferences.

The SQL only: which answer takes a seat, joins the waitlist or is promoted is decided by
`core.meetings.rsvp`, which calls these inside one write transaction (`async with db.transaction():`), so
simultaneous clicks are decided one after the other. `seq` is the order of arrival: a new answer goes to the
end of the line, a promotion keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.database import Database
from storage.jobs import from_db_time, to_db_time
from storage.meetings.model import Rsvp, RsvpStatus, RsvpSummary


class RsvpRows:
    """The RSVPs and reminder preferences part of `MeetingRepository`."""

    db: Database

    async def write_answer(
        self,
        guild_id: int,
        meeting_id: int,
        user_id: int,
        status: RsvpStatus,
        *,
        now: datetime,
        source: str = "button",
    ) -> None:
        """Store a member's answer as the newest (the end of the line, whatever it was before)."""
        await self.db.execute(
            "INSERT INTO meeting_rsvps (guild_id, meeting_id, user_id, status, seq, source, updated_at)"
            " VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_rsvps WHERE meeting_id = ?),"
            " ?, ?) ON CONFLICT (meeting_id, user_id) DO UPDATE SET status = excluded.status,"
            " seq = excluded.seq, source = excluded.source, updated_at = excluded.updated_at",
            (guild_id, meeting_id, user_id, status.value, meeting_id, source, to_db_time(now)),
        )

    async def set_source(self, meeting_id: int, user_id: int, source: str) -> None:
        """Where a member's answer was given last ("button" or "event"), keeping its status and place."""
        await self.db.execute(
            "UPDATE meeting_rsvps SET source = ? WHERE meeting_id = ? AND user_id = ? AND source != ?",
            (source, meeting_id, user_id, source),
        )

    async def count_going(self, meeting_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM meeting_rsvps WHERE meeting_id = ? AND status = 'going'", (meeting_id,)
            )
        )

    async def waitlist_position(self, meeting_id: int, user_id: int) -> int:
        """1-based place of a waitlisted member in the line."""
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM meeting_rsvps WHERE meeting_id = ? AND status = 'waitlist' AND seq <="
                " (SELECT seq FROM meeting_rsvps WHERE meeting_id = ? AND user_id = ?)",
                (meeting_id, meeting_id, user_id),
            )
        )

    async def waitlist_head(self, meeting_id: int, limit: int | None) -> tuple[int, ...]:
        """The first `limit` members of the waitlist in line order (all of them with None)."""
        rows = await self.db.fetchall(
            "SELECT user_id FROM meeting_rsvps WHERE meeting_id = ? AND status = 'waitlist' ORDER BY seq"
            + ("" if limit is None else " LIMIT ?"),
            (meeting_id,) if limit is None else (meeting_id, limit),
        )
        return tuple(r["user_id"] for r in rows)

    async def mark_going(self, meeting_id: int, user_ids: Sequence[int], *, now: datetime) -> None:
        """Members now going, keeping their place in line (`seq`) as their place among those going."""
        if not user_ids:
            return
        await self.db.execute(
            f"UPDATE meeting_rsvps SET status = 'going', updated_at = ? WHERE meeting_id = ?"
            f" AND user_id IN ({','.join('?' * len(user_ids))})",
            (to_db_time(now), meeting_id, *user_ids),
        )

    async def rsvp_of(self, meeting_id: int, user_id: int) -> RsvpStatus | None:
        value = await self.db.fetchval(
            "SELECT status FROM meeting_rsvps WHERE meeting_id = ? AND user_id = ?", (meeting_id, user_id)
        )
        return RsvpStatus(value) if value else None

    async def summary(self, meeting_id: int, *, first: int = 10) -> RsvpSummary:
        """Counts per status and the first `first` members of each status, in order of arrival."""
        counts = {
            RsvpStatus(r["status"]): r["n"]
            for r in await self.db.fetchall(
                "SELECT status, COUNT(*) AS n FROM meeting_rsvps WHERE meeting_id = ? GROUP BY status",
                (meeting_id,),
            )
        }
        listed: dict[RsvpStatus, list[int]] = {}
        for status in counts:
            rows = await self.db.fetchall(
                "SELECT user_id FROM meeting_rsvps WHERE meeting_id = ? AND status = ? ORDER BY seq LIMIT ?",
                (meeting_id, status.value, first),
            )
            listed[status] = [r["user_id"] for r in rows]
        return RsvpSummary(counts, listed)

    async def rsvps(self, meeting_id: int, statuses: Sequence[RsvpStatus] | None = None) -> list[Rsvp]:
        """Every RSVP of a meeting in order of arrival, optionally of some statuses only."""
        chosen = [s.value for s in (statuses or list(RsvpStatus))]
        rows = await self.db.fetchall(
            f"SELECT user_id, status, seq, updated_at FROM meeting_rsvps WHERE meeting_id = ?"
            f" AND status IN ({','.join('?' * len(chosen))}) ORDER BY seq",
            (meeting_id, *chosen),
        )
        return [
            Rsvp(r["user_id"], RsvpStatus(r["status"]), r["seq"], from_db_time(r["updated_at"])) for r in rows
        ]

    async def add_interested(
        self, guild_id: int, meeting_id: int, user_ids: Sequence[int], *, now: datetime
    ) -> int:
        """Members interested in the Discord event count as Maybe unless they answered on the card."""
        added = 0
        async with self.db.transaction():
            for user_id in user_ids:
                if await self.rsvp_of(meeting_id, user_id) is None:
                    await self.write_answer(
                        guild_id, meeting_id, user_id, RsvpStatus.MAYBE, now=now, source="event"
                    )
                    added += 1
        return added

    async def remove_interested(self, meeting_id: int, user_ids: Sequence[int]) -> int:
        """Members no longer interested in the Discord event: the Maybe that came from it goes away
        (an answer given on the card stays)."""
        removed = 0
        async with self.db.transaction():
            for user_id in user_ids:
                removed += await self.db.execute_rowcount(
                    "DELETE FROM meeting_rsvps WHERE meeting_id = ? AND user_id = ? AND source = 'event'"
                    " AND status = 'maybe'",
                    (meeting_id, user_id),
                )
        return removed

    async def sync_interested(
        self, guild_id: int, meeting_id: int, user_ids: Sequence[int], *, now: datetime
    ) -> int:
        """Make the event's Maybes match who is interested now (events missed while offline); changes made."""
        async with self.db.transaction():
            rows = await self.db.fetchall(
                "SELECT user_id FROM meeting_rsvps WHERE meeting_id = ? AND source = 'event' AND status = 'maybe'",
                (meeting_id,),
            )
            gone = {r["user_id"] for r in rows} - set(user_ids)
            return await self.add_interested(guild_id, meeting_id, user_ids, now=now) + (
                await self.remove_interested(meeting_id, sorted(gone))
            )

    # -- reminder preferences ----------------------------------------------------------------------------

    async def set_reminder_mode(self, guild_id: int, user_id: int, mode: str) -> None:
        await self.db.execute(
            "INSERT INTO meeting_reminder_prefs (guild_id, user_id, mode) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id, user_id) DO UPDATE SET mode = excluded.mode",
            (guild_id, user_id, mode),
        )

    async def reminder_modes(self, guild_id: int, user_ids: Sequence[int]) -> dict[int, str]:
        """Each member's choice; members who never chose get "channel"."""
        found: dict[int, str] = dict.fromkeys(user_ids, "channel")
        for start in range(0, len(user_ids), 500):
            chunk = list(user_ids[start : start + 500])
            rows = await self.db.fetchall(
                f"SELECT user_id, mode FROM meeting_reminder_prefs WHERE guild_id = ?"
                f" AND user_id IN ({','.join('?' * len(chunk))})",
                (guild_id, *chunk),
            )
            found.update({r["user_id"]: r["mode"] for r in rows})
        return found
