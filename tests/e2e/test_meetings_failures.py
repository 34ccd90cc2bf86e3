"""Meetings when Discord says no: a deleted card channel, a channel the bot lost access to."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.meetings.rsvp import record_answer
from emulator.driver import ControlError
from storage.meetings import MeetingRepository, NewMeeting, RsvpStatus
from tests.e2e.community import Community, eventually
from tests.e2e.steps.meetings import allowed_mentions, card, schedule

GENERIC = "Something went wrong"


async def _room(community: Community, name: str) -> str:
    room = await community.control.call("POST", f"/guilds/{community.guild_id}/channels", {"name": name})
    return str(room["id"])


async def test_cancelling_a_meeting_whose_channel_was_deleted_still_cancels_and_says_so(
    community: Community,
) -> None:
    room = await _room(community, "kickoff-room")
    _, meeting_id = await schedule(community, title="Kickoff", channel=room)
    await community.alice.click(await card(community, meeting_id, room), "Going")
    await community.control.call("DELETE", f"/channels/{room}")
    reply = await community.organizer.run("meeting cancel", id=meeting_id, reason="Snow day")
    reply = await community.control.settled(reply, "Cancelled")
    assert GENERIC not in reply.text
    assert "deleted" in reply.text
    meeting = await MeetingRepository(community.bot.db).get(int(community.guild_id), meeting_id)
    assert meeting is not None
    assert meeting.cancelled


async def test_pinning_a_topic_when_the_card_channel_is_gone_is_a_friendly_answer(
    community: Community,
) -> None:
    room = await _room(community, "agenda-room")
    _, meeting_id = await schedule(community, title="Showcase", channel=room)
    await community.alice.run("meeting agenda-suggest", id=meeting_id, topic="Robotics kits")
    [item] = await MeetingRepository(community.bot.db).agenda(meeting_id)
    await community.control.call("DELETE", f"/channels/{room}")
    reply = await community.organizer.run("meeting agenda-pin", id=meeting_id, topic=item.id)
    assert GENERIC not in reply.text
    assert "Robotics kits" in reply.text


async def test_editing_a_meeting_whose_card_the_bot_can_no_longer_see_saves_and_explains(
    community: Community,
) -> None:
    room = await _room(community, "hidden-room")
    _, meeting_id = await schedule(community, title="Closing", channel=room)
    await card(community, meeting_id, room)
    guild = await community.control.guild(community.guild_id)
    bot_role = next(r["id"] for r in guild["roles"] if r["name"] == "copbot")
    await community.control.call(
        "PATCH",
        f"/channels/{room}",
        {"permission_overwrites": [{"id": bot_role, "type": 0, "allow": "0", "deny": str(1 << 10)}]},
    )
    reply = await community.organizer.run("meeting edit", id=meeting_id, location="Room 12")
    reply = await community.control.settled(reply, "Updated")
    assert GENERIC not in reply.text
    meeting = await eventually(
        lambda: MeetingRepository(community.bot.db).get(int(community.guild_id), meeting_id),
        what="the meeting",
    )
    assert meeting.location == "Room 12"


@pytest.mark.parametrize("command", ["meeting list", "meeting calendar", "meeting reminders"])
async def test_meeting_commands_are_not_offered_in_direct_messages(
    community: Community, command: str
) -> None:
    options = {"mode": "dm"} if command == "meeting reminders" else {}
    body = {"dm": True, "user_id": community.alice.user_id, "command": command, "options": options}
    with pytest.raises(ControlError, match="not available in DMs"):
        await community.control.call("POST", "/interactions", body)


async def test_a_cancel_notice_to_many_members_lets_each_message_ping_at_most_100_users(
    community: Community,
) -> None:
    """Discord refuses (400) allowed_mentions.users with more than 100 ids."""
    _, meeting_id = await schedule(community, title="Statewide kickoff")
    repo = MeetingRepository(community.bot.db)
    people = [10**17 + n for n in range(180)]
    for user_id in people:
        await record_answer(
            repo, int(community.guild_id), meeting_id, user_id, RsvpStatus.GOING, now=community.clock.now()
        )
    reply = await community.organizer.run("meeting cancel", id=meeting_id)
    reply = await community.control.settled(reply, "Cancelled")
    assert "180 members told" in reply.text
    sent = await allowed_mentions(community, "<@1000")
    notices = [m for m in await community.control.messages(community.general_id) if "<@1000" in m["content"]]
    assert len(sent) == len(notices) > 1
    pinged: list[int] = []
    for mentions, notice in zip(sent, notices, strict=True):
        users = [int(u) for u in mentions["users"]]
        assert len(users) <= 100
        assert all(f"<@{u}>" in notice["content"] for u in users)
        pinged += users
    assert sorted(pinged) == people


async def test_extending_a_meeting_that_has_started_does_not_announce_its_start_again(
    community: Community,
) -> None:
    _, meeting_id = await schedule(community, title="Long session", when="in 2 hours", reminders="1h")
    await community.alice.click(await card(community, meeting_id), "Going")

    async def started() -> list[str] | None:
        found = [m["content"] for m in await community.control.messages(community.general_id)]
        found = [c for c in found if "starting now" in c]
        return found or None

    await community.advance(timedelta(hours=2, minutes=5))  # five minutes into the meeting
    await eventually(started, what="the start notice")
    reply = await community.organizer.run("meeting edit", id=meeting_id, duration="2h")
    await community.control.settled(reply, "Updated")
    starts = await community.bot.db.fetchall(
        "SELECT state FROM jobs WHERE owner = ? AND kind = 'meeting.start'", (f"meeting:{meeting_id}",)
    )
    assert [row["state"] for row in starts] == ["done"]
    assert len(await started() or []) == 1


async def test_topic_autocomplete_shows_nothing_of_another_communitys_meeting(community: Community) -> None:
    repo = MeetingRepository(community.bot.db)
    now = community.clock.now()
    elsewhere = await repo.create(
        NewMeeting(
            guild_id=42,
            title="Another community's board meeting",
            starts_at=now + timedelta(days=2),
            ends_at=now + timedelta(days=2, hours=1),
            timezone="America/Phoenix",
            channel_id=43,
            created_by=44,
        ),
        now=now,
    )
    await repo.suggest(42, elsewhere.id, 44, "Confidential budget cuts", now=now)
    _, ours = await schedule(community, title="Ours")
    await community.alice.run("meeting agenda-suggest", id=ours, topic="Robotics kits")
    mine = await community.organizer.autocomplete("meeting agenda-pin", "topic", id=ours, topic="")
    assert [c["name"] for c in mine] == ["Robotics kits (0 votes)"]
    theirs = await community.organizer.autocomplete("meeting agenda-pin", "topic", id=elsewhere.id, topic="")
    assert theirs == []
