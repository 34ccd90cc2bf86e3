"""Meetings end to end: audience, agenda, attendance, attendees, series, settings and personal data."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Any

from emulator.driver import Actor, Reply, message_text
from storage.groups import GroupRepository
from storage.meetings import MeetingRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.meetings import card, card_says, schedule
from tests.e2e.steps.server import download


async def csv_rows(community: Community, reply: Reply) -> list[list[str]]:
    files = [a for f in reply.followups for a in f.get("attachments") or [] if a["filename"].endswith(".csv")]
    assert len(files) == 1, reply.raw
    if "url" not in files[0]:
        message = await community.control.interaction(reply.interaction_id)
        files = [a for f in message.followups for a in f.get("attachments") or []]
    data = (await download(community, files[0])).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data)))


async def test_audience_is_enforced_on_rsvp(community: Community) -> None:
    groups = GroupRepository(community.bot.db)
    teachers = await groups.add(int(community.guild_id), "Teachers", now=community.clock.now())
    await groups.add_members(
        int(community.guild_id), int(community.alice.user_id), [teachers.id], community.clock.now()
    )
    choices = await community.organizer.autocomplete("meeting schedule", "audience", audience="teach")
    assert {"name": "Group: Teachers", "value": f"group:{teachers.id}"} in choices
    _, meeting_id = await schedule(community, title="Teachers' circle", audience=f"group:{teachers.id}")
    assert await card_says(community, meeting_id, "Stakeholder group: Teachers")
    message = await card(community, meeting_id)
    assert "going" in (await community.alice.click(message, "Going")).text
    refused = await community.bob.click(message, "Going")
    assert refused.ephemeral
    assert "only for members of one group" in refused.text
    assert await MeetingRepository(community.bot.db).rsvp_of(meeting_id, int(community.bob.user_id)) is None
    unknown = await community.organizer.run(
        "meeting schedule", title="x", when="in 3 days", audience="Martians"
    )
    assert "don't know the audience" in unknown.text
    listing = await community.alice.run("meeting list", audience=f"group:{teachers.id}")
    assert "Teachers' circle" in listing.text


async def test_agenda_suggest_vote_and_pin(community: Community) -> None:
    _, meeting_id = await schedule(community, title="Mid-year meeting")
    await community.alice.run("meeting agenda-suggest", id=meeting_id, topic="Robotics kits <@&1>")
    await community.bob.run("meeting agenda-suggest", id=meeting_id, topic="Grant writing")
    duplicate = await community.bob.run("meeting agenda-suggest", id=meeting_id, topic="grant WRITING")
    assert "already suggested" in duplicate.text
    agenda = await community.alice.run("meeting agenda", id=meeting_id)
    assert not agenda.ephemeral
    assert agenda.text.index("Robotics kits") < agenda.text.index("Grant writing")
    assert agenda.buttons == ["👍 1", "👍 2"]
    # Both click the button that was "👍 2" (Grant writing) when the list was shown.
    voted = await community.alice.click(agenda, "👍 2")
    assert "1. Grant writing — 1 vote" in voted.text
    await community.bob.click(agenda, "👍 2")
    messages = await community.control.messages(community.general_id)
    shown = message_text(next(m for m in messages if m["id"] == agenda.message_id))
    assert shown.index("1. Grant writing — 2 votes") < shown.index("2. Robotics kits")
    choices = await community.organizer.autocomplete(
        "meeting agenda-pin", "topic", id=meeting_id, topic="grant"
    )
    [grant] = choices
    pinned = await community.organizer.run("meeting agenda-pin", id=meeting_id, topic=grant["value"])
    assert "is now on the agenda" in pinned.text
    await eventually(lambda: card_says(community, meeting_id, "• Grant writing"), what="agenda on the card")
    assert "Only organizers" in (await community.alice.run("meeting agenda-pin", id=meeting_id, topic=1)).text


async def run_with_followup(community: Community, actor: Actor, command: str, **options: Any) -> Reply:
    """Run a command and wait for its first follow-up message (the CSV file)."""
    body = {
        "guild_id": community.guild_id,
        "channel_id": community.general_id,
        "user_id": actor.user_id,
        "command": command,
        "options": options,
        "followups": 1,
    }
    return Reply(await community.control.call("POST", "/interactions", body))


async def test_attendance_window_check_in_and_csv(community: Community) -> None:
    _, soon = await schedule(community, title="Showcase", when="in 10 minutes")
    _, later = await schedule(community, title="Closing", when="in 3 days")
    message = await card(community, soon)
    labels = [c.get("label") for row in message["components"] for c in row["components"]]
    assert "I'm here" in labels
    later_labels = [
        c.get("label") for row in (await card(community, later))["components"] for c in row["components"]
    ]
    assert "I'm here" not in later_labels
    await community.alice.click(message, "Going")
    await community.bob.click(message, "Going")
    here = await community.alice.click(message, "I'm here")
    assert "checked in" in here.text
    walk_in = await community.control.add_member(community.guild_id, "=cmd|calc")
    await walk_in.click(message, "I'm here")
    report = await run_with_followup(community, community.organizer, "meeting attendance", id=soon)
    assert "**2** checked in" in report.text
    assert "Of 2 members going, 1 came (50%)" in report.text
    rows = await csv_rows(community, report)
    assert rows[0] == ["name", "user_id", "answer", "checked_in", "checked_in_at_utc"]
    by_id = {r[1]: r for r in rows[1:]}
    assert by_id[community.alice.user_id][2:4] == ["going", "yes"]
    assert by_id[community.bob.user_id][2:4] == ["going", "no"]
    assert by_id[walk_in.user_id][0] == "'=cmd|calc"  # never a spreadsheet formula
    assert "Only organizers" in (await community.alice.run("meeting attendance", id=soon)).text


async def test_attendees_list_in_order_with_csv_for_organizers(community: Community) -> None:
    _, meeting_id = await schedule(community, capacity=1)
    message = await card(community, meeting_id)
    await community.alice.click(message, "Going")
    await community.bob.click(message, "Going")
    member_view = await community.bob.run("meeting attendees", id=meeting_id)
    assert "Going (1)" in member_view.text
    assert "Waitlist (in order) (1)" in member_view.text
    assert member_view.followups == []
    organizer_view = await run_with_followup(
        community, community.organizer, "meeting attendees", id=meeting_id
    )
    rows = await csv_rows(community, organizer_view)
    assert [r[2:4] for r in rows[1:]] == [["going", ""], ["waitlist", "1"]]


async def test_a_weekly_series_posts_one_card_and_lists_every_meeting(community: Community) -> None:
    reply, first = await schedule(
        community, title="Weekly chat", when="in 2 days", repeat="weekly", repeat_count=3
    )
    assert "3 meetings" in reply.text
    assert await card_says(community, first, "every week · meeting 1 of 3")
    cards = [m for m in await community.control.messages(community.general_id) if m["embeds"]]
    assert len(cards) == 1
    listing = await community.alice.run("meeting list")
    assert listing.text.count("Weekly chat") == 3
    stored = await MeetingRepository(community.bot.db).series(int(community.guild_id), first)
    gaps = {(b.starts_at - a.starts_at).days for a, b in itertools.pairwise(stored)}
    assert gaps == {7}
    bad = await community.organizer.run(
        "meeting schedule",
        title="x",
        when="in 2 days",
        repeat="weekly",
        repeat_count=2,
        repeat_until="in 9 days",
    )
    assert "not both" in bad.text
    second = stored[1].id
    one = await community.organizer.run("meeting cancel", id=second)
    assert "Cancelled **Weekly chat**." in (await community.control.settled(one, "Cancelled")).text
    rest = await community.organizer.run("meeting cancel", id=first, series=True)
    rest = await community.control.settled(rest, "Cancelled")
    assert "and the 1 later meeting of its series" in rest.text
    states = [
        m.state.value
        for m in await MeetingRepository(community.bot.db).series(int(community.guild_id), first)
    ]
    assert states == ["cancelled"] * 3
    _, single = await schedule(community, title="Single")
    refused = await community.organizer.run("meeting cancel", id=single, series=True)
    assert "doesn't repeat" in refused.text


async def test_reminder_preferences_and_default_offsets(community: Community) -> None:
    for mode, said in (("dm", "direct message"), ("off", "off"), ("channel", "in the meeting channel")):
        reply = await community.alice.run("meeting reminders", mode=mode)
        assert reply.ephemeral
        assert said in reply.text
    shown = await community.organizer.run("meeting settings")
    assert "1 week, 1 day and 1 hour" in shown.text
    saved = await community.organizer.run("meeting settings", reminders="2d, 30m")
    assert "2 days and 30 minutes" in saved.text
    reply, _ = await schedule(community, when="in 5 days")
    assert "Reminders: 2 days and 30 minutes before" in reply.text
    assert "Only organizers" in (await community.alice.run("meeting settings", reminders="1h")).text


async def test_personal_data_is_registered(community: Community) -> None:
    _, meeting_id = await schedule(community)
    await community.alice.click(await card(community, meeting_id), "Going")
    exported: dict[str, Any] = await community.bot.personal_data.export(
        int(community.guild_id), int(community.alice.user_id)
    )
    assert exported["meetings"]["rsvps"][0]["status"] == "going"
    removed = await community.bot.personal_data.delete(int(community.guild_id), int(community.alice.user_id))
    assert removed["meetings"] == 1


async def test_agenda_votes_respect_the_audience_and_close_with_the_meeting(community: Community) -> None:
    groups = GroupRepository(community.bot.db)
    teachers = await groups.add(int(community.guild_id), "Teachers", now=community.clock.now())
    await groups.add_members(
        int(community.guild_id), int(community.alice.user_id), [teachers.id], community.clock.now()
    )
    _, meeting_id = await schedule(community, title="Teachers' circle", audience=f"group:{teachers.id}")
    await community.alice.run("meeting agenda-suggest", id=meeting_id, topic="Lab safety")
    agenda = await community.alice.run("meeting agenda", id=meeting_id)
    outsider = await community.bob.click(agenda, "👍 1")
    assert outsider.ephemeral
    assert "only for members of one group" in outsider.text
    assert "Lab safety — 1 vote" in (await community.alice.click(agenda, "👍 1")).text
    await community.organizer.run("meeting cancel", id=meeting_id)
    closed = await community.alice.click(agenda, "👍 1")
    assert "no longer takes votes" in closed.text
    [item] = await MeetingRepository(community.bot.db).agenda(meeting_id)
    assert item.votes == 1
