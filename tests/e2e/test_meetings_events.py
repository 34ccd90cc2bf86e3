"""Meetings and Discord's side of them, end to end: "Interested" on the Discord event, the check-in window
closing, a missing Manage Events permission, and seats freed by a member's data being deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from emulator import permissions as P
from emulator.driver import message_text
from storage.jobs import JobState
from storage.meetings import MeetingRepository, RsvpStatus
from tests.e2e.community import Community, eventually
from tests.e2e.steps.meetings import (
    allowed_mentions,
    card,
    card_says,
    events,
    pinged_users,
    schedule,
    starts_of,
)
from tests.e2e.steps.server import posts


async def event_of(community: Community, meeting_id: int) -> int:
    async def linked() -> int | None:
        meeting = await MeetingRepository(community.bot.db).get(int(community.guild_id), meeting_id)
        return meeting.event_id if meeting else None

    return await eventually(linked, what=f"the Discord event of meeting {meeting_id}")


async def answer_of(community: Community, meeting_id: int, actor: Any) -> RsvpStatus | None:
    return await MeetingRepository(community.bot.db).rsvp_of(meeting_id, int(actor.user_id))


async def test_interested_on_the_discord_event_counts_as_maybe_until_taken_back(community: Community) -> None:
    carol = await community.control.add_member(community.guild_id, "carol_coach")
    dave = await community.control.add_member(community.guild_id, "dave_parent")
    # The reminder (in an hour) also reads who is interested: the gateway events act before it.
    _, meeting_id = await schedule(community, title="Event RSVPs", when="in 2 hours", reminders="1h")
    event_id = await event_of(community, meeting_id)
    message = await card(community, meeting_id)
    await carol.click(message, "Can't go")  # an answer on the card stands over "Interested"
    await dave.click(message, "Maybe")  # the same answer on the card: taking back interest keeps it
    for actor in (community.alice, community.bob, carol, dave):
        assert (await actor.interested(event_id))["changed"] is True
    await eventually(lambda: card_says(community, meeting_id, "Maybe (3)"), what="Maybe (3) on the card")
    text = message_text(await card(community, meeting_id))
    assert f"<@{community.alice.user_id}>" in text
    assert f"<@{community.bob.user_id}>" in text
    assert await answer_of(community, meeting_id, carol) is RsvpStatus.NO

    for actor in (community.bob, carol, dave):
        await actor.interested(event_id, False)
    await eventually(lambda: card_says(community, meeting_id, "Maybe (2)"), what="bob's Maybe taken back")
    assert await posts(community, "Reminder:") == []
    assert f"<@{community.bob.user_id}>" not in message_text(await card(community, meeting_id))
    assert await answer_of(community, meeting_id, community.bob) is None
    assert await answer_of(community, meeting_id, carol) is RsvpStatus.NO
    assert await answer_of(community, meeting_id, dave) is RsvpStatus.MAYBE

    await community.advance(timedelta(hours=1))
    await eventually(lambda: posts(community, "Reminder:"), what="the reminder")
    [sent] = await allowed_mentions(community, "Reminder:")
    assert sorted(pinged_users(sent)) == sorted([community.alice.user_id, dave.user_id])


async def test_interest_changed_while_the_bot_was_offline_is_read_before_the_reminder(
    community: Community,
) -> None:
    _, meeting_id = await schedule(community, title="Offline interest", when="in 2 hours", reminders="1h")
    event_id = await event_of(community, meeting_id)
    await community.bob.interested(event_id)
    await eventually(lambda: card_says(community, meeting_id, "Maybe (1)"), what="bob's Maybe")
    await community.runner.stop()
    await community.alice.interested(event_id)
    await community.bob.interested(event_id, False)
    await community.restart()
    assert await posts(community, "Reminder:") == []
    # The bot missed both gateway events: the reminder asks Discord who is interested now.
    await community.advance(timedelta(hours=1))
    await eventually(lambda: posts(community, "Reminder:"), what="the reminder")
    [sent] = await allowed_mentions(community, "Reminder:")
    assert pinged_users(sent) == [community.alice.user_id]
    assert await answer_of(community, meeting_id, community.bob) is None
    await eventually(
        lambda: card_says(community, meeting_id, f"Maybe (1): <@{community.alice.user_id}>"),
        what="alice as Maybe on the card",
    )


async def _labels(community: Community, meeting_id: int) -> list[tuple[str, bool]]:
    message = await card(community, meeting_id)
    return [
        (c.get("label"), bool(c.get("disabled"))) for row in message["components"] for c in row["components"]
    ]


async def test_the_check_in_window_closes_when_the_meeting_ends(community: Community) -> None:
    _, meeting_id = await schedule(
        community, title="Short sync", when="in 10 minutes", duration="30m", reminders="1h"
    )
    assert ("I'm here", False) in await _labels(community, meeting_id)  # opens 15 minutes before
    ends = await starts_of(community, meeting_id) + timedelta(minutes=30)
    here = await community.alice.click(await card(community, meeting_id), "I'm here")
    assert "checked in" in here.text

    async def closed() -> bool:
        return all(label != "I'm here" for label, _ in await _labels(community, meeting_id))

    await community.travel(ends - timedelta(seconds=1))
    assert ("I'm here", False) in await _labels(community, meeting_id)  # open until the very end
    await community.advance(timedelta(seconds=1))
    await eventually(closed, what="I'm here to disappear after the end")
    labels = await _labels(community, meeting_id)
    assert [label for label, disabled in labels if disabled] == ["Going", "Maybe", "Can't go"]
    report = await community.organizer.run("meeting attendance", id=meeting_id)
    assert "**1** checked in" in report.text


async def test_without_manage_events_the_meeting_is_scheduled_and_the_organizer_told(
    community: Community,
) -> None:
    guild = await community.control.guild(community.guild_id)
    bot_role = guild["bot_role_id"]
    everyone = community.guild_id
    roles = {r["id"]: int(r["permissions"]) for r in guild["roles"]}
    no_events = ~(P.MANAGE_EVENTS | P.CREATE_EVENTS)
    for role_id in (bot_role, everyone):
        await community.control.call(
            "PATCH",
            f"/guilds/{community.guild_id}/roles/{role_id}",
            {"permissions": roles[role_id] & no_events},
        )
    reply, meeting_id = await schedule(community, title="No events", when="in 3 days")
    assert "give my role **Manage Events**" in reply.text
    assert "edit the meeting to try again" in reply.text
    assert await card_says(community, meeting_id, "No events")
    assert await events(community) == []
    pending = await community.bot.db.fetchall(
        "SELECT kind FROM jobs WHERE owner = ? AND state = ?", (f"meeting:{meeting_id}", JobState.PENDING)
    )
    assert {r["kind"] for r in pending} >= {"meeting.reminder", "meeting.start"}
    # Doing what the message says works.
    await community.control.call(
        "PATCH", f"/guilds/{community.guild_id}/roles/{bot_role}", {"permissions": roles[bot_role]}
    )
    edit = await community.organizer.run("meeting edit", id=meeting_id, location="Library")
    edit = await community.control.settled(edit, "Updated")
    assert "Manage Events" not in edit.text
    [event] = await events(community)
    assert event["name"] == "No events"


async def test_deleting_a_members_data_gives_their_seat_to_the_waitlist_and_tells_them(
    community: Community,
) -> None:
    _, meeting_id = await schedule(community, title="Full house", capacity=1)
    message = await card(community, meeting_id)
    await community.alice.click(message, "Going")
    waiting = await community.bob.click(message, "Going")
    assert "waitlist" in waiting.text
    await eventually(lambda: card_says(community, meeting_id, "Waitlist (1, in order)"), what="bob waiting")
    removed = await community.bot.personal_data.delete(int(community.guild_id), int(community.alice.user_id))
    assert removed["meetings"] == 1
    dms = await eventually(community.bob.dms, what="bob's seat DM")
    assert "seat opened up" in dms[-1]["content"]
    assert "Full house" in dms[-1]["content"]
    await eventually(
        lambda: card_says(community, meeting_id, f"Going (1 of 1 seats taken): <@{community.bob.user_id}>"),
        what="bob going on the card",
    )
    text = message_text(await card(community, meeting_id))
    assert f"<@{community.alice.user_id}>" not in text
    assert "Waitlist" not in text
