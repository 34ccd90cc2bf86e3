"""Activity counts end to end: members post through the emulator, the bot counts (never keeps text),
organizers read `/activity summary` with small groups suppressed, and `/activity agendas`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.community import Community, eventually
from tests.e2e.steps.activity import all_counted, by_group, counted, counts_reach, post
from tests.e2e.steps.groups import group, join, setup_groups
from tests.e2e.steps.meetings import schedule
from tests.e2e.steps.server import message_saying

MARKER = "zebra-kumquat-4711"
ZONE = ZoneInfo("America/Phoenix")  # the guild's zone (UTC-7 all year)


def today(community: Community) -> str:
    """Today's date in the guild's zone, as the counts name days (the test clock may be pinned)."""
    return community.clock.now().astimezone(ZONE).date().isoformat()


async def test_member_messages_are_counted_bots_and_webhooks_are_not_and_no_text_is_kept(
    community: Community,
) -> None:
    helper = await community.control.add_member(community.guild_id, "helper_bot", bot=True)
    await post(community.alice, community.general_id, 2, text=f"my plan {MARKER}")
    await post(helper, community.general_id, 3, text=f"beep {MARKER}")
    # The bot's own posts (its answer in a channel) are not members' messages either.
    await community.organizer.run("meeting schedule", title="Kickoff", when="in 3 days")
    # Nor is an integration's post through a webhook (a news feed, a form tool).
    hooked = await community.control.webhook_post(community.general_id, f"news {MARKER}")
    assert hooked["webhook_id"]
    await post(community.bob, community.general_id, 1, text=MARKER)
    await counts_reach(community, 3)
    general = await community.control.messages(community.general_id)
    assert any(m["author"]["id"] == str(community.emulator.bot_user_id) for m in general)
    await all_counted(community)
    assert await counted(community) == 3
    assert await by_group(community) == {None: 3}
    rows = await community.bot.db.fetchall("SELECT * FROM activity_messages")
    assert [(r["channel_id"], r["day"], r["messages"]) for r in rows] == [
        (int(community.general_id), today(community), 3)
    ]
    await community.runner.stop()
    for path in community.runner.database.parent.glob("copbot.db*"):
        assert MARKER.encode() not in path.read_bytes(), path


async def test_counts_by_group_and_day_in_the_guilds_zone(community: Community) -> None:
    await setup_groups(community)
    await join(community.alice, "Teachers", "Students")
    lounge = str((await group(community, "Teachers")).channel_id)
    await post(community.alice, lounge, 2)
    await post(community.bob, community.general_id, 1)
    await counts_reach(community, 3)
    teachers = (await group(community, "Teachers")).id
    students = (await group(community, "Students")).id
    assert await by_group(community) == {teachers: 2, students: 2, None: 1}
    # Tomorrow 23:30 in Phoenix (UTC-7) is 06:30 UTC the day after, and still tomorrow there; 00:01 the
    # day after is 07:01 UTC. Days are the guild's, not UTC's.
    first = community.clock.now().astimezone(ZONE).date()
    tomorrow, after = first + timedelta(days=1), first + timedelta(days=2)
    await community.jump(datetime.combine(tomorrow, time(23, 30), tzinfo=ZONE).astimezone(UTC))
    await post(community.bob, community.general_id, 1)
    await counts_reach(community, 4)
    await community.jump(datetime.combine(after, time(0, 1), tzinfo=ZONE).astimezone(UTC))
    await post(community.bob, community.general_id, 1)
    await counts_reach(community, 5)
    days = await community.bot.db.fetchall(
        "SELECT day, SUM(messages) AS n FROM activity_messages GROUP BY day ORDER BY day"
    )
    assert [(r["day"], r["n"]) for r in days] == [
        (first.isoformat(), 3),
        (tomorrow.isoformat(), 1),
        (after.isoformat(), 1),
    ]


async def test_summary_suppresses_small_groups(community: Community) -> None:
    await setup_groups(community)
    teachers = [community.alice]
    for n in range(4):
        teachers.append(await community.control.add_member(community.guild_id, f"teacher{n}"))
    for teacher in teachers:
        await join(teacher, "Teachers")
    await join(community.bob, "Students")
    lounge = str((await group(community, "Teachers")).channel_id)
    for teacher in teachers:
        await post(teacher, lounge, 1)
    await post(community.bob, community.general_id, 2)
    await counts_reach(community, 7)

    reply = await community.organizer.run("activity summary", days=7)

    assert reply.ephemeral
    text = reply.text
    assert "All channels**: 7 messages" in text
    assert "Group lounges**: 5 messages" in text  # the lounges' members: 5 teachers and bob
    assert "General channels**: 2 messages" in text
    assert "School team channels**: 0 messages" in text
    # 7 in all less the Teachers' 5 would be the 2 messages of bob, the one student (the organizer is in
    # no group and posted none): the Teachers' line is hidden too, and the summary says why.
    assert "Teachers: hidden too, so that the smaller groups can't be worked out from the totals" in text
    assert "Students: fewer than 5 members, not shown" in text
    assert "Members in no group: fewer than 5 members, not shown" in text
    assert "messages" not in text.split("By stakeholder group")[1].split("Counts about")[0]
    assert "Counts about fewer than 5 members are never shown" in text

    # Five more members in no group: that line (6 people) shows. The Teachers' still doesn't: the total less
    # both would still be bob's alone, and the smaller of the two is the one hidden.
    for n in range(5):
        await community.control.add_member(community.guild_id, f"newcomer{n}")
    await eventually(lambda: _members(community, 12), what="the newcomers")
    again = await community.organizer.run("activity summary", days=7)
    assert "Members in no group: 0 messages" in again.text
    assert "Teachers: hidden too" in again.text
    assert "Students: fewer than 5 members, not shown" in again.text

    refused = await community.alice.run("activity summary")
    assert refused.ephemeral
    assert "organizer" in refused.text.lower()


async def _members(community: Community, count: int) -> bool:
    guild = community.bot.get_guild(int(community.guild_id))
    return guild is not None and len([m for m in guild.members if not m.bot]) >= count


async def test_summary_with_nothing_counted(community: Community) -> None:
    reply = await community.organizer.run("activity summary", days=1)
    assert reply.ephemeral
    assert "All channels**: 0 messages" in reply.text


async def test_agenda_provenance(community: Community) -> None:
    _, kickoff = await schedule(community, title="Kickoff")
    _, fair = await schedule(community, title="Fair", when="in 5 days")
    await community.organizer.run("meeting agenda-suggest", id=kickoff, topic="Welcome")
    await community.alice.run("meeting agenda-suggest", id=kickoff, topic="Robotics grants")
    await community.bob.run("meeting agenda-suggest", id=kickoff, topic="Field trips")
    agenda = await community.alice.run("meeting agenda", id=kickoff)
    # The buttons of this first list: 1 Welcome (the organizer's), 2 Robotics grants, 3 Field trips.
    for voter in (community.alice, community.bob):
        await voter.click(agenda, "👍 2")
    await community.bob.click(agenda, "👍 3")
    await community.alice.click(agenda, "👍 1")  # a vote for an organizer's topic is not a member topic's

    reply = await community.organizer.run("activity agendas", days=30)

    assert reply.ephemeral
    assert "Kickoff" in reply.text
    assert "Fair" in reply.text
    assert "2 of 3 topics came from members (3 votes)" in reply.text
    assert "no agenda topics yet" in reply.text
    assert "67% of agenda topics came from members: 2 of 3 topics, with 3 votes." in reply.text
    assert f"#{fair}" in reply.text
    refused = await community.alice.run("activity agendas")
    assert refused.ephemeral
    assert "organizer" in refused.text.lower()


async def test_a_burst_of_messages_does_not_block_commands(community: Community) -> None:
    async def burst() -> None:
        for _ in range(10):
            await asyncio.gather(*(community.alice.say(community.general_id, "hi") for _ in range(100)))

    posting = asyncio.create_task(burst())
    answered = await community.organizer.run("activity summary")
    await posting
    assert answered.ephemeral
    assert "All channels" in answered.text
    await counts_reach(community, 1000)
    await all_counted(community)
    assert await counted(community) == 1000
    rows = await community.bot.db.fetchall("SELECT * FROM activity_group_counts")
    assert [(r["group_id"], r["messages"]) for r in rows] == [(None, 1000)]


async def test_profile_delete_leaves_the_counts_which_name_no_one(community: Community) -> None:
    await post(community.alice, community.general_id, 2)
    await counts_reach(community, 2)
    asked = await community.alice.run("profile delete")
    await community.alice.click(asked, "Delete my data")
    # Alice has no profile: the counts are nothing of hers, so there is nothing to delete.
    await eventually(
        lambda: message_saying(community, community.alice, asked, "had no data about you"),
        within=10,
        what="the answer",
    )
    assert await counted(community) == 2
    for table in ("activity_messages", "activity_group_counts"):
        rows = await community.bot.db.fetchall(f"SELECT * FROM {table}")
        assert all(int(community.alice.user_id) not in tuple(r) for r in rows)


async def test_a_threads_messages_count_under_its_channel(community: Community) -> None:
    # A member opens a thread in #general (the emulator's state, as Discord would on their click).
    state = community.emulator.state
    thread = state.create_thread(
        state.channels[int(community.general_id)], "robotics-chat", int(community.alice.user_id)
    )
    await post(community.alice, str(thread.id), 2)
    await counts_reach(community, 2)
    rows = await community.bot.db.fetchall("SELECT channel_id, messages FROM activity_messages")
    assert [(r["channel_id"], r["messages"]) for r in rows] == [(int(community.general_id), 2)]


async def test_counts_survive_a_restart_and_keep_adding_up(community: Community) -> None:
    await post(community.alice, community.general_id, 2)
    await counts_reach(community, 2)
    await community.restart()
    await post(community.bob, community.general_id, 1)
    await counts_reach(community, 3)
    await all_counted(community)
    assert await counted(community) == 3
    reply = await community.organizer.run("activity summary")
    assert "All channels**: 3 messages" in reply.text
