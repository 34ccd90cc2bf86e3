"""Introductions, reminders and `/connect` when Discord says no: the member or organizer gets a plain answer, and
what was saved stays saved."""

from __future__ import annotations

from typing import Any

from emulator import permissions as P
from emulator.driver import Reply
from storage.profiles import ProfileRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.introductions import cards, introduce, profile, ready
from tests.e2e.steps.server import deny_bot, person, said_in

GENERIC = "Something went wrong"


async def followups(community: Community, reply: Reply) -> str | None:
    found = await community.control.interaction(reply.interaction_id)
    return "\n".join(str(f.get("content")) for f in found.followups) or None


async def test_connect_to_a_member_who_cant_be_reached_says_so_plainly_and_keeps_the_connection(
    community: Community,
) -> None:
    channel = await ready(community)
    await introduce(community, community.alice, seeks="a robotics mentor")
    erin = await person(community, "erin_engineer")
    await introduce(
        community,
        erin,
        group="STEM Experts",
        organization="Phoenix Robotics Lab",
        name="Erin Other",
        offers="robotics mentoring",
    )
    await community.control.call("PATCH", f"/users/{erin.user_id}", {"dms_open": False})
    await deny_bot(community, channel, P.SEND_MESSAGES)

    reply = await community.alice.run("connect")
    assert "Erin Other" in reply.text
    clicked = await community.alice.click(reply, "Introduce me to 1")
    told = await eventually(lambda: followups(community, clicked), what="the outcome of the click")
    assert GENERIC not in told
    assert "I couldn't reach Erin Other — write to them directly" in told
    assert f"<@{erin.user_id}>" in told
    assert await ProfileRepository(community.bot.db).connection_count(int(community.guild_id)) == 1
    assert await erin.dms() == []


async def test_remind_when_mentions_are_refused_names_the_permission_and_never_dms_anyone_twice(
    community: Community,
) -> None:
    channel = await ready(community)
    carl = await community.control.add_member(community.guild_id, "carl_closed", dms_open=False)
    await introduce(community, community.alice)
    await deny_bot(community, channel, P.SEND_MESSAGES)

    reply = await community.organizer.run("intro remind")
    reply = await community.control.settled(reply, "by direct message")
    assert GENERIC not in reply.text
    # By DM: the server owner, the organizer and bob; carl's DMs are closed and the channel refuses the mention.
    assert "Reminded 3 members by direct message" in reply.text
    assert f"I'm not allowed to post in <#{channel}>" in reply.text
    assert "**Send Messages**" in reply.text
    reminded = await ProfileRepository(community.bot.db).reminded_ids(int(community.guild_id))
    assert int(community.bob.user_id) in reminded
    assert int(carl.user_id) not in reminded  # not reached: the next run tries again
    dms_before = len(await community.bob.dms())
    assert dms_before == 1

    again = await community.organizer.run("intro remind")
    again = await community.control.settled(again, "by direct message")
    assert "Reminded 0 members by direct message" in again.text
    assert "1 member had direct messages closed" in again.text
    assert len(await community.bob.dms()) == dms_before


async def test_editing_an_intro_whose_old_card_the_bot_lost_access_to_posts_a_fresh_card(
    community: Community,
) -> None:
    old = await ready(community)
    announcements = await community.control.channel_id(community.guild_id, "announcements")
    await introduce(community, community.alice)
    new = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/channels", {"name": "say-hello"}
    )
    moved = await community.organizer.run("cop channel", purpose="introductions", channel=new["id"])
    assert "is now the **introductions** channel" in moved.text
    await deny_bot(community, old, P.VIEW_CHANNEL)

    again = await introduce(community, community.alice, name="Alice B. Adams")
    assert GENERIC not in again.text
    assert "Your introduction is updated: https://discord.com/channels/" in again.text
    assert "this is a new one" in again.text
    assert (await profile(community, community.alice)).name == "Alice B. Adams"
    fresh = await cards(community, new["id"])
    assert [c["embeds"][0]["title"] for c in fresh] == ["Alice B. Adams"]
    told = await eventually(
        lambda: said_in(community, announcements, "can no longer update introduction cards"),
        what="the organizers told",
    )
    assert f"<#{old}>" in told


async def test_needs_saved_when_the_card_channel_refuses_the_bot_and_organizers_are_told(
    community: Community,
) -> None:
    channel = await ready(community)
    announcements = await community.control.channel_id(community.guild_id, "announcements")
    await introduce(community, community.alice)
    await deny_bot(community, channel, P.VIEW_CHANNEL)

    form = await community.alice.run("intro needs")
    assert form.is_modal, form.text
    saved = await community.alice.submit(form, {"offers": "Robotics kits to lend", "seeks": "A mentor"})
    assert GENERIC not in saved.text
    assert f"I'm not allowed to post your card in <#{channel}>" in saved.text
    assert (await profile(community, community.alice)).offers == "Robotics kits to lend"
    told: Any = await eventually(
        lambda: said_in(community, announcements, "can't post introduction cards"), what="the organizers told"
    )
    assert "**Send Messages**" in told
