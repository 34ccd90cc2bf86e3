"""The Discord scheduled event mirror and the .ics calendar files, end to end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.community import Community, eventually
from tests.e2e.steps.meetings import calendar_of, card, events, schedule, vevents


async def test_each_meeting_mirrors_a_discord_event_kept_in_step(community: Community) -> None:
    _, meeting_id = await schedule(
        community, title="Resource fair", when="in 3 days", location="Phoenix Arts Center"
    )
    [event] = await eventually(lambda: events(community), what="the scheduled event")
    assert event["name"] == "Resource fair"
    assert event["entity_type"] == 3
    assert event["entity_metadata"] == {"location": "Phoenix Arts Center"}
    start = datetime.fromisoformat(event["scheduled_start_time"])
    assert abs(start - (community.clock.now() + timedelta(days=3))) < timedelta(minutes=1)
    edit = await community.organizer.run(
        "meeting edit", id=meeting_id, when="in 4 days", title="Resource fair 2"
    )
    await community.control.settled(edit, "Updated")
    [event] = await events(community)
    assert event["name"] == "Resource fair 2"
    assert datetime.fromisoformat(event["scheduled_start_time"]) - start > timedelta(hours=23)
    # Deleted by hand: the next edit recreates it rather than failing.
    state = community.emulator.state
    state.delete_event(state.events[int(event["id"])])
    edit = await community.organizer.run("meeting edit", id=meeting_id, location="Library")
    edit = await community.control.settled(edit, "Updated")
    [recreated] = await events(community)
    assert recreated["id"] != event["id"]
    assert recreated["entity_metadata"] == {"location": "Library"}
    cancel = await community.organizer.run("meeting cancel", id=meeting_id)
    await community.control.settled(cancel, "Cancelled")
    [cancelled] = await events(community)
    assert cancelled["status"] == 4


async def test_a_voice_channel_location_makes_a_voice_event(community: Community) -> None:
    voice = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/channels", {"name": "Meeting room", "type": 2}
    )
    await schedule(community, title="Online", when="in 2 days", location=f"<#{voice['id']}>")
    [event] = await eventually(lambda: events(community), what="the voice event")
    assert event["entity_type"] == 2
    assert event["channel_id"] == voice["id"]


async def test_ics_for_one_meeting_parses_back_with_phoenix_times_and_alarms(community: Community) -> None:
    community.clock.set(datetime(2026, 10, 14, 17, 0, tzinfo=UTC))  # a date well before December 3, 2026
    _, meeting_id = await schedule(
        community,
        title="Kickoff",
        when="2026-12-03 16:00",
        duration="2h",
        location="Phoenix Arts Center",
        description="Bring a colleague",
        reminders="1d, 1h",
    )
    reply = await community.alice.run("meeting ics", id=meeting_id)
    assert reply.ephemeral
    [event] = vevents(await calendar_of(community, reply))
    start = event.decoded("dtstart")
    assert start.tzinfo is not None
    assert start == datetime(2026, 12, 3, 16, 0, tzinfo=ZoneInfo("America/Phoenix"))
    assert start.astimezone(UTC).hour == 23
    assert event.decoded("dtend") - start == timedelta(hours=2)
    assert str(event["summary"]) == "Kickoff"
    assert str(event["location"]) == "Phoenix Arts Center"
    assert "Bring a colleague" in str(event["description"])
    assert str(event["uid"]).startswith(f"meeting-{meeting_id}-")
    triggers = sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM"))
    assert triggers == [timedelta(days=-1), timedelta(hours=-1)]
    # The card's button gives the same file.
    clicked = await community.bob.click(await card(community, meeting_id), "Add to calendar")
    [same] = vevents(await calendar_of(community, clicked))
    assert str(same["uid"]) == str(event["uid"])


async def test_calendar_has_every_upcoming_meeting_and_a_series_has_an_rrule(community: Community) -> None:
    empty = await community.alice.run("meeting calendar")
    assert "no upcoming meetings" in empty.text
    await schedule(community, title="One", when="in 2 days")
    _, series = await schedule(
        community, title="Weekly chat", when="in 3 days", repeat="weekly", repeat_count=4
    )
    reply = await community.alice.run("meeting calendar")
    titles = sorted(str(e["summary"]) for e in vevents(await calendar_of(community, reply)))
    assert titles == ["One"] + ["Weekly chat"] * 4
    ics = await community.alice.run("meeting ics", id=series)
    [event] = vevents(await calendar_of(community, ics))
    rule = event["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["COUNT"] == [4]
