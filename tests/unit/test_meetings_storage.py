"""Meeting storage: seats and waitlist under concurrency, edits with conflicts, agenda, check-ins, personal data."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage.database import Database
from storage.meetings import (
    EditConflict,
    MeetingClosed,
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


async def test_capacity_waitlist_order_and_promotion(repo: MeetingRepository) -> None:
    mid = await meeting(repo, capacity=2)
    assert (await repo.rsvp(GUILD, mid, 1, GOING, now=NOW)).status is GOING
    assert (await repo.rsvp(GUILD, mid, 2, GOING, now=NOW)).status is GOING
    third = await repo.rsvp(GUILD, mid, 3, GOING, now=NOW)
    fourth = await repo.rsvp(GUILD, mid, 4, GOING, now=NOW)
    assert (third.status, third.waitlist_position) == (WAITLIST, 1)
    assert (fourth.status, fourth.waitlist_position) == (WAITLIST, 2)
    again = await repo.rsvp(GUILD, mid, 3, GOING, now=NOW)  # clicking Going again keeps the place in line
    assert (again.status, again.waitlist_position) == (WAITLIST, 1)
    left = await repo.rsvp(GUILD, mid, 1, NO, now=NOW)
    assert left.promoted == (3,)
    assert await repo.rsvp_of(mid, 3) is GOING
    assert (await repo._position(mid, 4)) == 1
    # Leaving the waitlist frees no seat and promotes nobody.
    assert (await repo.rsvp(GUILD, mid, 4, MAYBE, now=NOW)).promoted == ()
    summary = await repo.summary(mid)
    assert summary.counts == {GOING: 2, NO: 1, MAYBE: 1}
    assert summary.first[GOING] == [2, 3]


async def test_a_hundred_simultaneous_going_clicks_fill_exactly_the_seats(repo: MeetingRepository) -> None:
    mid = await meeting(repo, capacity=30)
    outcomes = await asyncio.gather(*(repo.rsvp(GUILD, mid, user, GOING, now=NOW) for user in range(1, 101)))
    assert sum(o.status is GOING for o in outcomes) == 30
    positions = sorted(o.waitlist_position for o in outcomes if o.status is WAITLIST)  # type: ignore[type-var]
    assert positions == list(range(1, 71))
    stored = await repo.rsvps(mid)
    assert len(stored) == 100
    line = [r.user_id for r in stored if r.status is WAITLIST]
    told = {
        u: o.waitlist_position for u, o in zip(range(1, 101), outcomes, strict=True) if o.status is WAITLIST
    }
    assert [told[u] for u in line] == list(range(1, 71))


async def test_a_larger_capacity_promotes_in_order(repo: MeetingRepository) -> None:
    mid = await meeting(repo, capacity=1)
    for user in (1, 2, 3, 4):
        await repo.rsvp(GUILD, mid, user, GOING, now=NOW)
    current = await repo.get(GUILD, mid)
    assert current is not None
    updated, promoted = await repo.update(current, now=NOW, capacity=3)
    assert promoted == (2, 3)
    assert updated.capacity == 3
    assert updated.version == current.version + 1


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


async def test_closed_meetings_take_no_rsvps_and_other_guilds_are_invisible(repo: MeetingRepository) -> None:
    mid = await meeting(repo)
    current = await repo.get(GUILD, mid)
    assert current is not None
    await repo.update(current, now=NOW, state="cancelled")
    with pytest.raises(MeetingClosed):
        await repo.rsvp(GUILD, mid, 1, GOING, now=NOW)
    with pytest.raises(MeetingClosed):
        await repo.rsvp(GUILD + 1, await meeting(repo), 1, GOING, now=NOW)
    assert await repo.get(GUILD + 1, mid) is None
    with pytest.raises(ValueError, match="waitlist"):
        await repo.rsvp(GUILD, mid, 1, WAITLIST, now=NOW)


async def test_next_meeting_listing_and_search(repo: MeetingRepository) -> None:
    later = await meeting(repo, days=9, title="Closing meeting")
    sooner = await meeting(repo, days=2, title="January meeting")
    await meeting(repo, days=1, guild=GUILD + 1)
    found = await next_meeting(repo.db, GUILD, NOW)
    assert found is not None
    assert found.id == sooner
    assert [m.id for m in await repo.listing(GUILD, now=NOW)] == [sooner, later]
    assert await repo.listing(GUILD, now=NOW, past=True) == []
    assert [m.id for m in await repo.search(GUILD, "closing")] == [later]
    assert [m.id for m in await repo.search(GUILD, "100%_")] == []
    assert await next_meeting(repo.db, GUILD, NOW + timedelta(days=30)) is None


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


async def test_personal_data_export_and_delete_frees_seats(repo: MeetingRepository) -> None:
    mid = await meeting(repo, capacity=1)
    await repo.rsvp(GUILD, mid, 1, GOING, now=NOW)
    await repo.rsvp(GUILD, mid, 2, GOING, now=NOW)
    item = await repo.suggest(GUILD, mid, 1, "Topic", now=NOW)
    await repo.toggle_vote(GUILD, item, 1)
    await repo.check_in(GUILD, mid, 1, now=NOW)
    await repo.set_reminder_mode(GUILD, 1, "off")
    exported = await repo.export_member(GUILD, 1)
    assert set(exported) == {"rsvps", "check_ins", "agenda_suggestions", "agenda_votes", "reminders"}
    deletion = await repo.delete_member(GUILD, 1, now=NOW)
    assert deletion.removed == 5  # rsvp, check-in, vote, suggestion, preference
    assert deletion.answered == (mid,)
    assert deletion.promoted == {mid: (2,)}
    assert await repo.export_member(GUILD, 1) == {}
    assert await repo.rsvp_of(mid, 2) is GOING


async def test_deleting_a_member_promotes_only_in_meetings_still_ahead(repo: MeetingRepository) -> None:
    ahead = await meeting(repo, capacity=1)
    over = await meeting(repo, capacity=1, days=0.1)
    for mid in (ahead, over):
        await repo.rsvp(GUILD, mid, 1, GOING, now=NOW)
        await repo.rsvp(GUILD, mid, 2, GOING, now=NOW)
    later = NOW + timedelta(days=1)
    deletion = await repo.delete_member(GUILD, 1, now=later)
    assert deletion.promoted == {ahead: (2,)}
    assert sorted(deletion.answered) == sorted([ahead, over])
    assert await repo.rsvp_of(over, 2) is WAITLIST


async def test_interest_in_the_discord_event_is_a_maybe_that_can_be_taken_back(
    repo: MeetingRepository,
) -> None:
    mid = await meeting(repo)
    await repo.rsvp(GUILD, mid, 3, NO, now=NOW)
    await repo.rsvp(GUILD, mid, 4, MAYBE, now=NOW)
    assert await repo.add_interested(GUILD, mid, [1, 2, 3], now=NOW) == 2  # 3 answered on the card
    assert await repo.rsvp_of(mid, 1) is MAYBE
    await repo.rsvp(GUILD, mid, 2, MAYBE, now=NOW)  # now also said on the card: it stays
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


async def test_removing_the_capacity_promotes_the_whole_waitlist_in_order(repo: MeetingRepository) -> None:
    mid = await meeting(repo, capacity=1)
    for user_id in (1, 4, 2, 3):
        await repo.rsvp(GUILD, mid, user_id, GOING, now=NOW)
    stored = await repo.get(GUILD, mid)
    assert stored is not None
    updated, promoted = await repo.update(stored, now=NOW, capacity=None)
    assert updated.capacity is None
    assert promoted == (4, 2, 3)
    assert [r.user_id for r in await repo.rsvps(mid, [GOING])] == [1, 4, 2, 3]
    assert await repo.rsvps(mid, [WAITLIST]) == []


async def test_a_series_edit_with_one_stale_meeting_changes_nothing(repo: MeetingRepository) -> None:
    first, later = await meeting(repo, days=3), await meeting(repo, days=10)
    rule = {"every": "weekly", "count": 2, "until": None}
    one, two = await repo.get(GUILD, first), await repo.get(GUILD, later)
    assert one is not None
    assert two is not None
    one, _ = await repo.update(one, now=NOW, repeat_rule=rule)
    two, _ = await repo.update(two, now=NOW, repeat_rule=rule, series_id=first)
    assert (two.series_id, two.repeat_rule) == (first, rule)
    await repo.update(two, now=NOW, location="Gym")  # another organizer, in between
    with pytest.raises(EditConflict):
        async with repo.db.transaction():
            await repo.update(one, now=NOW, title="Renamed")
            await repo.update(two, now=NOW, title="Renamed")
    assert [m.title for m in await repo.series(GUILD, first)] == ["Kickoff", "Kickoff"]
    detached, _ = await repo.update(
        (await repo.get(GUILD, later)) or two, now=NOW, series_id=None, repeat_rule=None, state="cancelled"
    )
    assert (detached.series_id, detached.repeat_rule, detached.cancelled) == (None, None, True)
    assert [m.id for m in await repo.series(GUILD, first)] == [first]
