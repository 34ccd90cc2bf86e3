"""Meetings: rows, RSVPs with capacity and an ordered waitlist, reminder preferences, agenda and check-ins.

Every seat decision happens inside one write transaction, so simultaneous clicks are decided one after the
other: a capacity is never exceeded and the waitlist keeps the order in which the clicks were decided.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from storage.database import Database
from storage.jobs import from_db_time, to_db_time

DEFAULT_REMINDER_OFFSETS: tuple[int, ...] = (7 * 86400, 86400, 3600)
CHECKIN_OPENS_BEFORE = timedelta(minutes=15)


class RsvpStatus(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NO = "no"
    WAITLIST = "waitlist"


class MeetingState(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class MeetingClosed(Exception):
    """The meeting no longer takes RSVPs (cancelled, or already over)."""


class EditConflict(Exception):
    """Someone else changed the meeting after it was read."""


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    guild_id: int
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    channel_id: int
    message_id: int | None
    audience_kind: str
    audience_id: int | None
    ping_audience: bool
    capacity: int | None
    reminder_offsets: tuple[int, ...]
    state: MeetingState
    cancel_reason: str | None
    event_id: int | None
    series_id: int | None
    repeat_rule: dict[str, Any] | None
    created_by: int
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Meeting:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            title=row["title"],
            description=row["description"],
            location=row["location"],
            starts_at=from_db_time(row["starts_at"]),
            ends_at=from_db_time(row["ends_at"]),
            timezone=row["timezone"],
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            audience_kind=row["audience_kind"],
            audience_id=row["audience_id"],
            ping_audience=bool(row["ping_audience"]),
            capacity=row["capacity"],
            reminder_offsets=tuple(json.loads(row["reminder_offsets"])),
            state=MeetingState(row["state"]),
            cancel_reason=row["cancel_reason"],
            event_id=row["event_id"],
            series_id=row["series_id"],
            repeat_rule=json.loads(row["repeat_rule"]) if row["repeat_rule"] else None,
            created_by=row["created_by"],
            version=row["version"],
            created_at=from_db_time(row["created_at"]),
            updated_at=from_db_time(row["updated_at"]),
        )

    @property
    def cancelled(self) -> bool:
        return self.state is MeetingState.CANCELLED

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def owner(self) -> str:
        """The scheduler owner of this meeting's jobs."""
        return meeting_owner(self.id)

    def checkin_open(self, now: datetime) -> bool:
        return not self.cancelled and self.starts_at - CHECKIN_OPENS_BEFORE <= now < self.ends_at


def meeting_owner(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


@dataclass(frozen=True, slots=True)
class NewMeeting:
    guild_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    channel_id: int
    created_by: int
    description: str = ""
    location: str = ""
    audience_kind: str = "all"
    audience_id: int | None = None
    ping_audience: bool = False
    capacity: int | None = None
    reminder_offsets: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS
    series_id: int | None = None
    repeat_rule: dict[str, Any] | None = None


# Fields `/meeting edit` may change (series_id and repeat_rule when the repeat of a meeting changes).
EDITABLE = frozenset(
    {
        "title",
        "description",
        "location",
        "starts_at",
        "ends_at",
        "channel_id",
        "capacity",
        "reminder_offsets",
        "audience_kind",
        "audience_id",
        "ping_audience",
        "series_id",
        "repeat_rule",
    }
)


@dataclass(frozen=True, slots=True)
class RsvpOutcome:
    status: RsvpStatus
    previous: RsvpStatus | None
    waitlist_position: int | None  # 1-based, when waitlisted
    promoted: tuple[int, ...] = ()  # members moved from the waitlist to Going by this change


@dataclass(frozen=True, slots=True)
class Rsvp:
    user_id: int
    status: RsvpStatus
    seq: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RsvpSummary:
    counts: dict[RsvpStatus, int]
    first: dict[RsvpStatus, list[int]] = field(default_factory=dict)  # first few of each, in order

    def count(self, status: RsvpStatus) -> int:
        return self.counts.get(status, 0)


@dataclass(frozen=True, slots=True)
class MemberDeletion:
    removed: int  # rows deleted
    answered: tuple[int, ...]  # meetings the member had answered (their cards list them)
    promoted: dict[int, tuple[int, ...]]  # meeting id -> members moved from the waitlist into their seat
    agenda: tuple[int, ...] = ()  # meetings the member suggested topics for (their agenda lists showed them)


@dataclass(frozen=True, slots=True)
class AgendaItem:
    id: int
    meeting_id: int
    author_id: int
    topic: str
    accepted: bool
    votes: int


def _offsets_json(offsets: Sequence[int]) -> str:
    return json.dumps(sorted({int(o) for o in offsets}, reverse=True))


def _rule_json(rule: dict[str, Any] | None) -> str | None:
    return None if rule is None else json.dumps(rule, sort_keys=True)


_DB_VALUE: dict[str, Callable[[Any], Any]] = {
    "repeat_rule": _rule_json,
    "starts_at": to_db_time,
    "ends_at": to_db_time,
    "reminder_offsets": _offsets_json,
    "ping_audience": int,
}


class MeetingRepository:
    """All meeting storage for every guild."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
            (guild_id, _offsets_json(offsets)),
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
                _offsets_json(new.reminder_offsets),
                new.series_id,
                _rule_json(new.repeat_rule),
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

    async def update(
        self, meeting: Meeting, *, now: datetime, **changes: Any
    ) -> tuple[Meeting, tuple[int, ...]]:
        """Change fields of `meeting` if nobody else changed it since it was read; EditConflict otherwise.

        Returns the meeting as stored and the members promoted from the waitlist by a larger capacity
        (or, with `capacity=None`, by removing the limit: the whole waitlist, in order).
        """
        unknown = set(changes) - EDITABLE - {"message_id", "event_id", "state", "cancel_reason"}
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)}")
        columns = [f"{name} = ?" for name in changes]
        values = [_DB_VALUE.get(name, lambda v: v)(value) for name, value in changes.items()]
        async with self.db.transaction():
            changed = await self.db.execute_rowcount(
                f"UPDATE meetings SET {', '.join(columns)}, version = version + 1, updated_at = ?"
                " WHERE id = ? AND guild_id = ? AND version = ?",
                (*values, to_db_time(now), meeting.id, meeting.guild_id, meeting.version),
            )
            if not changed:
                raise EditConflict(f"meeting {meeting.id} changed since version {meeting.version}")
            promoted = await self._promote(meeting.id, now) if "capacity" in changes else ()
            updated = await self.get(meeting.guild_id, meeting.id)
        assert updated is not None
        return updated, promoted

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

    async def search(self, guild_id: int, text: str, *, limit: int = 25) -> list[Meeting]:
        """For autocomplete: title matches, upcoming first then the most recent."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await self.db.fetchall(
            "SELECT * FROM meetings WHERE guild_id = ? AND (title LIKE ? ESCAPE '\\' OR CAST(id AS TEXT) = ?)"
            " ORDER BY (ends_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), "
            " CASE WHEN ends_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now') THEN -julianday(starts_at)"
            " ELSE julianday(starts_at) END LIMIT ?",
            (guild_id, pattern, text.strip(), limit),
        )
        return [Meeting.from_row(r) for r in rows]

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

    # -- RSVPs ---------------------------------------------------------------------------------------

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

    # -- agenda ----------------------------------------------------------------------------------------

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

    # -- attendance ----------------------------------------------------------------------------------

    async def check_in(self, guild_id: int, meeting_id: int, user_id: int, *, now: datetime) -> bool:
        """Record that a member is here; False if they already were."""
        return bool(
            await self.db.execute_rowcount(
                "INSERT OR IGNORE INTO meeting_checkins (guild_id, meeting_id, user_id, checked_in_at)"
                " VALUES (?, ?, ?, ?)",
                (guild_id, meeting_id, user_id, to_db_time(now)),
            )
        )

    async def checkins(self, meeting_id: int) -> dict[int, datetime]:
        rows = await self.db.fetchall(
            "SELECT user_id, checked_in_at FROM meeting_checkins WHERE meeting_id = ? ORDER BY checked_in_at",
            (meeting_id,),
        )
        return {r["user_id"]: from_db_time(r["checked_in_at"]) for r in rows}

    # -- personal data -----------------------------------------------------------------------------------

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

    async def delete_member(self, guild_id: int, user_id: int, *, now: datetime) -> MemberDeletion:
        """Remove every row about the member; seats they held in meetings still ahead go to the waitlist."""
        params = (guild_id, user_id)
        removed = 0
        promoted: dict[int, tuple[int, ...]] = {}
        async with self.db.transaction():
            answered = await self.db.fetchall(
                "SELECT r.meeting_id, r.status, m.state, m.ends_at FROM meeting_rsvps r"
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
            for row in answered:
                ahead = row["state"] == MeetingState.SCHEDULED and from_db_time(row["ends_at"]) > now
                if row["status"] == RsvpStatus.GOING and ahead:
                    moved = await self._promote(row["meeting_id"], now)
                    if moved:
                        promoted[row["meeting_id"]] = moved
        return MemberDeletion(
            removed,
            tuple(r["meeting_id"] for r in answered),
            promoted,
            tuple(int(r["meeting_id"]) for r in suggested),
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
