"""`/cop …` end to end: organizers configure the community through the real bot and the emulator."""

from __future__ import annotations

import logging
import re

import pytest

from bot import __version__
from emulator.driver import Reply
from storage.guilds import Purpose
from tests.e2e.community import Community, eventually
from tests.e2e.steps.activity import all_counted, post
from tests.e2e.steps.introductions import introduce, ready
from tests.e2e.steps.meetings import schedule
from tests.e2e.steps.stories import tell

PURPOSES = ("introductions", "announcements", "meetings", "resources")


async def settled(community: Community, reply: Reply) -> Reply:
    """`/cop setup` edits its answer with progress; wait for the final summary."""
    return await community.control.settled(reply, "Setup is complete")


async def test_settings_shows_the_defaults_privately(community: Community) -> None:
    reply = await community.organizer.run("cop settings")
    assert reply.ephemeral
    assert "America/Phoenix" in reply.text
    assert "Manage Server" in reply.text  # no organizer role yet
    assert reply.text.count("not set") == 4


async def test_members_who_are_not_organizers_are_refused(community: Community) -> None:
    for command, options in [
        ("cop settings", {}),
        ("cop timezone", {"zone": "America/New_York"}),
        ("cop setup", {}),
    ]:
        reply = await community.alice.run(command, **options)
        assert reply.ephemeral
        assert "Only organizers" in reply.text
    assert await community.bot.guild_settings.timezone(int(community.guild_id)) == "America/Phoenix"
    assert await community.channel("meetings") is None


async def test_timezone_is_set_and_an_unknown_zone_gets_suggestions(community: Community) -> None:
    guild_id = int(community.guild_id)
    typo = await community.organizer.run("cop timezone", zone="America/New_Yrok")
    assert typo.ephemeral
    assert "isn't a time zone I know" in typo.text
    assert "America/New_York" in typo.text
    assert await community.bot.guild_settings.timezone(guild_id) == "America/Phoenix"

    done = await community.organizer.run("cop timezone", zone="America/New_York")
    assert done.ephemeral
    assert "America/New_York" in done.text
    assert await community.bot.guild_settings.timezone(guild_id) == "America/New_York"
    assert "America/New_York" in (await community.organizer.run("cop settings")).text


async def test_timezone_autocomplete_offers_matching_zones(community: Community) -> None:
    choices = await community.organizer.autocomplete("cop timezone", "zone", zone="phoen")
    assert "America/Phoenix" in [c["value"] for c in choices]
    assert len(await community.organizer.autocomplete("cop timezone", "zone", zone="")) == 25


async def test_organizer_role_makes_its_members_organizers(community: Community) -> None:
    guild = community.bot.get_guild(int(community.guild_id))
    assert guild is not None
    everyone = await community.organizer.run("cop organizer-role", role=str(guild.id))
    assert "can't be the organizer role" in everyone.text

    role = await guild.create_role(name="Organizers")
    member = await guild.fetch_member(int(community.alice.user_id))
    await member.add_roles(role)
    assert "Only organizers" in (await community.alice.run("cop settings")).text

    reply = await community.organizer.run("cop organizer-role", role=str(role.id))
    assert reply.ephemeral
    assert f"<@&{role.id}>" in reply.text
    assert (await community.bot.guild_settings.get(guild.id)).organizer_role_id == role.id
    allowed = await community.alice.run("cop settings")
    assert "Only organizers" not in allowed.text
    assert "Organizer role" in allowed.text
    assert "Only organizers" in (await community.bob.run("cop settings")).text


async def test_channel_for_a_purpose_is_recorded(community: Community) -> None:
    reply = await community.organizer.run("cop channel", purpose="meetings", channel=community.general_id)
    assert reply.ephemeral
    assert "meetings" in reply.text
    settings = await community.bot.guild_settings.get(int(community.guild_id))
    assert settings.channels == {Purpose.MEETINGS: int(community.general_id)}


async def test_setup_creates_finds_and_recreates_channels(community: Community) -> None:
    first = await settled(community, await community.organizer.run("cop setup"))
    assert first.ephemeral
    assert "Created" in first.text
    channels = {name: await community.channel(name) for name in PURPOSES}
    assert all(channels.values()), channels
    recorded = (await community.bot.guild_settings.get(int(community.guild_id))).channels
    assert {p.value: str(c) for p, c in recorded.items()} == {
        n: str(c["id"]) for n, c in channels.items() if c
    }

    again = await settled(community, await community.organizer.run("cop setup"))
    assert "Created" not in again.text
    assert "Found and kept" in again.text
    names = [c["name"] for c in (await community.control.guild(community.guild_id))["channels"]]
    assert sorted(n for n in names if n in PURPOSES) == sorted(PURPOSES)

    guild = community.bot.get_guild(int(community.guild_id))
    assert guild is not None
    meetings = guild.get_channel(int(str(channels["meetings"]["id"])))  # type: ignore[index]
    assert meetings is not None
    await meetings.delete()
    third = await settled(community, await community.organizer.run("cop setup"))
    assert re.search(r"Created <#\d+>\.", third.text), third.text
    new_meetings = await community.channel("meetings")
    assert new_meetings is not None
    assert new_meetings["id"] != channels["meetings"]["id"]  # type: ignore[index]


async def test_announcements_channel_is_read_only_for_members(community: Community) -> None:
    await settled(community, await community.organizer.run("cop setup"))
    announcements = await community.channel("announcements")
    assert announcements is not None
    overwrites = announcements["permission_overwrites"]
    assert isinstance(overwrites, list)
    everyone = next(o for o in overwrites if str(o["id"]) == community.guild_id)
    assert int(everyone["deny"]) & (1 << 11)  # Send Messages


async def test_about_is_for_everyone(community: Community) -> None:
    reply = await community.alice.run("cop about")
    assert reply.ephemeral
    assert __version__ in reply.text
    assert "1 server" in reply.text


async def test_an_unexpected_failure_shows_a_reference_not_a_traceback(
    community: Community, caplog: pytest.LogCaptureFixture
) -> None:
    await community.bot.db.close()  # the database goes away under the bot
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        before_reply = await community.organizer.run("cop settings")  # fails before responding
        after_defer = await community.organizer.run("cop setup")  # fails after deferring
    for reply in (before_reply, after_defer):
        match = re.search(r"reference: `([0-9A-F]{6})`", reply.text)
        assert match, reply.text
        assert "Traceback" not in reply.text
        assert match[1] in caplog.text
    assert after_defer.type == 5  # deferred first; the error replaced the "thinking…" message
    assert after_defer.ephemeral


async def test_settings_survive_a_restart(community: Community) -> None:
    await community.organizer.run("cop timezone", zone="America/Chicago")
    await community.restart()
    reply = await eventually(lambda: community.organizer.run("cop settings"), what="settings after restart")
    assert "America/Chicago" in reply.text


async def test_setup_says_exactly_which_permission_the_bot_lacks(community: Community) -> None:
    # View Channels, Send Messages, Embed Links, but not Manage Channels.
    guild = await community.control.call(
        "POST", "/guilds", {"name": "Locked Down", "bot_permissions": str((1 << 10) | (1 << 11) | (1 << 14))}
    )
    organizer = await community.control.add_member(guild["id"], "owen_organizer", admin=True)
    organizer.channel_id = next(str(c["id"]) for c in guild["channels"] if c["name"] == "general")
    await eventually(lambda: _cached(community, int(guild["id"])), what="the new guild")
    reply = await organizer.run("cop setup")
    assert reply.ephemeral
    assert "I need the **Manage Channels** permission" in reply.text
    names = [c["name"] for c in (await community.control.guild(guild["id"]))["channels"]]
    assert not set(names) & set(PURPOSES)


async def _cached(community: Community, guild_id: int) -> bool:
    return community.bot.get_guild(guild_id) is not None


async def test_stats_counts_profiles_for_organizers_only(community: Community) -> None:
    before = await community.organizer.run("cop stats")
    assert before.ephemeral
    assert "**0 members** of 4 have introduced themselves" in before.text
    await ready(community)
    await introduce(community, community.alice, group="Teachers")
    after = await community.organizer.run("cop stats")
    assert "**1 member** of 4 have introduced themselves" in after.text
    assert "Teachers: 1" in after.text
    assert "Lincoln Elementary: 1" in after.text
    assert "Only organizers" in (await community.alice.run("cop stats")).text


async def _fill(community: Community, total: int) -> None:
    guild = await community.control.guild(community.guild_id)
    for n in range(total - len(guild["channels"])):
        await community.control.call("POST", f"/guilds/{community.guild_id}/channels", {"name": f"room-{n}"})

    async def seen() -> bool:
        cached = community.bot.get_guild(int(community.guild_id))
        return cached is not None and len(cached.channels) == total

    await eventually(seen, what=f"{total} channels in the bot's cache")


async def test_setup_on_a_full_server_says_how_many_channels_to_free_before_creating_any(
    community: Community,
) -> None:
    await _fill(community, 498)
    refused = await community.control.settled(
        await community.organizer.run("cop setup"), "Nothing was created"
    )
    assert refused.ephemeral
    assert "This would need 502 channels, but a Discord server can hold 500" in refused.text
    assert "Archive or delete at least 2 channels first. Nothing was created." in refused.text
    assert await community.channel("introductions") is None


async def test_setup_refused_part_way_keeps_what_it_made_and_a_rerun_finishes(community: Community) -> None:
    # Someone fills the server while the second channel is being created: Discord refuses it (30013).
    await _fill(community, 490)
    route = "POST /guilds/{guild_id}/channels"
    await community.control.fault("slow", route=route, count=1, delay=0)
    await community.control.fault("hold", route=route, count=1)
    reply = await community.organizer.run("cop setup")

    async def held() -> bool:
        return await community.control.held() == 1

    await eventually(held, what="the second channel held")
    rooms = []
    for n in range(9):
        made = await community.control.call(
            "POST", f"/guilds/{community.guild_id}/channels", {"name": f"late-{n}"}
        )
        rooms.append(made["id"])
    await community.control.release()
    done = await community.control.settled(reply, "nothing will be made twice")
    assert "Discord refused to create #announcements" in done.text
    assert "the server has reached Discord's limit of 500 channels" in done.text
    assert "I created <#" in done.text
    assert "Something went wrong" not in done.text
    recorded = (await community.bot.guild_settings.get(int(community.guild_id))).channels
    assert [p.value for p in recorded] == ["introductions"]

    for room in rooms:
        await community.control.call("DELETE", f"/channels/{room}")
    await _fill(community, 491)  # the bot's cache has caught up with the deletions
    finished = await settled(community, await community.organizer.run("cop setup"))
    assert "Found and kept <#" in finished.text
    assert all([await community.channel(name) for name in PURPOSES])


async def test_stats_has_a_line_per_kind_of_evidence(community: Community) -> None:
    empty = await community.organizer.run("cop stats")
    assert "Surveys: 0 surveys (0 open), 0 completed answers" in empty.text
    assert "Value stories: 0 stories" in empty.text
    assert "Team goals: 0 goals across 0 teams" in empty.text
    assert "Agreements: 0 active agreements, 0 hours a month committed" in empty.text
    assert "Activity: 0 messages by members in the last 30 days" in empty.text
    assert "No meeting in this period has agenda topics yet." in empty.text
    told = await tell(community.alice, "We ran the bridge challenge with our fourth graders.")
    assert "story" in told.text.lower(), told.text
    await post(community.bob, community.general_id, 2)
    await all_counted(community)
    after = await community.organizer.run("cop stats")
    assert "Value stories: 1 story" in after.text
    assert "Activity: 2 messages by members in the last 30 days" in after.text
    assert "We ran the bridge challenge" not in after.text  # counts only, never what members wrote
    _, kickoff = await schedule(community, title="Kickoff")
    await community.organizer.run("meeting agenda-suggest", id=kickoff, topic="Welcome")
    await community.bob.run("meeting agenda-suggest", id=kickoff, topic="Field trips")
    agendas = await community.organizer.run("cop stats")
    assert "50% of agenda topics came from members: 1 of 2 topics, with 0 votes." in agendas.text
