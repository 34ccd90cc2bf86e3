"""Meeting storage: answers in order of arrival and the waitlist's SQL, edits with conflicts, agenda, check-ins,
personal data. Which answer gets a seat is the core's rule (tests/core/test_meetings_rsvp.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.database import Database
from storage.meetings import (
    EditConflict,
    MeetingRepository,
    NewMeeting,
    RsvpStatus,
    next_meeting,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
GUILD = 10
GOING, MAYBE, NO, WAITLIST = RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.NO, RsvpStatus.WAITLIST


@pytest.fixture
def repo(db: Database) -> MeetingRepository:
    return MeetingRepository(db)


async def meeting(
    repo: MeetingRepository,
    *,
    capacity: int | None = None,
    days: float = 3,
    guild: int = GUILD,
    title: str = "Kickoff",
) -> int:
    start = NOW + timedelta(days=days)
    created = await repo.create(
        NewMeeting(
            guild, title, start, start + timedelta(hours=1), "America/Phoenix", 55, 1, capacity=capacity
        ),
        now=NOW,
    )
    return created.id


async def test_answers_keep_their_order_of_arrival_and_a_promotion_keeps_its_place(
    repo: MeetingRepository,
) -> None:
    mid = await meeting(repo, capacity=1)
    for user_id, status in ((1, GOING), (2, WAITLIST), (3, WAITLIST), (4, WAITLIST), (5, NO)):
        await repo.write_answer(GUILD, mid, user_id, status, now=NOW)
    assert await repo.count_going(mid) == 1
    assert await repo.waitlist_position(mid, 3) == 2
    assert await repo.waitlist_head(mid, 2) == (2, 3)
    await repo.write_answer(GUILD, mid, 2, WAITLIST, now=NOW)  # written again: the end of the line
    assert await repo.waitlist_head(mid, None) == (3, 4, 2)
    assert await repo.waitlist_position(mid, 2) == 3
    await repo.mark_going(mid, (3, 4), now=NOW)
    await repo.mark_going(mid, (), now=NOW)
    assert await repo.count_going(mid) == 3
    assert await repo.rsvp_of(mid, 3) is GOING
    assert [r.user_id for r in await repo.rsvps(mid)] == [1, 3, 4, 5, 2]  # promoted where they stood
    summary = await repo.summary(mid, first=2)
    assert summary.counts == {GOING: 3, WAITLIST: 1, NO: 1}
    assert summary.first[GOING] == [1, 3]


async def test_a_capacity_edit_changes_only_the_meeting(repo: MeetingRepository) -> None:
    mid = await meeting(repo, capacity=1)
    await repo.write_answer(GUILD, mid, 1, GOING, now=NOW)
    await repo.write_answer(GUILD, mid, 2, WAITLIST, now=NOW)
    current = await repo.get(GUILD, mid)
    assert current is not None
    updated = await repo.update(current, now=NOW, capacity=3)
    assert updated.capacity == 3
    assert updated.version == current.version + 1
    assert await repo.waitlist_head(mid, None) == (2,)  # seats are given by the core


async def test_a_stale_edit_is_refused(repo: MeetingRepository) -> None:
    mid = await meeting(repo)
    read_by_both = await repo.get(GUILD, mid)
    assert read_by_both is not None
    await repo.update(read_by_both, now=NOW, location="Library")
    with pytest.raises(EditConflict):
        await repo.update(read_by_both, now=NOW, location="Gym")
    stored = await repo.get(GUILD, mid)
    assert stored is not None
    assert stored.location == "Library"
    with pytest.raises(ValueError, match="cannot change"):
        await repo.update(stored, now=NOW, guild_id=5)


async def test_other_guilds_meetings_are_invisible(repo: MeetingRepository) -> None:
    mid = await meeting(repo)
    assert await repo.get(GUILD + 1, mid) is None
    assert (await repo.get(GUILD, mid)) is not None


async def test_next_meeting_listing_and_search(repo: MeetingRepository) -> None:
    later = await meeting(repo, days=9, title="Closing meeting")
    sooner = await meeting(repo, days=2, title="January meeting")
    await meeting(repo, days=1, guild=GUILD + 1)
    found = await next_meeting(repo.db, GUILD, NOW)
    assert found is not None
    assert found.id == sooner
    assert [m.id for m in await repo.listing(GUILD, now=NOW)] == [sooner, later]
    assert await repo.listing(GUILD, now=NOW, past=True) == []
    assert [m.id for m in await repo.search(GUILD, "closing", now=NOW)] == [later]
    assert [m.id for m in await repo.search(GUILD, "100%_", now=NOW)] == []
    assert await next_meeting(repo.db, GUILD, NOW + timedelta(days=30)) is None


async def test_search_and_listing_put_what_is_going_on_with_the_upcoming(repo: MeetingRepository) -> None:
    last_week = await meeting(repo, days=-7, title="Planning session")
    yesterday = await meeting(repo, days=-1, title="Planning session")
    going_on = await meeting(repo, days=-0.5 / 24, title="Planning session")  # started half an hour ago
    tomorrow = await meeting(repo, days=1, title="Planning session")
    assert [m.id for m in await repo.search(GUILD, "plan", now=NOW)] == [
        going_on,
        tomorrow,
        yesterday,
        last_week,
    ]
    assert [m.id for m in await repo.search(GUILD, "plan", now=NOW, limit=3)] == [
        going_on,
        tomorrow,
        yesterday,
    ]
    assert [m.id for m in await repo.search(GUILD, str(last_week), now=NOW)] == [last_week]
    assert [m.id for m in await repo.listing(GUILD, now=NOW)] == [going_on, tomorrow]
    assert [m.id for m in await repo.listing(GUILD, now=NOW, past=True)] == [yesterday, last_week]


async def test_agenda_votes_order_and_toggle(repo: MeetingRepository) -> None:
    mid = await meeting(repo)
    first = await repo.suggest(GUILD, mid, 1, "Robotics kits", now=NOW)
    second = await repo.suggest(GUILD, mid, 2, "Grant writing", now=NOW)
    assert await repo.toggle_vote(GUILD, second, 5) is True
    assert [i.id for i in await repo.agenda(mid)] == [second, first]
    assert await repo.toggle_vote(GUILD, second, 5) is False
    assert [i.id for i in await repo.agenda(mid)] == [first, second]
    await repo.set_accepted(GUILD, first, True)
    item = await repo.agenda_item(GUILD, first)
    assert item is not None
    assert item.accepted
    assert await repo.agenda_item(GUILD + 1, first) is None


async def test_check_ins_reminder_modes_and_defaults(repo: MeetingRepository) -> None:
    mid = await meeting(repo)
    assert await repo.check_in(GUILD, mid, 1, now=NOW) is True
    assert await repo.check_in(GUILD, mid, 1, now=NOW) is False
    assert list(await repo.checkins(mid)) == [1]
    await repo.set_reminder_mode(GUILD, 1, "dm")
    assert await repo.reminder_modes(GUILD, [1, 2]) == {1: "dm", 2: "channel"}
    assert await repo.default_offsets(GUILD) == (604800, 86400, 3600)
    await repo.set_default_offsets(GUILD, [60, 3600, 60])
    assert await repo.default_offsets(GUILD) == (3600, 60)


async def test_personal_data_export_and_delete_name_the_seats_held(repo: MeetingRepository) -> None:
    mid = await meeting(repo, capacity=1)
    other = await meeting(repo, title="Resource fair")
    await repo.write_answer(GUILD, mid, 1, GOING, now=NOW)
    await repo.write_answer(GUILD, mid, 2, WAITLIST, now=NOW)
    await repo.write_answer(GUILD, other, 1, MAYBE, now=NOW)
    item = await repo.suggest(GUILD, mid, 1, "Topic", now=NOW)
    await repo.toggle_vote(GUILD, item, 1)
    await repo.check_in(GUILD, mid, 1, now=NOW)
    await repo.set_reminder_mode(GUILD, 1, "off")
    exported = await repo.export_member(GUILD, 1)
    assert set(exported) == {"rsvps", "check_ins", "agenda_suggestions", "agenda_votes", "reminders"}
    deletion = await repo.delete_member(GUILD, 1)
    assert deletion.removed == 6  # two rsvps, check-in, vote, suggestion, preference
    assert sorted(deletion.answered) == [mid, other]
    assert deletion.seats == (mid,)
    assert deletion.agenda == (mid,)
    assert deletion.promoted == {}  # passing the seat on is the core's
    assert await repo.export_member(GUILD, 1) == {}
    assert await repo.rsvp_of(mid, 2) is WAITLIST


async def test_interest_in_the_discord_event_is_a_maybe_that_can_be_taken_back(
    repo: MeetingRepository,
) -> None:
    mid = await meeting(repo)
    await repo.write_answer(GUILD, mid, 3, NO, now=NOW)
    await repo.write_answer(GUILD, mid, 4, MAYBE, now=NOW)
    assert await repo.add_interested(GUILD, mid, [1, 2, 3], now=NOW) == 2  # 3 answered on the card
    assert await repo.rsvp_of(mid, 1) is MAYBE
    await repo.set_source(mid, 2, "button")  # now also said on the card: it stays
    await repo.set_source(mid, 4, "button")  # already so: nothing changes
    assert await repo.remove_interested(mid, [1, 2, 3, 4]) == 1
    assert [await repo.rsvp_of(mid, u) for u in (1, 2, 3, 4)] == [None, MAYBE, NO, MAYBE]
    await repo.add_interested(GUILD, mid, [5, 6], now=NOW)
    # What Discord says now: 6 and 7 are interested (5 took it back while nobody was listening).
    assert await repo.sync_interested(GUILD, mid, [6, 7, 3], now=NOW) == 2
    assert [await repo.rsvp_of(mid, u) for u in (5, 6, 7, 3)] == [None, MAYBE, MAYBE, NO]
    assert await repo.sync_interested(GUILD, mid, [6, 7, 3], now=NOW) == 0


async def test_next_meeting_is_only_for_everyone_by_default(repo: MeetingRepository) -> None:
    start = NOW + timedelta(days=1)
    private = await repo.create(
        NewMeeting(
            GUILD,
            "Teachers only: grading rubrics",
            start,
            start + timedelta(hours=1),
            "America/Phoenix",
            55,
            1,
            audience_kind="group",
            audience_id=7,
        ),
        now=NOW,
    )
    public = await meeting(repo, days=2, title="Resource fair")
    found = await next_meeting(repo.db, GUILD, NOW)
    assert found is not None
    assert found.id == public
    anyone = await next_meeting(repo.db, GUILD, NOW, everyone_only=False)
    assert anyone is not None
    assert anyone.id == private.id


async def test_a_series_edit_with_one_stale_meeting_changes_nothing(repo: MeetingRepository) -> None:
    first, later = await meeting(repo, days=3), await meeting(repo, days=10)
    rule = {"every": "weekly", "count": 2, "until": None}
    one, two = await repo.get(GUILD, first), await repo.get(GUILD, later)
    assert one is not None
    assert two is not None
    one = await repo.update(one, now=NOW, repeat_rule=rule)
    two = await repo.update(two, now=NOW, repeat_rule=rule, series_id=first)
    assert (two.series_id, two.repeat_rule) == (first, rule)
    await repo.update(two, now=NOW, location="Gym")  # another organizer, in between
    with pytest.raises(EditConflict):
        async with repo.db.transaction():
            await repo.update(one, now=NOW, title="Renamed")
            await repo.update(two, now=NOW, title="Renamed")
    assert [m.title for m in await repo.series(GUILD, first)] == ["Kickoff", "Kickoff"]
    detached = await repo.update(
        (await repo.get(GUILD, later)) or two, now=NOW, series_id=None, repeat_rule=None, state="cancelled"
    )
    assert (detached.series_id, detached.repeat_rule, detached.cancelled) == (None, None, True)
    assert [m.id for m in await repo.series(GUILD, first)] == [first]
