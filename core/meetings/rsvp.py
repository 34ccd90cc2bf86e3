"""Answering a meeting: Going, Maybe or Can't go; with a capacity, Going beyond it joins an ordered waitlist,
and a freed seat goes to the head of the line (decided in one write transaction by `storage.meetings`, so
simultaneous clicks never exceed the capacity). Who was promoted is told once about every meeting they got
a seat in. Check-in and agenda votes and topics follow the same "still open" rule."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import datetime

from core.meetings.audience import AudienceRules
from core.meetings.errors import MeetingRefusal
from storage.meetings import (
    CHECKIN_OPENS_BEFORE,
    AgendaItem,
    Meeting,
    MeetingClosed,
    MeetingRepository,
    RsvpOutcome,
    RsvpStatus,
)

TOPICS_LIMIT = 100  # suggested topics per meeting


async def answer(
    repo: MeetingRepository,
    audiences: AudienceRules,
    meeting: Meeting,
    user_id: int,
    choice: RsvpStatus,
    *,
    now: datetime,
) -> RsvpOutcome:
    """Record a member's answer (a seat, or a place on the waitlist) and who it promoted, or refuse it."""
    if meeting.cancelled:
        raise MeetingRefusal("This meeting was cancelled, so it no longer takes answers.")
    await audiences.check(meeting, user_id)
    try:
        return await repo.rsvp(meeting.guild_id, meeting.id, user_id, choice, now=now)
    except MeetingClosed:
        raise MeetingRefusal(
            "This meeting is over or was cancelled, so it no longer takes answers."
        ) from None


def seats_by_member(promotions: Iterable[tuple[Meeting, Sequence[int]]]) -> dict[int, list[Meeting]]:
    """Each promoted member with every meeting they now have a seat in (in the order given): one message
    each."""
    seats: dict[int, list[Meeting]] = {}
    for meeting, promoted in promotions:
        for user_id in promoted:
            seats.setdefault(user_id, []).append(meeting)
    return seats


class CheckIn(enum.Enum):
    CANCELLED = "cancelled"
    TOO_EARLY = "too early"
    OPEN = "open"
    OVER = "over"


def check_in_window(meeting: Meeting, now: datetime) -> CheckIn:
    """Check-in opens 15 minutes before the start and closes at the end."""
    if meeting.cancelled:
        return CheckIn.CANCELLED
    if now < meeting.starts_at - CHECKIN_OPENS_BEFORE:
        return CheckIn.TOO_EARLY
    if now >= meeting.ends_at:
        return CheckIn.OVER
    return CheckIn.OPEN


def takes_answers(meeting: Meeting, now: datetime) -> bool:
    """Whether a meeting still takes votes and topics: not cancelled and not over."""
    return not meeting.cancelled and now < meeting.ends_at


def check_topic(existing: Sequence[AgendaItem], topic: str) -> None:
    """MeetingRefusal for an empty topic, one already suggested (in any case), or a full agenda."""
    if not topic:
        raise MeetingRefusal("Please write the topic.")
    if any(item.topic.casefold() == topic.casefold() for item in existing):
        raise MeetingRefusal("That topic was already suggested: vote for it with `/meeting agenda`.")
    if len(existing) >= TOPICS_LIMIT:
        raise MeetingRefusal(
            f"This meeting already has {TOPICS_LIMIT} suggested topics; vote for those with `/meeting agenda`."
        )
