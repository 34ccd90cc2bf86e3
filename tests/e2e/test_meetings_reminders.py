"""Meeting reminders through the durable scheduler: offsets, the right people, restarts, edits, cancels."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from emulator.driver import message_text
from storage.groups import GroupRepository
from storage.jobs import JobState
from storage.meetings import MeetingRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.meetings import allowed_mentions, card, jobs, pinged_users, schedule, starts_of
from tests.e2e.steps.server import posts


async def test_reminders_and_start_notice_reach_exactly_going_and_maybe(community: Community) -> None:
    dana = await community.control.add_member(community.guild_id, "dana_dm")
    omar = await community.control.add_member(community.guild_id, "omar_off")
    nick = await community.control.add_member(community.guild_id, "nick_no")
    closed = await community.control.add_member(community.guild_id, "cleo_closed_dms", dms_open=False)
    await dana.run("meeting reminders", mode="dm")
    await closed.run("meeting reminders", mode="dm")
    await omar.run("meeting reminders", mode="off")
    reply, meeting_id = await schedule(
        community, title="Online check-in", when="in 2 days", reminders="1d, 1w"
    )
    assert "Dropped reminders that would fall in the past: 1 week" in reply.text
    starts = await starts_of(community, meeting_id)
    message = await card(community, meeting_id)
    await community.alice.click(message, "Going")
    await community.bob.click(message, "Maybe")
    await dana.click(message, "Going")
    await omar.click(message, "Going")
    await nick.click(message, "Can't go")
    await closed.click(message, "Maybe")
    await community.travel(starts - timedelta(days=1, seconds=1))
    assert await posts(community, "Reminder:") == []  # not a second early
    await community.advance(timedelta(seconds=1))
    [reminder] = await eventually(lambda: posts(community, "Reminder:"), what="the reminder")
    assert "Online check-in" in reminder["content"]
    assert message["id"] in reminder["content"]  # the card's link
    [sent] = await allowed_mentions(community, "Reminder:")
    # Channel reminders for those who chose the channel, and for a DM-chooser whose DMs are closed.
    assert sorted(pinged_users(sent)) == sorted(
        [community.alice.user_id, community.bob.user_id, closed.user_id]
    )
    dms = await eventually(dana.dms, what="dana's DM reminder")
    assert "Reminder:" in dms[-1]["content"]
    assert await omar.dms() == []
    await community.travel(starts - timedelta(seconds=1))
    assert await posts(community, "starting now") == []
    await community.advance(timedelta(seconds=1))
    [start] = await eventually(lambda: posts(community, "starting now"), what="the start notice")
    assert f"<@{community.alice.user_id}>" in start["content"]
    assert f"<@{nick.user_id}>" not in start["content"]
    # The check-in window is open: the card shows I'm here.
    here = await eventually(lambda: _button(community, meeting_id, "I'm here"), what="I'm here")
    checked = await community.alice.click(here, "I'm here")
    assert "checked in" in checked.text
    states = {
        j["kind"]: j["state"] for j in await jobs(community, meeting_id) if j["kind"] != "meeting.checkin"
    }
    assert states == {"meeting.reminder": "done", "meeting.start": "done"}
    assert len(await posts(community, "Reminder:")) == 1


async def _button(community: Community, meeting_id: int, label: str) -> dict[str, Any] | None:
    message = await card(community, meeting_id)
    labels = [c.get("label") for row in message["components"] for c in row["components"]]
    return message if label in labels else None


async def test_a_restart_between_scheduling_and_the_reminder(community: Community) -> None:
    _, meeting_id = await schedule(community, title="After restart", when="in 2 hours", reminders="1h")
    await community.alice.click(await card(community, meeting_id), "Going")
    await community.restart()
    await community.advance(timedelta(hours=1))
    [reminder] = await eventually(lambda: posts(community, "Reminder:"), what="the reminder after restart")
    assert f"<@{community.alice.user_id}>" in reminder["content"]
    going = await community.bob.click(await card(community, meeting_id), "Going")
    assert "going" in going.text  # buttons still work after the restart


async def test_cancel_stops_and_edit_moves_reminders(community: Community) -> None:
    _, cancelled = await schedule(community, title="Cancelled one", when="in 2 hours", reminders="1h")
    _, moved = await schedule(community, title="Moved one", when="in 2 hours", reminders="1h")
    await community.alice.click(await card(community, cancelled), "Going")
    await community.alice.click(await card(community, moved), "Going")
    reply = await community.organizer.run("meeting cancel", id=cancelled)
    await community.control.settled(reply, "Cancelled")
    told = await posts(community, "is cancelled")
    assert len(told) == 1
    assert f"<@{community.alice.user_id}>" in told[0]["content"]
    edit = await community.organizer.run("meeting edit", id=moved, when="in 2 days")
    await community.control.settled(edit, "Updated")
    pending = [j for j in await jobs(community, moved) if j["state"] == "pending"]
    assert {j["kind"] for j in pending} == {"meeting.reminder", "meeting.start", "meeting.checkin"}
    a_day_on = (community.clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert all(j["due_at"] > a_day_on for j in pending)
    assert {j["state"] for j in await jobs(community, cancelled)} == {"cancelled"}
    # A sentinel meeting with the same reminder: once it is out, the others' (were they still due) would be too.
    await schedule(community, title="Sentinel", when="in 2 hours", reminders="1h")
    await community.advance(timedelta(hours=2, minutes=1))  # past the old reminders and starts
    await eventually(lambda: posts(community, "Reminder: **Sentinel**"), what="the sentinel")
    assert await posts(community, "Reminder: **Cancelled one**") == []
    assert await posts(community, "Reminder: **Moved one**") == []
    assert [m["content"] for m in await posts(community, "starting now")] == [
        m["content"] for m in await posts(community, "**Sentinel** is starting now")
    ]


async def test_a_stale_reminder_is_refused(community: Community) -> None:
    _, meeting_id = await schedule(community, title="Started", when="in 3 days")
    repo = MeetingRepository(community.bot.db)
    meeting = await repo.get(int(community.guild_id), meeting_id)
    assert meeting is not None
    # The meeting started already (as if the bot had been offline until now).
    await community.bot.db.execute(
        "UPDATE meetings SET starts_at = ? WHERE id = ?",
        ((community.clock.now() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), meeting_id),
    )
    due = community.clock.now() + timedelta(minutes=1)
    job_id = await community.bot.scheduler.schedule(
        "meeting.reminder",
        due,
        {"meeting_id": meeting_id, "offset": 3600},
        guild_id=int(community.guild_id),
        owner=meeting.owner,
    )

    async def skipped() -> Any:
        job = await community.bot.scheduler.jobs.get(job_id)
        return job if job is not None and job.state == JobState.SKIPPED else None

    await community.travel(due)
    job = await eventually(skipped, what="the stale reminder skipped")
    assert "already started" in (job.last_error or "")
    assert await posts(community, "Reminder:") == []


async def test_a_deleted_meeting_channel_falls_back_and_tells_organizers(community: Community) -> None:
    await community.control.settled(await community.organizer.run("cop setup"), "Setup is complete")
    room = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/channels", {"name": "kickoff-room"}
    )
    _, meeting_id = await schedule(
        community, title="Kickoff", when="in 2 hours", reminders="1h", channel=room["id"]
    )
    await community.alice.click(await card(community, meeting_id, room["id"]), "Going")
    await community.control.call("DELETE", f"/channels/{room['id']}")
    meetings = await community.control.channel_id(community.guild_id, "meetings")
    announcements = await community.control.channel_id(community.guild_id, "announcements")
    await community.advance(timedelta(hours=1))
    [reminder] = await eventually(
        lambda: posts(community, "Reminder:", meetings), what="the reminder in #meetings"
    )
    assert f"<@{community.alice.user_id}>" in reminder["content"]
    [notice] = await eventually(
        lambda: posts(community, "was deleted", announcements), what="organizers told"
    )
    assert "Organizers" in notice["content"]
    await community.advance(timedelta(hours=1))
    await eventually(lambda: posts(community, "starting now", meetings), what="start notice in #meetings")
    assert len(await posts(community, "was deleted", announcements)) == 1
    assert "Kickoff" in message_text(reminder)


async def test_the_audience_role_is_pinged_only_when_the_organizer_chose_it(community: Community) -> None:
    groups = GroupRepository(community.bot.db)
    teachers = await groups.add(int(community.guild_id), "Teachers", now=community.clock.now())
    role = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/roles", {"name": "Teachers", "permissions": "0"}
    )
    await groups.set_role(teachers.id, int(role["id"]))
    await groups.add_members(
        int(community.guild_id), int(community.alice.user_id), [teachers.id], community.clock.now()
    )
    _, quiet = await schedule(
        community, title="Quiet", when="in 2 hours", reminders="1h", audience=f"group:{teachers.id}"
    )
    await schedule(
        community,
        title="Loud",
        when="in 2 hours",
        reminders="1h",
        audience=f"group:{teachers.id}",
        ping_audience=True,
    )
    await community.alice.click(await card(community, quiet), "Going")
    await community.advance(timedelta(hours=1))
    await eventually(lambda: posts(community, "Reminder: **Loud**"), what="the loud reminder")
    await eventually(lambda: posts(community, "Reminder: **Quiet**"), what="the quiet reminder")
    [loud_sent] = await allowed_mentions(community, "Reminder: **Loud**")
    assert [str(r) for r in loud_sent["roles"]] == [role["id"]]
    assert loud_sent.get("parse", []) == []
    [quiet_sent] = await allowed_mentions(community, "Reminder: **Quiet**")
    assert pinged_users(quiet_sent) == [community.alice.user_id]
    [loud_post] = await posts(community, "Reminder: **Loud**")
    assert loud_post["content"].startswith(f"<@&{role['id']}>")


async def test_the_next_card_of_a_series_goes_up_when_one_starts(community: Community) -> None:
    _, first = await schedule(
        community, title="Weekly chat", when="in 2 hours", reminders="1h", repeat="weekly", repeat_count=2
    )
    cards = [m for m in await community.control.messages(community.general_id) if m["embeds"]]
    assert len(cards) == 1
    await community.travel(await starts_of(community, first) - timedelta(seconds=1))
    assert len([m for m in await community.control.messages(community.general_id) if m["embeds"]]) == 1
    await community.advance(timedelta(seconds=1))
    await eventually(lambda: posts(community, "starting now"), what="the first start")

    async def second_card() -> list[dict[str, Any]]:
        found = [m for m in await community.control.messages(community.general_id) if m["embeds"]]
        return found if len(found) == 2 else []

    _, second = await eventually(second_card, what="the second card")
    assert "meeting 2 of 2" in message_text(second)
    assert f"Meeting #{first + 1} " in message_text(second)
