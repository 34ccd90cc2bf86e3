"""Answering a meeting (`core.meetings.rsvp`): seats up to the capacity, an ordered waitlist (under simultaneous
clicks too), who a freed seat promotes (after an answer, a capacity edit, a deleted member) and how they are
told, who may answer, and the windows for check-in, votes and topics."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from core.meetings.audience import AudienceRules
from core.meetings.edits import apply_edit, plan_edit
from core.meetings.errors import MeetingRefusal
from core.meetings.rsvp import (
    TOPICS_LIMIT,
    CheckIn,
    answer,
    check_in_window,
    check_topic,
    delete_member,
    free_seats,
    record_answer,
    seat_for,
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
        self,
        *,
        capacity: int | None = None,
        audience: tuple[str, int | None] = ("all", None),
        days: float = 3,
    ) -> Meeting:
        start = NOW + timedelta(days=days)
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

    async def going(self, m: Meeting) -> list[int]:
        return [r.user_id for r in await self.repo.rsvps(m.id, [GOING])]

    async def line(self, m: Meeting) -> list[int]:
        return [r.user_id for r in await self.repo.rsvps(m.id, [WAITLIST])]

    async def edit_capacity(self, m: Meeting, capacity: int | None) -> dict[int, list[Meeting]]:
        """`/meeting edit capacity:`, saved as the cog saves it; who got a seat."""
        stored = await self.repo.get(GUILD, m.id)
        assert stored is not None
        plan = plan_edit(stored, {"capacity": capacity}, None, None, [])
        return (await apply_edit(self.repo, NoJobs(), plan, 3, now=NOW)).seats


class NoJobs:
    """A capacity edit moves no job."""

    async def schedule(
        self, kind: str, due: datetime, payload: Any = None, *, guild_id: int, owner: str
    ) -> int:
        raise AssertionError("a capacity edit schedules nothing")

    async def cancel(self, *, owner: str | None = None, guild_id: int | None = None) -> int:
        raise AssertionError("a capacity edit cancels nothing")


@pytest.fixture
def store(db: Database) -> Store:
    return Store(db)


def test_free_seats_are_the_capacity_less_those_going_and_unlimited_without_one() -> None:
    assert free_seats(None, 40) is None
    assert free_seats(10, 7) == 3
    assert free_seats(10, 10) == 0
    assert free_seats(5, 8) == 0  # a capacity lowered under those going frees nothing, takes nothing


def test_the_seat_an_answer_gets() -> None:
    assert seat_for(GOING, None, 2, 1) is GOING
    assert seat_for(GOING, MAYBE, 2, 2) is WAITLIST  # full: the end of the line
    assert seat_for(GOING, NO, None, 500) is GOING  # no capacity, no limit
    assert seat_for(GOING, WAITLIST, 2, 1) is WAITLIST  # Going again keeps the place in line
    assert seat_for(GOING, GOING, 2, 5) is GOING  # ... and the seat
    assert seat_for(MAYBE, GOING, 2, 2) is MAYBE
    assert seat_for(NO, WAITLIST, 2, 2) is NO
    with pytest.raises(ValueError, match="waitlist"):
        seat_for(WAITLIST, None, 2, 0)


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


async def test_a_hundred_simultaneous_going_clicks_fill_exactly_the_seats_and_wait_in_click_order(
    store: Store,
) -> None:
    m = await store.meeting(capacity=10)
    members = range(1, 101)
    outcomes = await asyncio.gather(
        *(answer(store.repo, store.audiences, m, u, GOING, now=NOW) for u in members)
    )
    assert sum(o.status is GOING for o in outcomes) == 10
    told = {u: o.waitlist_position for u, o in zip(members, outcomes, strict=True) if o.status is WAITLIST}
    assert sorted(told.values()) == list(range(1, 91))  # type: ignore[type-var]
    assert len(await store.going(m)) == 10
    line = await store.line(m)
    assert [told[u] for u in line] == list(range(1, 91))  # the line is the order the clicks were decided


async def test_a_larger_capacity_promotes_the_head_of_the_line_in_order(store: Store) -> None:
    m = await store.meeting(capacity=1)
    for user_id in (1, 2, 3, 4):
        await store.answer(m, user_id, GOING)
    seats = await store.edit_capacity(m, 3)
    assert list(seats) == [2, 3]
    assert await store.going(m) == [1, 2, 3]
    assert await store.line(m) == [4]
    assert await store.edit_capacity(m, 2) == {}  # a smaller one promotes nobody and takes no seat away
    assert await store.going(m) == [1, 2, 3]


async def test_removing_the_capacity_promotes_the_whole_waitlist_in_order(store: Store) -> None:
    m = await store.meeting(capacity=1)
    for user_id in (1, 4, 2, 3):
        await store.answer(m, user_id, GOING)
    seats = await store.edit_capacity(m, None)
    assert list(seats) == [4, 2, 3]
    assert await store.going(m) == [1, 4, 2, 3]
    assert await store.line(m) == []


async def test_a_deleted_member_s_seat_goes_to_the_line_only_in_meetings_still_ahead(store: Store) -> None:
    ahead = await store.meeting(capacity=1)
    over = await store.meeting(capacity=1, days=0.1)
    for m in (ahead, over):
        await store.answer(m, 1, GOING)
        await store.answer(m, 2, GOING)
    deletion = await delete_member(store.repo, GUILD, 1, now=NOW + timedelta(days=1))
    assert deletion.promoted == {ahead.id: (2,)}
    assert sorted(deletion.answered) == sorted([ahead.id, over.id])
    assert await store.going(ahead) == [2]
    assert await store.line(over) == [2]


async def test_the_meeting_is_read_again_when_the_answer_is_decided(store: Store) -> None:
    m = await store.meeting()
    await store.repo.update(m, now=NOW, state="cancelled")  # cancelled after the card was read
    with pytest.raises(MeetingRefusal, match="is over or was cancelled"):
        await store.answer(m, 1, GOING)
    other = await store.meeting()
    with pytest.raises(MeetingRefusal, match="is over or was cancelled"):  # another guild's meeting
        await record_answer(store.repo, GUILD + 1, other.id, 1, GOING, now=NOW)
    with pytest.raises(ValueError, match="waitlist"):
        await record_answer(store.repo, GUILD, other.id, 1, WAITLIST, now=NOW)
    assert await store.repo.rsvps(other.id) == []


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
