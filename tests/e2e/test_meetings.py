"""Meetings end to end: scheduling, the card, RSVPs with capacity and waitlist, edit, cancel, list, show."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from emulator.driver import ControlError, message_text
from storage.jobs import to_db_time
from storage.meetings import MeetingRepository, NewMeeting
from tests.e2e.community import Community, eventually
from tests.e2e.steps.meetings import allowed_mentions, card, card_says, pinged_users, schedule
from tests.e2e.steps.story import cast, member


async def test_schedule_posts_a_card_with_buttons_and_says_what_it_understood(community: Community) -> None:
    community.clock.set(datetime(2026, 10, 14, 17, 0, tzinfo=UTC))  # a date well before December 3, 2026
    reply, meeting_id = await schedule(
        community,
        title="Kickoff <@&1> @everyone",
        when="2026-12-03 16:00",
        duration="90m",
        location="Phoenix Arts Center",
        description="Welcome! @here",
    )
    assert reply.ephemeral
    assert "Thursday, December 3, 2026 4:00 PM MST" in reply.text
    assert "1 hour 30 minutes" in reply.text
    message = await card(community, meeting_id)
    text = message_text(message)
    assert "Phoenix Arts Center" in text
    assert "<t:" in text
    assert ":R>" in text
    labels = [c.get("label") for row in message["components"] for c in row["components"]]
    assert labels == ["Going", "Maybe", "Can't go", "Add to calendar"]
    assert all(c["custom_id"].startswith("mtg:") for row in message["components"] for c in row["components"])
    # Mention syntax is shown, never pings.
    assert message.get("mention_everyone") in (None, False)
    assert not message.get("mention_roles")


async def test_rsvp_changes_counts_and_survives_a_restart(community: Community) -> None:
    organizer, alice, bob = cast(community)
    meeting_id = await organizer.schedules()
    message = await card(community, meeting_id)
    going = await alice.clicks("Going", on=message)
    assert going.ephemeral
    assert "You're **going**" in going.text
    await eventually(lambda: card_says(community, meeting_id, "Going (1 person)"), what="count 1")
    assert f"<@{community.alice.user_id}>" in message_text(await card(community, meeting_id))
    await community.restart()
    maybe = await alice.clicks("Maybe", on=message)
    assert "You **might** come" in maybe.text
    await bob.clicks("Can't go", on=message)
    await eventually(lambda: card_says(community, meeting_id, "Maybe (1)"), what="maybe after restart")
    # Bob's answer may be drawn by a later edit than Alice's.
    await eventually(lambda: card_says(community, meeting_id, "Can't go: 1"), what="can't go after restart")
    text = message_text(await card(community, meeting_id))
    assert "Going (0 people)" in text
    assert "Can't go: 1" in text


async def test_capacity_waitlist_and_promotion(community: Community) -> None:
    organizer, alice, bob = cast(community)
    meeting_id = await organizer.schedules(capacity=1)
    message = await card(community, meeting_id)
    await alice.clicks("Going", on=message)
    wait = await bob.clicks("Going", on=message)
    assert "waitlist" in wait.text
    assert "number **1**" in wait.text
    await eventually(
        lambda: card_says(community, meeting_id, "Waitlist (1, in order)"), what="waitlist on card"
    )
    await alice.clicks("Can't go", on=message)
    dms = await eventually(bob.dms, what="the promotion DM")
    assert "seat opened up" in dms[-1]["content"]
    await eventually(lambda: card_says(community, meeting_id, "Going (1 of 1 seats taken)"), what="promoted")
    assert f"<@{community.bob.user_id}>" in message_text(await card(community, meeting_id))


async def test_promotion_with_closed_dms_mentions_in_the_channel(community: Community) -> None:
    organizer, alice, _ = cast(community)
    carol = await community.control.add_member(community.guild_id, "carol_coach", dms_open=False)
    meeting_id = await organizer.schedules(capacity=1)
    message = await card(community, meeting_id)
    await alice.clicks("Going", on=message)
    await member(community, carol).clicks("Going", on=message)
    await alice.clicks("Maybe", on=message)

    async def notice() -> dict[str, Any] | None:
        for m in await community.control.messages(community.general_id):
            if "seat opened up" in m["content"]:
                return m
        return None

    found = await eventually(notice, what="the channel notice")
    assert f"<@{carol.user_id}>" in found["content"]
    [sent] = await allowed_mentions(community, "seat opened up")
    assert pinged_users(sent) == [carol.user_id]


async def test_a_hundred_members_click_going_at_once_with_thirty_seats(community: Community) -> None:
    _, meeting_id = await schedule(community, capacity=30)
    message = await card(community, meeting_id)
    members = [await community.control.add_member(community.guild_id, f"member_{i:03d}") for i in range(100)]
    replies = await asyncio.gather(*(m.click(message, "Going") for m in members))
    assert all(r.ephemeral for r in replies), [r.raw.get("error") for r in replies if not r.ephemeral][:3]
    going = [r for r in replies if "You're **going**" in r.text]
    waiting = [r for r in replies if "waitlist" in r.text]
    assert len(going) == 30
    assert len(waiting) == 70
    positions = sorted(int(re.search(r"number \*\*(\d+)\*\*", r.text)[1]) for r in waiting)  # type: ignore[index]
    assert positions == list(range(1, 71))
    repo = MeetingRepository(community.bot.db)
    stored = await repo.rsvps(meeting_id)
    assert len(stored) == 100
    assert sum(r.status.value == "going" for r in stored) == 30
    # The waitlist order in storage is the order the members were told.
    told = {
        m.user_id: int(re.search(r"number \*\*(\d+)\*\*", r.text)[1])  # type: ignore[index]
        for m, r in zip(members, replies, strict=True)
        if "waitlist" in r.text
    }
    in_line = [r.user_id for r in stored if r.status.value == "waitlist"]
    assert [told[str(u)] for u in in_line] == list(range(1, 71))
    await eventually(lambda: card_says(community, meeting_id, "30 of 30 seats taken"), what="full card")
    await eventually(
        lambda: card_says(community, meeting_id, "Waitlist (70, in order)"), what="waitlist count"
    )
    shown = message_text(await card(community, meeting_id))
    assert "+15 more" in shown  # 30 going, 15 listed by name
    assert "+55 more" in shown  # 70 waiting, 15 listed in order
    # The first in line gets the seat that frees up.
    first_going = next(m for m, r in zip(members, replies, strict=True) if "going" in r.text)
    await first_going.click(message, "Can't go")
    head = next(u for u in in_line)
    assert (await repo.rsvp_of(meeting_id, head)).value == "going"  # type: ignore[union-attr]


async def test_bad_inputs_are_refused_clearly(community: Community) -> None:
    organizer = community.organizer

    async def refused(expect: str, **options: Any) -> None:
        options.setdefault("title", "Bad")
        options.setdefault("when", "in 3 days")
        reply = await organizer.run("meeting schedule", **options)
        assert reply.ephemeral, reply.text
        assert expect in reply.text, reply.text

    await refused("in the past", when="2020-01-01 10:00")
    await refused("couldn't read", when="the day after never")
    await refused("at most 24 hours", duration="25h")
    await refused("is zero", duration="0m")
    await refused("end before it starts", ends="2020-01-01 10:00")
    for seats in (0, -3, 100_001):  # the option declares 1–100 000: the Discord client refuses the rest
        with pytest.raises(ControlError, match=r"(min|max)_value"):
            await organizer.run("meeting schedule", title="Bad", when="in 3 days", capacity=seats)
    await refused("Reminders:", reminders="soonish")
    await refused("Say when the series ends", repeat="weekly")
    assert await MeetingRepository(community.bot.db).count(int(community.guild_id)) == 0
    # Titles at the limit pass; over it the Discord client refuses (the option declares max_length).
    _, ok = await schedule(community, title="T" * 100, description="d" * 1000)
    assert await card_says(community, ok, "T" * 100)
    assert await card_says(community, ok, "d" * 1000)
    with pytest.raises(ControlError, match="max_length"):
        await organizer.run("meeting schedule", title="T" * 101, when="in 3 days")
    with pytest.raises(ControlError, match="max_length"):
        await organizer.run("meeting schedule", title="x", when="in 3 days", description="d" * 1001)
    # Members can't schedule.
    assert (
        "Only organizers" in (await community.alice.run("meeting schedule", title="x", when="in 3 days")).text
    )


async def test_a_year_away_asks_to_confirm(community: Community) -> None:
    ask = await community.organizer.run("meeting schedule", title="Far", when="in 400 days")
    assert "more than a year away" in ask.text
    assert ask.buttons == ["Schedule it", "Cancel"]
    no = await community.organizer.click(ask, "Cancel")
    assert "Not scheduled" in no.text
    ask = await community.organizer.run("meeting schedule", title="Far", when="in 400 days")
    yes = await community.organizer.click(ask, "Schedule it")
    yes = await community.control.settled(yes, "Scheduled")
    assert "Scheduled **Far**" in yes.text


async def test_edit_cancel_list_show_and_autocomplete(community: Community) -> None:
    _, first = await schedule(community, title="January meeting", when="in 5 days")
    _, second = await schedule(community, title="Closing meeting", when="in 9 days")
    message = await card(community, first)
    await community.alice.click(message, "Going")
    choices = await community.organizer.autocomplete("meeting edit", "id", id="janu")
    assert [c["value"] for c in choices] == [first]
    assert "January meeting" in choices[0]["name"]
    edited = await community.organizer.run("meeting edit", id=first, when="in 6 days", location="Room 12")
    edited = await community.control.settled(edited, "Updated")
    assert "reminders moved" in edited.text
    assert "Told 1 member" in edited.text
    await eventually(lambda: card_says(community, first, "Room 12"), what="edited card")
    moved = [m for m in await community.control.messages(community.general_id) if "has moved" in m["content"]]
    assert len(moved) == 1
    assert f"<@{community.alice.user_id}>" in moved[0]["content"]
    [sent] = await allowed_mentions(community, "has moved")
    assert pinged_users(sent) == [community.alice.user_id]
    nothing = await community.organizer.run("meeting edit", id=first)
    assert "Nothing to change" in nothing.text
    listing = await community.alice.run("meeting list")
    assert listing.text.index("January meeting") < listing.text.index("Closing meeting")
    show = await community.bob.run("meeting show", id=second)
    assert show.ephemeral
    assert "You haven't answered yet" in show.text
    cancelled = await community.organizer.run("meeting cancel", id=first, reason="Snow day")
    cancelled = await community.control.settled(cancelled, "Cancelled")
    assert "1 member told" in cancelled.text
    message = await card(community, first)
    assert "Cancelled" in message_text(message)
    assert "Snow day" in message_text(message)
    await eventually(lambda: _all_disabled(community, first), what="disabled buttons")
    with pytest.raises(ControlError, match="disabled"):
        await community.alice.click(await card(community, first), "Going")
    past = await community.alice.run("meeting list", when="past")
    assert "No past meetings" in past.text
    missing = await community.alice.run("meeting show", id=99999)
    assert "no meeting #99999" in missing.text
    upcoming = await community.alice.run("meeting list")
    assert "cancelled" in upcoming.text


async def test_a_long_list_reads_the_rest_only_when_a_member_turns_the_page(community: Community) -> None:
    repo = MeetingRepository(community.bot.db)
    now = community.clock.now()
    guild_id = int(community.guild_id)
    for n in range(23):
        starts = now + timedelta(days=n + 1)
        await repo.create(
            NewMeeting(guild_id, f"Session {n + 1:02}", starts, starts + timedelta(hours=1), "UTC", 1, 1),
            now=now,
        )
    first = await community.alice.run("meeting list")
    assert first.embeds[0]["footer"]["text"] == "Page 1 · Next for more"
    assert "Session 10" in first.text
    assert "Session 11" not in first.text
    assert first.buttons == ["Previous", "Next"]
    second = await community.alice.click(first, "Next")
    assert second.embeds[0]["footer"]["text"] == "Page 2 of 3"
    assert "Session 11" in second.text
    assert "Session 20" in second.text
    third = await community.alice.click(second, "Next")
    assert "Session 23" in third.text
    back = await community.alice.click(third, "Previous")
    assert back.embeds[0]["footer"]["text"] == "Page 2 of 3"
    few = await community.alice.run("meeting list", when="past")
    assert few.buttons == []
    assert "No past meetings" in few.text


async def _all_disabled(community: Community, meeting_id: int) -> bool:
    message = await card(community, meeting_id)
    return all(c.get("disabled") for row in message["components"] for c in row["components"])


async def test_two_organizers_editing_at_once_never_lose_a_change_silently(community: Community) -> None:
    _, meeting_id = await schedule(community)
    second = await community.control.add_member(community.guild_id, "oscar_organizer", admin=True)
    replies = await asyncio.gather(
        community.organizer.run("meeting edit", id=meeting_id, location="Library"),
        second.run("meeting edit", id=meeting_id, location="Gym"),
    )
    settled = [await community.control.settled(r, ".") for r in replies]
    texts = [r.text for r in settled]
    repo = MeetingRepository(community.bot.db)
    stored = await repo.get(int(community.guild_id), meeting_id)
    assert stored is not None
    saved = [t for t in texts if "Updated" in t]
    refused = [t for t in texts if "at the same moment" in t]
    assert len(saved) + len(refused) == 2
    assert stored.version == 1 + len(saved)
    assert stored.location in ("Library", "Gym")


async def test_members_reply_with_their_own_answer_only(community: Community) -> None:
    _, meeting_id = await schedule(community)
    message = await card(community, meeting_id)
    again = await community.alice.click(message, "Going")
    twice = await community.alice.click(message, "Going")
    assert "You're **going**" in again.text
    assert "already answered" in twice.text


async def test_rsvps_are_closed_after_the_meeting(community: Community) -> None:
    _, meeting_id = await schedule(community)
    message = await card(community, meeting_id)
    # The meeting is over, but its card still shows the buttons (the redraw after the end never happened).
    now = community.clock.now()
    await community.bot.db.execute(
        "UPDATE meetings SET starts_at = ?, ends_at = ? WHERE id = ?",
        (to_db_time(now - timedelta(hours=2)), to_db_time(now - timedelta(hours=1)), meeting_id),
    )
    late = await community.alice.click(message, "Going")
    assert "no longer takes answers" in late.text
