"""`/meeting edit` of a series (this and later meetings), of its repeat, and removing a capacity."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from core.meetings.rsvp import record_answer
from emulator.driver import ControlError
from storage.jobs import to_db_time
from storage.meetings import Meeting, MeetingRepository, MeetingState, RsvpStatus
from tests.e2e.community import Community, eventually
from tests.e2e.steps.meetings import (
    allowed_mentions,
    calendar_of,
    card,
    card_says,
    events,
    jobs,
    pinged_users,
    schedule,
    vevents,
)
from tests.e2e.steps.server import posts

WEEK = timedelta(weeks=1)


def markup(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}:F>"


async def stored(community: Community, meeting_id: int) -> Meeting:
    found = await MeetingRepository(community.bot.db).get(int(community.guild_id), meeting_id)
    assert found is not None
    return found


async def answer(community: Community, meeting_id: int, user_id: str, status: RsvpStatus) -> None:
    """An RSVP on a later meeting of a series, whose card is not posted yet."""
    repo = MeetingRepository(community.bot.db)
    await record_answer(
        repo, int(community.guild_id), meeting_id, int(user_id), status, now=community.clock.now()
    )


async def edit(community: Community, **options: Any) -> str:
    reply = await community.organizer.run("meeting edit", **options)
    return (await community.control.settled(reply, ".")).text


async def reminders_due(community: Community, meeting_id: int) -> list[str]:
    return [
        j["due_at"]
        for j in await jobs(community, meeting_id)
        if j["state"] == "pending" and j["kind"] == "meeting.reminder"
    ]


async def test_editing_a_series_changes_this_and_every_later_meeting(community: Community) -> None:
    _, first = await schedule(
        community, title="Weekly chat", when="in 3 days", reminders="1d", repeat="weekly", repeat_count=4
    )
    ids = [first + n for n in range(4)]
    before = [await stored(community, i) for i in ids]
    for meeting_id in ids[1:]:
        await answer(community, meeting_id, community.alice.user_id, RsvpStatus.GOING)
    await answer(community, ids[3], community.bob.user_id, RsvpStatus.MAYBE)
    await community.bot.get_cog("Meetings").publish(ids[1])  # as if the first had started
    await eventually(lambda: events(community), what="the event")
    new_start = before[1].starts_at + timedelta(days=1, hours=1)
    text = await edit(
        community, id=ids[1], series=True, title="Weekly circle", location="Room 5", when=markup(new_start)
    )
    assert "also applies to the 2 later meetings" in text, text
    assert "3 meetings moved" in text
    assert "Told 2 members" in text
    after = [await stored(community, i) for i in ids]
    assert (after[0].title, after[0].starts_at, after[0].version) == ("Weekly chat", before[0].starts_at, 1)
    for n, meeting in enumerate(after[1:]):
        assert (meeting.title, meeting.location) == ("Weekly circle", "Room 5")
        assert meeting.starts_at == new_start.replace(microsecond=0) + n * WEEK
        assert meeting.duration == before[1].duration
        assert await reminders_due(community, meeting.id) == [
            to_db_time(meeting.starts_at - timedelta(days=1))
        ]
    # Members hear once, however many of their meetings moved.
    [moved] = await posts(community, "has moved")
    assert "3 meetings of the series" in moved["content"]
    [sent] = await allowed_mentions(community, "has moved")
    assert sorted(pinged_users(sent)) == sorted([community.alice.user_id, community.bob.user_id])
    # The published card and its Discord event are in step; the first meeting's are not touched.
    await eventually(lambda: card_says(community, ids[1], "Weekly circle"), what="the edited card")
    assert await card_says(community, ids[0], "Weekly chat")
    names = sorted(e["name"] for e in await events(community))
    assert names == ["Weekly chat", "Weekly circle"]
    # The calendar file: the first meeting as it was, then the edited run as its own repeating event.
    ics = await community.alice.run("meeting ics", id=ids[2])
    single, run = sorted(vevents(await calendar_of(community, ics)), key=lambda e: e.decoded("dtstart"))
    assert (str(single["summary"]), "rrule" in single) == ("Weekly chat", False)
    assert str(run["summary"]) == "Weekly circle"
    assert run["rrule"]["COUNT"] == [3]
    assert run.decoded("dtstart") == after[1].starts_at


async def test_a_series_edit_skips_cancelled_and_keeps_the_calendar_right(community: Community) -> None:
    _, first = await schedule(
        community, title="Coaching", when="in 3 days", reminders="1h", repeat="weekly", repeat_count=3
    )
    ids = [first, first + 1, first + 2]
    cancel = await community.organizer.run("meeting cancel", id=ids[1])
    await community.control.settled(cancel, "Cancelled")
    cancelled = await stored(community, ids[1])
    text = await edit(community, id=first, series=True, duration="2h", capacity=5)
    assert "also applies to the 1 later meeting" in text
    assert await stored(community, ids[1]) == cancelled
    last = await stored(community, ids[2])
    assert (last.duration, last.capacity) == (timedelta(hours=2), 5)
    ics = await community.alice.run("meeting ics", id=first)
    [event] = vevents(await calendar_of(community, ics))
    assert event["rrule"]["COUNT"] == [3]
    assert [d.dt for d in event["exdate"].dts] == [cancelled.starts_at]
    refused = await edit(community, id=first, series=True, repeat_count=3)
    assert "go with `repeat`" in refused


async def test_changing_the_repeat_adds_replaces_and_stops_later_meetings(community: Community) -> None:
    _, meeting_id = await schedule(community, title="Team time", when="in 2 days", reminders="1h")
    original = await stored(community, meeting_id)
    text = await edit(community, id=meeting_id, repeat="weekly", repeat_count=3)
    assert "added 2 meetings" in text, text
    head = await stored(community, meeting_id)
    assert head.repeat_rule is not None
    assert head.repeat_rule["every"] == "weekly"
    series = await MeetingRepository(community.bot.db).series(int(community.guild_id), meeting_id)
    start = original.starts_at.replace(microsecond=0)
    assert [m.starts_at.replace(microsecond=0) for m in series] == [start + n * WEEK for n in range(3)]
    for meeting in series:
        assert await reminders_due(community, meeting.id) == [
            to_db_time(meeting.starts_at - timedelta(hours=1))
        ]
    await eventually(
        lambda: card_says(community, meeting_id, "meeting 1 of 3"), what="the series on the card"
    )
    weekly = [m.id for m in series[1:]]
    await answer(community, weekly[0], community.alice.user_id, RsvpStatus.GOING)
    # A new pattern replaces the later meetings: the old ones are cancelled, members told once.
    text = await edit(community, id=meeting_id, repeat="biweekly", repeat_count=2)
    assert "Cancelled the 2 later meetings" in text, text
    assert "added 1 meeting" in text
    for old in weekly:
        gone = await stored(community, old)
        assert gone.state is MeetingState.CANCELLED
        assert gone.series_id is None
        assert {j["state"] for j in await jobs(community, old)} == {"cancelled"}
    [told] = await posts(community, "are cancelled: the series was changed")
    assert f"<@{community.alice.user_id}>" in told["content"]
    series = await MeetingRepository(community.bot.db).series(int(community.guild_id), meeting_id)
    assert [m.starts_at.replace(microsecond=0) - start for m in series] == [timedelta(0), 2 * WEEK]
    await eventually(lambda: card_says(community, meeting_id, "meeting 1 of 2"), what="the new series")
    # `none` stops the series after this meeting.
    text = await edit(community, id=meeting_id, repeat="none")
    assert "Cancelled the 1 later meeting" in text
    assert (await stored(community, meeting_id)).repeat_rule is None
    assert (await stored(community, series[1].id)).cancelled
    await eventually(lambda: _no_series_field(community, meeting_id), what="no series on the card")
    refused = await edit(community, id=meeting_id, repeat="none")
    assert "doesn't repeat" in refused


async def _no_series_field(community: Community, meeting_id: int) -> bool:
    return not await card_says(community, meeting_id, "Repeats")


async def test_the_52_meeting_cap_counts_the_earlier_meetings(community: Community) -> None:
    _, first = await schedule(
        community, title="Daily-ish", when="in 2 days", reminders="1h", repeat="weekly", repeat_count=3
    )
    refused = await edit(community, id=first + 1, repeat="weekly", repeat_count=52)
    assert "can be at most 51" in refused, refused
    far = community.clock.now() + timedelta(days=3 * 365)  # well past 52 weeks, whatever today is
    text = await edit(community, id=first + 1, repeat="weekly", repeat_until=f"{far:%Y-%m-%d} 12:00")
    assert "at most 52 meetings" in text, text
    series = await MeetingRepository(community.bot.db).series(int(community.guild_id), first)
    assert len([m for m in series if not m.cancelled]) == 52


async def test_removing_the_capacity_promotes_the_whole_waitlist_in_order(community: Community) -> None:
    carol = await community.control.add_member(community.guild_id, "carol_coach", dms_open=False)
    _, meeting_id = await schedule(community, capacity=1)
    message = await card(community, meeting_id)
    await community.alice.click(message, "Going")
    await community.bob.click(message, "Going")
    await carol.click(message, "Going")
    with pytest.raises(ControlError, match="min_value"):  # the Discord client refuses 0 seats
        await edit(community, id=meeting_id, capacity=0)
    both = await edit(community, id=meeting_id, capacity=3, remove_capacity=True)
    assert "not both" in both
    text = await edit(community, id=meeting_id, remove_capacity=True)
    assert "2 members moved from the waitlist" in text, text
    repo = MeetingRepository(community.bot.db)
    going = await repo.rsvps(meeting_id, [RsvpStatus.GOING])
    assert [str(r.user_id) for r in going] == [community.alice.user_id, community.bob.user_id, carol.user_id]
    assert (await stored(community, meeting_id)).capacity is None
    bob_dms = await eventually(community.bob.dms, what="bob told by DM")
    assert any("seat opened up" in m["content"] for m in bob_dms)
    [notice] = await eventually(lambda: posts(community, "seat opened up"), what="carol told in the channel")
    [sent] = await allowed_mentions(community, "seat opened up")
    assert pinged_users(sent) == [carol.user_id]
    assert f"<@{carol.user_id}>" in notice["content"]
    await eventually(lambda: card_says(community, meeting_id, "Going (3 people)"), what="the refreshed card")
    again = await edit(community, id=meeting_id, remove_capacity=True)
    assert "no seat limit" in again


async def test_two_organizers_editing_one_series_at_once_never_half_apply(community: Community) -> None:
    _, first = await schedule(
        community, title="Weekly chat", when="in 3 days", reminders="1h", repeat="weekly", repeat_count=3
    )
    second = await community.control.add_member(community.guild_id, "oscar_organizer", admin=True)
    replies = await asyncio.gather(
        community.organizer.run("meeting edit", id=first, series=True, title="Renamed"),
        second.run("meeting edit", id=first + 2, location="Gym"),
    )
    texts = [(await community.control.settled(r, ".")).text for r in replies]
    assert all("Updated" in t or "at the same moment" in t for t in texts), texts
    titles = {(await stored(community, first + n)).title for n in range(3)}
    assert titles in ({"Renamed"}, {"Weekly chat"})  # all or nothing
    assert ("Updated" in texts[0]) == (titles == {"Renamed"})
    assert ("Updated" in texts[1]) == ((await stored(community, first + 2)).location == "Gym")
