"""Meeting rows as plain data: a meeting, its answers, its agenda, and the errors storage raises."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from storage.jobs import from_db_time, to_db_time

DEFAULT_REMINDER_OFFSETS: tuple[int, ...] = (7 * 86400, 86400, 3600)
CHECKIN_OPENS_BEFORE = timedelta(minutes=15)
# The longest a meeting lasts (`/meeting schedule` and `edit` refuse more): what is still going on started
# less than this ago, so lists of upcoming meetings read from there instead of from the first meeting ever.
MAX_LENGTH = timedelta(hours=24)


class RsvpStatus(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NO = "no"
    WAITLIST = "waitlist"


class MeetingState(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


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
    agenda: tuple[int, ...] = ()  # meetings the member suggested topics for (their agenda lists showed them)
    seats: tuple[int, ...] = ()  # meetings the member was going to: their seat is free now
    promoted: dict[int, tuple[int, ...]] = field(default_factory=dict)  # meeting id -> members given the seat


@dataclass(frozen=True, slots=True)
class AgendaItem:
    id: int
    meeting_id: int
    author_id: int
    topic: str
    accepted: bool
    votes: int


def offsets_json(offsets: Sequence[int]) -> str:
    return json.dumps(sorted({int(o) for o in offsets}, reverse=True))


def rule_json(rule: dict[str, Any] | None) -> str | None:
    return None if rule is None else json.dumps(rule, sort_keys=True)


DB_VALUE: dict[str, Callable[[Any], Any]] = {
    "repeat_rule": rule_json,
    "starts_at": to_db_time,
    "ends_at": to_db_time,
    "reminder_offsets": offsets_json,
    "ping_audience": int,
}
