"""Answering a meeting (`core.meetings.rsvp`): seats up to the capacity, an ordered waitlist, who a freed seat
promotes and how they are told, who may answer, and the windows for check-in, votes and topics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from core.meetings.audience import AudienceRules
from core.meetings.errors import MeetingRefusal
from core.meetings.rsvp import (
    TOPICS_LIMIT,
    CheckIn,
    answer,
    check_in_window,
    check_topic,
    seats_by_member,
    takes_answers,
)
from storage.database import Database
from storage.groups import GroupRepository
from storage.meetings import AgendaItem, Meeting, MeetingRepository, MeetingState, NewMeeting, RsvpStatus
from tests.core.meetings_data import NOW, ZONE, meeting

GOING, MAYBE, NO, WAITLIST = RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.NO, RsvpStatus.WAITLIST
GUILD = 1


class Store:
    def __init__(self, db: Database) -> None:
        self.repo = MeetingRepository(db)
        self.audiences = AudienceRules(db)
        self.groups = GroupRepository(db)

    async def meeting(
        self, *, capacity: int | None = None, audience: tuple[str, int | None] = ("all", None)
    ) -> Meeting:
        start = NOW + timedelta(days=3)
        new = NewMeeting(GUILD, "Kickoff", start, start + timedelta(hours=1), ZONE, 2, 3, capacity=capacity)
        kind, audience_id = audience
        created = await self.repo.create(new, now=NOW)
        if kind != "all":
            created = await self.repo.update(created, now=NOW, audience_kind=kind, audience_id=audience_id)
        return created

    async def answer(
        self, m: Meeting, user_id: int, choice: RsvpStatus
    ) -> tuple[RsvpStatus, int | None, tuple[int, ...]]:
        outcome = await answer(self.repo, self.audiences, m, user_id, choice, now=NOW)
        return outcome.status, outcome.waitlist_position, outcome.promoted


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    db = await Database.open(tmp_path / "rsvp.db")
    try:
        yield Store(db)
    finally:
        await db.close()


async def test_going_beyond_the_capacity_waits_in_line_and_a_freed_seat_promotes_the_head(
    store: Store,
) -> None:
    m = await store.meeting(capacity=2)
    assert await store.answer(m, 1, GOING) == (GOING, None, ())
    assert await store.answer(m, 2, GOING) == (GOING, None, ())
    assert await store.answer(m, 3, GOING) == (WAITLIST, 1, ())
    assert await store.answer(m, 4, GOING) == (WAITLIST, 2, ())
    assert await store.answer(m, 3, GOING) == (WAITLIST, 1, ())  # Going again keeps the place in line
    assert await store.answer(m, 1, NO) == (NO, None, (3,))  # the head of the line gets the seat
    assert await store.answer(m, 4, MAYBE) == (MAYBE, None, ())  # leaving the line promotes nobody
    assert [r.user_id for r in await store.repo.rsvps(m.id, [GOING])] == [2, 3]


async def test_without_a_capacity_everyone_who_wants_to_go_goes(store: Store) -> None:
    m = await store.meeting()
    for user_id in range(1, 30):
        assert (await store.answer(m, user_id, GOING))[0] is GOING


async def test_a_cancelled_or_finished_meeting_takes_no_answers(store: Store) -> None:
    m = await store.meeting()
    with pytest.raises(MeetingRefusal, match="was cancelled"):
        await answer(store.repo, store.audiences, meeting(state=MeetingState.CANCELLED), 1, GOING, now=NOW)
    with pytest.raises(MeetingRefusal, match="is over or was cancelled"):
        await answer(store.repo, store.audiences, m, 1, GOING, now=m.ends_at)


async def test_only_the_audience_of_a_group_meeting_answers(store: Store) -> None:
    teachers = await store.groups.add(GUILD, "Teachers", now=NOW)
    m = await store.meeting(audience=("group", teachers.id))
    with pytest.raises(
        MeetingRefusal, match=r"only for members of one group \(Stakeholder group: Teachers\)"
    ):
        await store.answer(m, 7, GOING)
    await store.groups.add_members(GUILD, 7, [teachers.id], NOW)
    assert (await store.answer(m, 7, GOING))[0] is GOING


def test_each_promoted_member_is_told_once_about_all_their_new_seats() -> None:
    one, two = meeting(1), meeting(2)
    seats = seats_by_member([(one, (5, 6)), (two, (6,)), (two, ())])
    assert seats == {5: [one], 6: [one, two]}


def test_check_in_opens_15_minutes_before_and_closes_at_the_end() -> None:
    m = meeting(starts_at=NOW)
    assert check_in_window(m, NOW - timedelta(minutes=16)) is CheckIn.TOO_EARLY
    assert check_in_window(m, NOW - timedelta(minutes=15)) is CheckIn.OPEN
    assert check_in_window(m, m.ends_at - timedelta(seconds=1)) is CheckIn.OPEN
    assert check_in_window(m, m.ends_at) is CheckIn.OVER
    assert check_in_window(meeting(starts_at=NOW, state=MeetingState.CANCELLED), NOW) is CheckIn.CANCELLED


def test_votes_and_topics_only_while_the_meeting_is_ahead_or_running() -> None:
    m = meeting(starts_at=NOW)
    assert takes_answers(m, NOW)
    assert not takes_answers(m, m.ends_at)
    assert not takes_answers(meeting(state=MeetingState.CANCELLED), NOW)


def test_a_topic_must_be_new_and_the_agenda_not_full() -> None:
    existing = [AgendaItem(1, 1, 5, "Robotics budget", False, 2)]
    check_topic(existing, "Field trips")
    with pytest.raises(MeetingRefusal, match="write the topic"):
        check_topic(existing, "")
    with pytest.raises(MeetingRefusal, match="already suggested"):
        check_topic(existing, "robotics BUDGET")
    full = [AgendaItem(i, 1, 5, f"Topic {i}", False, 0) for i in range(TOPICS_LIMIT)]
    with pytest.raises(MeetingRefusal, match=f"already has {TOPICS_LIMIT} suggested topics"):
        check_topic(full, "One more")
