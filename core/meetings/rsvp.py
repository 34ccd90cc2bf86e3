"""Answering a meeting: Going, Maybe or Can't go; with a capacity, Going beyond it joins an ordered waitlist,
and a freed seat goes to the head of the line. The rules are `seat_for` and `free_seats`; the use cases
(`record_answer`, `promote`, `delete_member`) apply them inside one write transaction over
`storage.meetings`' primitives, so simultaneous clicks are decided one after the other: the capacity is never
exceeded and the waitlist keeps the order in which the clicks were decided. Who was promoted is told once
about every meeting they got a seat in. Check-in and agenda votes and topics follow the same "still open"
rule."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from core.meetings.audience import AudienceRules
from core.meetings.errors import MeetingRefusal
from storage.meetings import (
    CHECKIN_OPENS_BEFORE,
    AgendaItem,
    Meeting,
    MeetingRepository,
    MemberDeletion,
    RsvpOutcome,
    RsvpStatus,
)

TOPICS_LIMIT = 100  # suggested topics per meeting
CLOSED = "This meeting is over or was cancelled, so it no longer takes answers."


def free_seats(capacity: int | None, going: int) -> int | None:
    """Seats still free: None without a capacity (no limit), else the capacity less those going, never
    below 0 (a capacity lowered under the number going frees nothing and takes no seat away)."""
    return None if capacity is None else max(capacity - going, 0)


def seat_for(choice: RsvpStatus, previous: RsvpStatus | None, capacity: int | None, going: int) -> RsvpStatus:
    """What a member's answer makes them, `going` members holding seats already: Maybe and Can't go are
    as chosen; Going again keeps what they had (their seat, or their place on the waitlist); a new Going
    takes a seat while one is free, else joins the end of the waitlist. Members never choose the waitlist."""
    if choice is RsvpStatus.WAITLIST:
        raise ValueError("members choose going, maybe or no; the waitlist is decided here")
    if choice is not RsvpStatus.GOING:
        return choice
    if previous in (RsvpStatus.GOING, RsvpStatus.WAITLIST):
        return previous
    return RsvpStatus.WAITLIST if free_seats(capacity, going) == 0 else RsvpStatus.GOING


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
    return await record_answer(repo, meeting.guild_id, meeting.id, user_id, choice, now=now)


async def record_answer(
    repo: MeetingRepository,
    guild_id: int,
    meeting_id: int,
    user_id: int,
    choice: RsvpStatus,
    *,
    now: datetime,
    source: str = "button",
) -> RsvpOutcome:
    """One write transaction: the meeting read again (MeetingRefusal once it is over or cancelled, or in
    another guild), the answer's seat decided by `seat_for`, and a seat it freed given by `promote`."""
    async with repo.db.transaction():
        meeting = await repo.get(guild_id, meeting_id)
        if meeting is None or not takes_answers(meeting, now):
            raise MeetingRefusal(CLOSED)
        previous = await repo.rsvp_of(meeting_id, user_id)
        going = await repo.count_going(meeting_id) if choice is RsvpStatus.GOING else 0
        status = seat_for(choice, previous, meeting.capacity, going)
        if status != previous:
            await repo.write_answer(guild_id, meeting_id, user_id, status, now=now, source=source)
        elif previous is not None:
            # The same answer given again elsewhere (Maybe on the card after "Interested" on the event):
            # it now belongs to where it was given last, so taking back the interest keeps it.
            await repo.set_source(meeting_id, user_id, source)
        promoted = await promote(repo, meeting, now=now) if previous is RsvpStatus.GOING else ()
        position = (
            await repo.waitlist_position(meeting_id, user_id) if status is RsvpStatus.WAITLIST else None
        )
    return RsvpOutcome(status, previous, position, promoted)


async def promote(repo: MeetingRepository, meeting: Meeting, *, now: datetime) -> tuple[int, ...]:
    """Give the meeting's free seats (`free_seats`, with `meeting.capacity` as stored now) to the head of
    its waitlist, in line order; the members promoted. In the caller's transaction: after an answer that
    was Going, a capacity edit (a larger one or none), a deleted member's seat."""
    async with repo.db.transaction():
        free = free_seats(meeting.capacity, await repo.count_going(meeting.id))
        if free == 0:
            return ()
        promoted = await repo.waitlist_head(meeting.id, free)
        await repo.mark_going(meeting.id, promoted, now=now)
    return promoted


async def delete_member(
    repo: MeetingRepository, guild_id: int, user_id: int, *, now: datetime
) -> MemberDeletion:
    """`/profile delete`: every meeting row of the member removed and, in the same transaction, each seat
    they held in a meeting that still takes answers given to its waitlist (`promote`)."""
    promoted: dict[int, tuple[int, ...]] = {}
    async with repo.db.transaction():
        deletion = await repo.delete_member(guild_id, user_id)
        for meeting_id in deletion.seats:
            meeting = await repo.get(guild_id, meeting_id)
            if meeting is not None and takes_answers(meeting, now):
                moved = await promote(repo, meeting, now=now)
                if moved:
                    promoted[meeting_id] = moved
    return replace(deletion, promoted=promoted)


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
    """Whether a meeting still takes answers, votes and topics: not cancelled and not over."""
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
