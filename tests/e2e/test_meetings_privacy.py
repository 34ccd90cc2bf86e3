"""A meeting in a private stakeholder lounge: only those who can read the lounge (and organizers) see it, in
every command, autocomplete, calendar file and report; the agenda is never answered in public; the
directory's interest autocomplete keeps protected profiles to those who may see them (issue 14, item 2)."""

from __future__ import annotations

from typing import Any

from emulator.driver import Actor, Reply, message_text
from tests.e2e.community import Community, eventually
from tests.e2e.steps.groups import join, setup_groups
from tests.e2e.steps.introductions import introduce, ready
from tests.e2e.steps.meetings import card, events, schedule, starts_of
from tests.e2e.steps.server import can_view, download, posts

LOUNGE_TITLE = "College visit planning"
LOUNGE_PLACE = "Room 12, Desert Ridge High"
TOPIC = "Sam's scholarship worries"
UNKNOWN = 987654


async def student(community: Community) -> Actor:
    sam = await community.control.add_member(community.guild_id, "sam_student")
    sam.channel_id = community.general_id
    await join(sam, "Students")
    students = await community.control.channel_id(community.guild_id, "students")
    await eventually(lambda: _can_view(community, sam, students), what="Sam in the students' lounge")
    return sam


async def _can_view(community: Community, actor: Actor, channel_id: str) -> bool:
    return can_view(community, actor, channel_id)


async def lounge(community: Community) -> tuple[Actor, str, int, int]:
    """Groups set up, Sam a student, a Students meeting in #students with Sam's topic, and an open meeting."""
    await setup_groups(community)
    sam = await student(community)
    students = await community.control.channel_id(community.guild_id, "students")
    assert not can_view(community, community.alice, students)
    _, private = await schedule(
        community,
        title=LOUNGE_TITLE,
        location=LOUNGE_PLACE,
        audience="Students",
        channel=students,
    )
    await card(community, private, students)
    _, public = await schedule(community, title="Open house", when="in 4 days")
    suggested = await sam.run("meeting agenda-suggest", id=private, topic=TOPIC, in_channel=students)
    assert "Thanks!" in suggested.text, suggested.text
    return sam, students, private, public


def unknown_answer(reply: Reply, meeting_id: int) -> str:
    return reply.text.replace(str(UNKNOWN), str(meeting_id))


async def ics_text(community: Community, reply: Reply) -> str:
    message = reply.raw.get("message") or {}
    [attachment] = message.get("attachments") or reply.data["attachments"]
    return (await download(community, attachment)).decode()


def choice_ids(choices: list[dict[str, Any]]) -> list[int]:
    return [int(c["value"]) for c in choices]


async def test_a_lounge_meeting_is_seen_only_by_its_audience_and_organizers(community: Community) -> None:
    sam, _students, private, public = await lounge(community)

    for outsider in (community.alice, community.bob):
        for command, options in [
            ("meeting show", {}),
            ("meeting ics", {}),
            ("meeting attendees", {}),
            ("meeting agenda", {}),
            ("meeting agenda-suggest", {"topic": "Can I come too?"}),
        ]:
            hidden = await outsider.run(command, id=private, **options)
            unknown = await outsider.run(command, id=UNKNOWN, **options)
            assert hidden.ephemeral, (command, hidden.text)
            assert hidden.text == unknown_answer(unknown, private), (command, hidden.text)
            assert LOUNGE_TITLE not in hidden.text
            assert TOPIC not in hidden.text

        listing = await outsider.run("meeting list")
        assert "Open house" in listing.text
        assert LOUNGE_TITLE not in listing.text
        by_audience = await outsider.run("meeting list", audience="Students")
        assert LOUNGE_TITLE not in by_audience.text

        calendar = await ics_text(community, await outsider.run("meeting calendar"))
        assert "Open house" in calendar
        assert LOUNGE_TITLE not in calendar
        assert "Desert Ridge" not in calendar

        for typed in ("", "college", str(private)):
            offered = await outsider.autocomplete("meeting show", "id", id=typed)
            assert private not in choice_ids(offered), (typed, offered)
        assert public in choice_ids(await outsider.autocomplete("meeting ics", "id", id=""))
        topics = await outsider.autocomplete("meeting agenda-pin", "topic", id=private, topic="")
        assert topics == []

    for insider in (sam, community.organizer):
        shown = await insider.run("meeting show", id=private)
        assert LOUNGE_TITLE in shown.text, insider.username
        assert LOUNGE_PLACE in shown.text
        assert LOUNGE_TITLE in (await insider.run("meeting list")).text
        calendar = await ics_text(community, await insider.run("meeting calendar"))
        assert LOUNGE_TITLE in calendar
        assert "Desert Ridge" in calendar
        assert LOUNGE_TITLE in await ics_text(community, await insider.run("meeting ics", id=private))
        offered = await insider.autocomplete("meeting show", "id", id="college")
        assert private in choice_ids(offered), insider.username
        answered = await insider.run("meeting attendees", id=private)
        assert "Who answered" in answered.text, answered.text


async def test_a_lounge_meeting_gets_no_discord_event_the_whole_server_would_list(
    community: Community,
) -> None:
    _, students, _, public = await lounge(community)
    names = [e["name"] for e in await events(community)]
    assert "Open house" in names
    assert LOUNGE_TITLE not in names

    moved = await community.organizer.run("meeting edit", id=public, channel=students, audience="Students")
    await community.control.settled(moved, "Updated")

    async def gone() -> bool:
        return all(e["name"] != "Open house" for e in await events(community))

    await eventually(gone, what="the Discord event of the meeting moved into the lounge removed")


async def test_the_agenda_is_answered_privately_outside_the_meetings_channel(community: Community) -> None:
    sam, students, private, _ = await lounge(community)

    for asker in (sam, community.organizer):
        elsewhere = await asker.run("meeting agenda", id=private)  # in #general
        assert elsewhere.ephemeral, asker.username
        assert TOPIC in elsewhere.text
    assert not any(TOPIC in message_text(m) for m in await community.control.messages(community.general_id))

    # Sam can vote on the private answer.
    agenda = await sam.run("meeting agenda", id=private)
    voted = await sam.click(agenda, "👍 1")
    assert "1 vote" in voted.text, voted.text

    # In the lounge itself, where only its audience reads, the agenda is posted for all to vote.
    there = await sam.run("meeting agenda", id=private, in_channel=students)
    assert not there.ephemeral
    assert TOPIC in there.text


async def test_directory_interest_autocomplete_hides_a_protected_profiles_interests(
    community: Community,
) -> None:
    await ready(community)
    sam = await community.control.add_member(community.guild_id, "sam_student")
    sam.channel_id = community.general_id
    await introduce(
        community,
        sam,
        group="Students",
        name="Sam Student",
        organization="Desert Ridge High",
        interests="rocketry",
    )
    await introduce(community, community.alice, group="Teachers", interests="robotics")
    await introduce(
        community, community.bob, group="Business & Industry", organization="Acme Corp", interests="robots"
    )

    async def offered(viewer: Actor) -> list[str]:
        return [c["value"] for c in await viewer.autocomplete("directory", "interest", interest="ro")]

    assert "rocketry" not in await offered(community.bob)
    assert sorted(await offered(community.bob)) == ["robotics", "robots"]
    assert "rocketry" in await offered(sam)
    assert "rocketry" in await offered(community.organizer)


async def test_a_protected_groups_meeting_card_goes_only_where_everyone_cannot_read_it(
    community: Community,
) -> None:
    await setup_groups(community)
    students = await community.control.channel_id(community.guild_id, "students")
    # No channel given: the card goes to the students' lounge, not the public meetings channel.
    _, defaulted = await schedule(community, title=LOUNGE_TITLE, location=LOUNGE_PLACE, audience="Students")
    await card(community, defaulted, students)
    # A channel everyone can read is refused, and nothing is saved.
    refused = await community.organizer.run(
        "meeting schedule", title="Leaky", when="in 3 days", audience="Students", channel=community.general_id
    )
    assert "**Students** is a protected group, and everyone can read" in refused.text
    assert f"only they and organizers can read, such as <#{students}>" in refused.text
    assert not await community.bot.db.fetchall("SELECT id FROM meetings WHERE title = 'Leaky'")
    # An open meeting given to Students moves its card into their lounge.
    _, opened = await schedule(community, title="Open house", when="in 4 days")
    moved = await community.organizer.run("meeting edit", id=opened, audience="Students")
    assert "error" not in moved.raw
    await card(community, opened, students)
    row = await community.bot.db.fetchone("SELECT channel_id FROM meetings WHERE id = ?", (opened,))
    assert row is not None
    assert str(row["channel_id"]) == students


async def test_organizer_notices_in_public_never_name_a_private_meeting(community: Community) -> None:
    from datetime import timedelta

    await community.organizer.run("cop channel", purpose="announcements", channel=community.general_id)
    await setup_groups(community)
    students = await community.control.channel_id(community.guild_id, "students")
    _, private = await schedule(
        community, title=LOUNGE_TITLE, when="in 3 hours", reminders="1h", audience="Students"
    )
    _, public = await schedule(community, title="Open house", when="in 3 hours", reminders="1h")
    starts = await starts_of(community, private)
    await community.runner.stop()
    community.clock.set(starts + timedelta(minutes=10))  # down until after both started: reminders missed
    await community.restart()
    await community.bot.scheduler.idle()
    [notice] = await eventually(
        lambda: posts(community, "could no longer be useful"), within=10, what="the organizers' notice"
    )
    assert "Open house" in notice["content"]
    assert f"meeting #{private} (a private meeting" in notice["content"]
    assert LOUNGE_TITLE not in notice["content"]
    assert public != private

    # The lounge is deleted: its next reminder goes nowhere public, and the public notice has no title.
    _, later = await schedule(
        community, title=LOUNGE_TITLE, when="in 2 days", reminders="1h", audience="Students", channel=students
    )
    await community.control.call("DELETE", f"/channels/{students}")
    await community.advance(timedelta(days=2))
    await community.bot.scheduler.idle()
    general = [m["content"] for m in await community.control.messages(community.general_id)]
    assert not [text for text in general if LOUNGE_TITLE in text], general
    assert any(f"meeting #{later} (a private meeting" in text for text in general), general
