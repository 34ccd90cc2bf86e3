"""Planning an edit of a meeting or of a series (`core.meetings.edits`), and saving it with its jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core.meetings.edits import apply_edit, later_in_series, plan_edit, plan_repeat, schedule
from core.meetings.errors import MeetingRefusal
from core.meetings.reminders import START_KIND
from core.meetings.rsvp import record_answer
from core.meetings.series import MAX_OCCURRENCES, Repeat, series_start_times
from storage.database import Database
from storage.meetings import Meeting, MeetingRepository, MeetingState, NewMeeting, RsvpStatus
from tests.core.meetings_data import NOW, ZONE, meeting

RULE = {"every": "weekly", "count": 4, "until": None}


def series(count: int = 4, **fields: object) -> list[Meeting]:
    starts = series_start_times(NOW + timedelta(days=1), ZONE, "weekly", count=count, until=None, limit=52)
    return [
        meeting(i + 1, start, repeat_rule=RULE, series_id=None if i == 0 else 1, **fields)
        for i, start in enumerate(starts)
    ]


def test_an_edit_of_one_meeting_changes_only_its_fields() -> None:
    m = meeting()
    plan = plan_edit(m, {"location": "Library"}, None, None, [])
    assert plan.edits == [(m, {"location": "Library"})]


def test_a_new_length_or_start_sets_the_end() -> None:
    m = meeting()
    longer = plan_edit(m, {}, None, timedelta(hours=2), [])
    assert longer.edits[0][1] == {"ends_at": m.starts_at + timedelta(hours=2)}
    later = m.starts_at + timedelta(hours=3)
    moved = plan_edit(m, {}, later, None, [])
    assert moved.edits[0][1] == {"starts_at": later, "ends_at": later + m.duration}


def test_an_edit_of_the_series_moves_the_later_meetings_that_still_take_place() -> None:
    meetings = series()
    meetings[2] = meeting(
        3, meetings[2].starts_at, repeat_rule=RULE, series_id=1, state=MeetingState.CANCELLED
    )
    later = later_in_series(meetings[0], meetings, NOW)
    assert [m.id for m in later] == [2, 4]
    new_start = meetings[0].starts_at + timedelta(hours=1)
    plan = plan_edit(meetings[0], {"title": "Renamed"}, new_start, None, later)
    assert [(target.id, fields["starts_at"] - target.starts_at) for target, fields in plan.edits] == [
        (1, timedelta(hours=1)),
        (2, timedelta(hours=1)),
        (4, timedelta(hours=1)),
    ]
    assert all(fields["title"] == "Renamed" for _, fields in plan.edits)


def test_meetings_already_started_are_not_part_of_a_series_edit() -> None:
    meetings = series()
    assert [m.id for m in later_in_series(meetings[0], meetings, meetings[1].starts_at)] == [3, 4]


def test_a_new_repeat_replaces_the_later_meetings_and_follows_the_new_time() -> None:
    meetings = series()
    plan = plan_edit(meetings[1], {}, None, None, [])
    plan_repeat(plan, Repeat("biweekly", 3, None), meetings)
    assert [m.id for m in plan.replaced] == [3, 4]
    assert plan.edits[0][1]["repeat_rule"] == {"every": "biweekly", "count": 3, "until": None}
    # every two weeks at the same wall-clock time (daylight saving ends on the way)
    expected = series_start_times(meetings[1].starts_at, ZONE, "biweekly", count=3, until=None, limit=52)
    assert plan.new_starts == expected[1:]
    assert plan.repeat_changed
    assert not plan.capped


def test_stopping_a_repeat_cancels_the_later_meetings_and_a_lone_first_meeting_leaves_the_series() -> None:
    meetings = series()
    plan = plan_edit(meetings[0], {}, None, None, [])
    plan_repeat(plan, None, meetings)
    assert [m.id for m in plan.replaced] == [2, 3, 4]
    assert plan.edits[0][1] == {"repeat_rule": None}
    with pytest.raises(MeetingRefusal, match="doesn't repeat"):
        plan_repeat(plan_edit(meeting(), {}, None, None, []), None, [meeting()])


def test_a_new_repeat_counts_the_earlier_meetings_against_the_cap() -> None:
    meetings = series(count=3)
    plan = plan_edit(meetings[2], {}, None, None, [])
    with pytest.raises(MeetingRefusal, match=f"`repeat_count` can be at most {MAX_OCCURRENCES - 2}"):
        plan_repeat(plan, Repeat("weekly", MAX_OCCURRENCES, None), meetings)
    plan_repeat(plan, Repeat("weekly", None, NOW + timedelta(days=3650)), meetings)
    assert len(plan.new_starts) == MAX_OCCURRENCES - 3
    assert plan.capped


class FakeJobs:
    """The scheduler as the meetings core sees it: jobs written and cancelled, per owner."""

    def __init__(self) -> None:
        self.pending: dict[str, list[tuple[str, Any]]] = {}

    async def schedule(self, kind: str, due: Any, payload: Any = None, *, guild_id: int, owner: str) -> int:
        self.pending.setdefault(owner, []).append((kind, due))
        return len(self.pending[owner])

    async def cancel(self, *, owner: str | None = None, guild_id: int | None = None) -> int:
        return len(self.pending.pop(owner or "", []))


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[MeetingRepository]:
    db = await Database.open(tmp_path / "edits.db")
    try:
        yield MeetingRepository(db)
    finally:
        await db.close()


async def test_a_series_is_saved_with_the_jobs_of_each_meeting(repo: MeetingRepository) -> None:
    jobs = FakeJobs()
    start = NOW + timedelta(days=2)
    new = NewMeeting(
        1, "Weekly chat", start, start + timedelta(hours=1), ZONE, 2, 3, reminder_offsets=(3600,)
    )
    starts = series_start_times(start, ZONE, "weekly", count=3, until=None, limit=52)
    first = await schedule(repo, jobs, replace(new, repeat_rule=RULE), starts, now=NOW)
    saved = await repo.series(1, first.id)
    assert [m.starts_at for m in saved] == starts
    assert [m.series_id for m in saved] == [None, first.id, first.id]
    assert all(m.duration == timedelta(hours=1) for m in saved)
    # a reminder, the start, check-in opening and closing, for each meeting
    assert sorted(len(kinds) for kinds in jobs.pending.values()) == [4, 4, 4]


async def test_saving_an_edit_moves_jobs_cancels_replaced_meetings_and_promotes(
    repo: MeetingRepository,
) -> None:
    jobs = FakeJobs()
    start = NOW + timedelta(days=2)
    new = NewMeeting(
        1, "Weekly chat", start, start + timedelta(hours=1), ZONE, 2, 3, capacity=1, repeat_rule=RULE
    )
    first = await schedule(
        repo, jobs, new, series_start_times(start, ZONE, "weekly", count=3, until=None, limit=52), now=NOW
    )
    await record_answer(repo, 1, first.id, 10, RsvpStatus.GOING, now=NOW)
    await record_answer(repo, 1, first.id, 11, RsvpStatus.GOING, now=NOW)  # waits for a seat
    members = await repo.series(1, first.id)
    plan = plan_edit(first, {"capacity": 2}, start + timedelta(hours=1), None, [])
    plan_repeat(plan, None, members)  # and stop the series after this one
    result = await apply_edit(repo, jobs, plan, 3, now=NOW)
    head = result.head(first)
    assert head.starts_at == start + timedelta(hours=1)
    assert head.repeat_rule is None
    assert [m.id for m in result.cancelled] == [m.id for m in members[1:]]
    assert all(m.cancelled and m.series_id is None for m in result.cancelled)
    assert result.seats == {11: [head]}
    assert set(jobs.pending) == {first.owner}  # the replaced meetings' jobs are gone, this one's moved
    assert (START_KIND, head.starts_at) in jobs.pending[first.owner]
