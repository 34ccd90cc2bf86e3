"""RSVPs with capacity and an ordered waitlist, Discord-event interest, and reminder preferences.

Every seat decision happens inside one write transaction, so simultaneous clicks are decided one after the
other: a capacity is never exceeded and the waitlist keeps the order in which the clicks were decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.database import Database
from storage.jobs import from_db_time, to_db_time
from storage.meetings.model import MeetingClosed, MeetingState, Rsvp, RsvpOutcome, RsvpStatus, RsvpSummary


class RsvpRows:
    """The RSVPs and reminder preferences part of `MeetingRepository`."""

    db: Database

    async def rsvp(
        self,
        guild_id: int,
        meeting_id: int,
        user_id: int,
        choice: RsvpStatus,
        *,
        now: datetime,
        source: str = "button",
    ) -> RsvpOutcome:
        """Record a member's answer; with a capacity, Going beyond it joins the waitlist. One transaction."""
        if choice is RsvpStatus.WAITLIST:
            raise ValueError("members choose going, maybe or no; the waitlist is decided here")
        async with self.db.transaction():
            row = await self.db.fetchone(
                "SELECT capacity, state, ends_at FROM meetings WHERE id = ? AND guild_id = ?",
                (meeting_id, guild_id),
            )
            if row is None or row["state"] != MeetingState.SCHEDULED or from_db_time(row["ends_at"]) <= now:
                raise MeetingClosed(f"meeting {meeting_id} takes no RSVPs")
            current = await self.db.fetchone(
                "SELECT status, source FROM meeting_rsvps WHERE meeting_id = ? AND user_id = ?",
                (meeting_id, user_id),
            )
            previous = RsvpStatus(current["status"]) if current else None
            status: RsvpStatus = choice
            if choice is RsvpStatus.GOING:
                if previous in (RsvpStatus.GOING, RsvpStatus.WAITLIST):
                    status = previous
                elif row["capacity"] is not None and await self._going(meeting_id) >= row["capacity"]:
                    status = RsvpStatus.WAITLIST
            if status != previous:
                await self._write(guild_id, meeting_id, user_id, status, now, source)
            elif current is not None and current["source"] != source:
                # The same answer given again elsewhere (Maybe on the card after "Interested" on the event):
                # it now belongs to where it was given last, so taking back the interest keeps it.
                await self.db.execute(
                    "UPDATE meeting_rsvps SET source = ? WHERE meeting_id = ? AND user_id = ?",
                    (source, meeting_id, user_id),
                )
            promoted = await self._promote(meeting_id, now) if previous is RsvpStatus.GOING else ()
            position = await self._position(meeting_id, user_id) if status is RsvpStatus.WAITLIST else None
        return RsvpOutcome(status, previous, position, promoted)

    async def _write(
        self, guild_id: int, meeting_id: int, user_id: int, status: RsvpStatus, now: datetime, source: str
    ) -> None:
        await self.db.execute(
            "INSERT INTO meeting_rsvps (guild_id, meeting_id, user_id, status, seq, source, updated_at)"
            " VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_rsvps WHERE meeting_id = ?),"
            " ?, ?) ON CONFLICT (meeting_id, user_id) DO UPDATE SET status = excluded.status,"
            " seq = excluded.seq, source = excluded.source, updated_at = excluded.updated_at",
            (guild_id, meeting_id, user_id, status.value, meeting_id, source, to_db_time(now)),
        )

    async def _going(self, meeting_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM meeting_rsvps WHERE meeting_id = ? AND status = 'going'", (meeting_id,)
            )
        )

    async def _position(self, meeting_id: int, user_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM meeting_rsvps WHERE meeting_id = ? AND status = 'waitlist' AND seq <="
                " (SELECT seq FROM meeting_rsvps WHERE meeting_id = ? AND user_id = ?)",
                (meeting_id, meeting_id, user_id),
            )
        )

    async def _promote(self, meeting_id: int, now: datetime) -> tuple[int, ...]:
        """Fill free seats from the head of the waitlist (inside the caller's transaction)."""
        capacity = await self.db.fetchval("SELECT capacity FROM meetings WHERE id = ?", (meeting_id,))
        going = await self._going(meeting_id)
        free = None if capacity is None else capacity - going
        if free is not None and free <= 0:
            return ()
        rows = await self.db.fetchall(
            "SELECT user_id FROM meeting_rsvps WHERE meeting_id = ? AND status = 'waitlist' ORDER BY seq"
            + ("" if free is None else " LIMIT ?"),
            (meeting_id,) if free is None else (meeting_id, free),
        )
        promoted = tuple(r["user_id"] for r in rows)
        if promoted:
            # Promoted members keep their place in line as their place among those going.
            await self.db.execute(
                f"UPDATE meeting_rsvps SET status = 'going', updated_at = ? WHERE meeting_id = ?"
                f" AND user_id IN ({','.join('?' * len(promoted))})",
                (to_db_time(now), meeting_id, *promoted),
            )
        return promoted

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
                    await self._write(guild_id, meeting_id, user_id, RsvpStatus.MAYBE, now, "event")
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
