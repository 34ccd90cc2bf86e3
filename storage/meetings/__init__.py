"""Meeting storage for every guild: meetings, RSVPs with capacity and an ordered waitlist, reminder
preferences, agenda, check-ins and one member's personal data. `MeetingRepository` is made of one part per
concern (`rows`, `rsvps`, `agenda`, `attendance`, `personal`); the plain data is in `model`."""

from __future__ import annotations

from storage.database import Database
from storage.meetings.agenda import AgendaRows
from storage.meetings.attendance import AttendanceRows
from storage.meetings.model import (
    CHECKIN_OPENS_BEFORE,
    DEFAULT_REMINDER_OFFSETS,
    EDITABLE,
    MAX_LENGTH,
    AgendaItem,
    EditConflict,
    Meeting,
    MeetingState,
    MemberDeletion,
    NewMeeting,
    Rsvp,
    RsvpOutcome,
    RsvpStatus,
    RsvpSummary,
    meeting_owner,
)
from storage.meetings.personal import PersonalRows
from storage.meetings.rows import MeetingRows, next_meeting, next_meetings


class MeetingRepository(MeetingRows, AgendaRows, AttendanceRows, PersonalRows):
    """All meeting storage for every guild."""

    def __init__(self, db: Database) -> None:
        self.db = db


__all__ = [
    "CHECKIN_OPENS_BEFORE",
    "DEFAULT_REMINDER_OFFSETS",
    "EDITABLE",
    "MAX_LENGTH",
    "AgendaItem",
    "EditConflict",
    "Meeting",
    "MeetingRepository",
    "MeetingState",
    "MemberDeletion",
    "NewMeeting",
    "Rsvp",
    "RsvpOutcome",
    "RsvpStatus",
    "RsvpSummary",
    "meeting_owner",
    "next_meeting",
    "next_meetings",
]
