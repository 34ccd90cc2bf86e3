"""Meetings themselves: settings, create, read, change, list and search."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.database import Database
from storage.jobs import to_db_time
from storage.meetings.model import (
    DB_VALUE,
    DEFAULT_REMINDER_OFFSETS,
    EDITABLE,
    MAX_LENGTH,
    EditConflict,
    Meeting,
    NewMeeting,
    offsets_json,
    rule_json,
)
from storage.meetings.rsvps import RsvpRows


class MeetingRows(RsvpRows):
    """Meetings themselves (a part of `MeetingRepository`)."""

    # -- settings ------------------------------------------------------------------------------------

    async def default_offsets(self, guild_id: int) -> tuple[int, ...]:
        value = await self.db.fetchval(
            "SELECT reminder_offsets FROM meeting_settings WHERE guild_id = ?", (guild_id,)
        )
        return DEFAULT_REMINDER_OFFSETS if value is None else tuple(json.loads(value))

    async def set_default_offsets(self, guild_id: int, offsets: Sequence[int]) -> None:
        await self.db.execute(
            "INSERT INTO meeting_settings (guild_id, reminder_offsets) VALUES (?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET reminder_offsets = excluded.reminder_offsets",
            (guild_id, offsets_json(offsets)),
        )

    # -- meetings ------------------------------------------------------------------------------------

    async def create(self, new: NewMeeting, *, now: datetime) -> Meeting:
        """Insert a meeting (joining the caller's transaction, so its jobs can be written with it)."""
        stamp = to_db_time(now)
        meeting_id = await self.db.execute(
            "INSERT INTO meetings (guild_id, title, description, location, starts_at, ends_at, timezone,"
            " channel_id, audience_kind, audience_id, ping_audience, capacity, reminder_offsets, series_id,"
            " repeat_rule, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.guild_id,
                new.title,
                new.description,
                new.location,
                to_db_time(new.starts_at),
                to_db_time(new.ends_at),
                new.timezone,
                new.channel_id,
                new.audience_kind,
                new.audience_id,
                int(new.ping_audience),
                new.capacity,
                offsets_json(new.reminder_offsets),
                new.series_id,
                rule_json(new.repeat_rule),
                new.created_by,
                stamp,
                stamp,
            ),
        )
        meeting = await self.get(new.guild_id, meeting_id)
        assert meeting is not None
        return meeting

    async def get(self, guild_id: int, meeting_id: int) -> Meeting | None:
        row = await self.db.fetchone(
            "SELECT * FROM meetings WHERE id = ? AND guild_id = ?", (meeting_id, guild_id)
        )
        return None if row is None else Meeting.from_row(row)

    async def get_any(self, meeting_id: int) -> Meeting | None:
        """By id alone: for scheduled jobs, whose payload already belongs to one guild."""
        row = await self.db.fetchone("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
        return None if row is None else Meeting.from_row(row)

    async def update(self, meeting: Meeting, *, now: datetime, **changes: Any) -> Meeting:
        """Change fields of `meeting` if nobody else changed it since it was read; EditConflict otherwise.
        Returns the meeting as stored. Seats a new capacity frees are given by the caller
        (`core.meetings.rsvp.promote`), in the same transaction."""
        unknown = set(changes) - EDITABLE - {"message_id", "event_id", "state", "cancel_reason"}
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)}")
        columns = [f"{name} = ?" for name in changes]
        values = [DB_VALUE.get(name, lambda v: v)(value) for name, value in changes.items()]
        async with self.db.transaction():
            changed = await self.db.execute_rowcount(
                f"UPDATE meetings SET {', '.join(columns)}, version = version + 1, updated_at = ?"
                " WHERE id = ? AND guild_id = ? AND version = ?",
                (*values, to_db_time(now), meeting.id, meeting.guild_id, meeting.version),
            )
            if not changed:
                raise EditConflict(f"meeting {meeting.id} changed since version {meeting.version}")
            updated = await self.get(meeting.guild_id, meeting.id)
        assert updated is not None
        return updated

    async def set_link(
        self,
        meeting_id: int,
        *,
        message_id: int | None = None,
        event_id: int | None = None,
        clear_event: bool = False,
    ) -> None:
        """Record the card's message or the Discord event (no version bump: not an edit by a person)."""
        if message_id is not None:
            await self.db.execute("UPDATE meetings SET message_id = ? WHERE id = ?", (message_id, meeting_id))
        if event_id is not None or clear_event:
            await self.db.execute("UPDATE meetings SET event_id = ? WHERE id = ?", (event_id, meeting_id))

    async def forget_card(self, meeting_id: int) -> None:
        """The card's message is gone (deleted, or moved to another channel): the next publish posts it."""
        await self.db.execute("UPDATE meetings SET message_id = NULL WHERE id = ?", (meeting_id,))

    async def move_to_channel(self, meeting_id: int, channel_id: int) -> None:
        """The meeting's channel was deleted: its messages go to `channel_id` from now on."""
        await self.db.execute("UPDATE meetings SET channel_id = ? WHERE id = ?", (channel_id, meeting_id))

    async def by_event(self, guild_id: int, event_id: int) -> Meeting | None:
        row = await self.db.fetchone(
            "SELECT * FROM meetings WHERE guild_id = ? AND event_id = ?", (guild_id, event_id)
        )
        return None if row is None else Meeting.from_row(row)

    async def listing(
        self,
        guild_id: int,
        *,
        now: datetime,
        past: bool = False,
        audience: tuple[str, int | None] | None = None,
        limit: int = 500,
        include_cancelled: bool = True,
    ) -> list[Meeting]:
        """Upcoming meetings soonest first (not yet ended), or past ones most recent first."""
        where = ["guild_id = ?", "ends_at <= ?" if past else "ends_at > ?"]
        params: list[Any] = [guild_id, to_db_time(now)]
        # Bounds on starts_at let the (guild_id, starts_at) index start at now, not at the first meeting.
        where.append("starts_at <= ?" if past else "starts_at > ?")
        params.append(to_db_time(now if past else now - MAX_LENGTH))
        if audience is not None:
            where.append("audience_kind = ? AND audience_id IS ?")
            params.extend(audience)
        if not include_cancelled:
            where.append("state = 'scheduled'")
        order = "starts_at DESC" if past else "starts_at"
        rows = await self.db.fetchall(
            f"SELECT * FROM meetings WHERE {' AND '.join(where)} ORDER BY {order}, id LIMIT ?",
            (*params, limit),
        )
        return [Meeting.from_row(r) for r in rows]

    async def search(self, guild_id: int, text: str, *, now: datetime, limit: int = 25) -> list[Meeting]:
        """For autocomplete: title matches (or the id typed), upcoming soonest first, then past ones most
        recent first. Each half walks the meetings in time order from now and stops at `limit`."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        matching = "guild_id = ? AND (title LIKE ? ESCAPE '\\' OR CAST(id AS TEXT) = ?)"
        values = (guild_id, pattern, text.strip())
        upcoming = await self.db.fetchall(
            f"SELECT * FROM meetings WHERE {matching} AND starts_at > ? AND ends_at > ?"
            " ORDER BY starts_at, id LIMIT ?",
            (*values, to_db_time(now - MAX_LENGTH), to_db_time(now), limit),
        )
        past = []
        if len(upcoming) < limit:
            past = await self.db.fetchall(
                f"SELECT * FROM meetings WHERE {matching} AND starts_at <= ? AND ends_at <= ?"
                " ORDER BY starts_at DESC, id DESC LIMIT ?",
                (*values, to_db_time(now), to_db_time(now), limit - len(upcoming)),
            )
        return [Meeting.from_row(r) for r in [*upcoming, *past]]

    async def series(self, guild_id: int, series_id: int) -> list[Meeting]:
        """Every meeting of a series (cancelled ones too), soonest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM meetings WHERE guild_id = ? AND (series_id = ? OR id = ?) ORDER BY starts_at",
            (guild_id, series_id, series_id),
        )
        return [Meeting.from_row(r) for r in rows]

    async def series_position(self, meeting: Meeting) -> tuple[int, int]:
        """(1-based position, total) of a meeting in its series."""
        key = meeting.series_id or meeting.id
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS total, SUM(starts_at <= ?) AS position FROM meetings"
            " WHERE guild_id = ? AND (series_id = ? OR id = ?)",
            (to_db_time(meeting.starts_at), meeting.guild_id, key, key),
        )
        assert row is not None
        return int(row["position"] or 1), int(row["total"])

    async def going_counts(self, meeting_ids: Sequence[int]) -> dict[int, int]:
        if not meeting_ids:
            return {}
        rows = await self.db.fetchall(
            f"SELECT meeting_id, COUNT(*) AS n FROM meeting_rsvps WHERE status = 'going'"
            f" AND meeting_id IN ({','.join('?' * len(meeting_ids))}) GROUP BY meeting_id",
            tuple(meeting_ids),
        )
        return {r["meeting_id"]: r["n"] for r in rows}

    async def count(self, guild_id: int) -> int:
        return int(await self.db.fetchval("SELECT COUNT(*) FROM meetings WHERE guild_id = ?", (guild_id,)))


async def next_meeting(
    db: Database, guild_id: int, now: datetime, *, everyone_only: bool = True
) -> Meeting | None:
    """The next meeting of a guild that has not started yet and is not cancelled (for other features).

    Only meetings for everyone by default: the answer is often shown in public, where the title of a
    meeting meant for one group or school team should not appear.
    """
    found = await next_meetings(db, guild_id, now, limit=1, everyone_only=everyone_only)
    return found[0] if found else None


async def next_meetings(
    db: Database, guild_id: int, now: datetime, *, limit: int, everyone_only: bool = True
) -> list[Meeting]:
    """The next `limit` meetings (see `next_meeting`), soonest first."""
    audience = " AND audience_kind = 'all'" if everyone_only else ""
    rows = await db.fetchall(
        f"SELECT * FROM meetings WHERE guild_id = ? AND state = 'scheduled' AND starts_at > ?{audience}"
        " ORDER BY starts_at, id LIMIT ?",
        (guild_id, to_db_time(now), limit),
    )
    return [Meeting.from_row(row) for row in rows]
