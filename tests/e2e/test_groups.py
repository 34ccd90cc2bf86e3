"""`/groups` end to end: structure built and repaired, private channels, join/leave, picker, removal, faults."""

from __future__ import annotations

import asyncio
from typing import Any

from emulator import permissions as P
from emulator.driver import Actor, Reply
from storage.groups import DEFAULT_GROUPS, GroupRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.groups import group, join, setup_groups
from tests.e2e.steps.server import can_view, member_roles, snapshot

SEND_MESSAGES = 1 << 11
GROUP_NAMES = [name for name, *_ in DEFAULT_GROUPS]


async def test_setup_from_empty_creates_category_roles_and_private_channels(community: Community) -> None:
    done = await setup_groups(community)
    assert done.ephemeral
    assert "Added the 10 default groups" in done.text
    roles, channels = await snapshot(community)
    assert set(GROUP_NAMES) <= set(roles)
    assert "Stakeholder lounges" in channels
    assert {"teachers", "parents-families", "business-industry", "stem-experts"} <= set(channels)
    for g in await GroupRepository(community.bot.db).all(int(community.guild_id)):
        assert str(g.role_id) == roles[g.name]
        assert g.channel_id is not None
    students = await group(community, "Students")
    assert students.protected


async def test_setup_twice_creates_nothing_new(community: Community) -> None:
    await setup_groups(community)
    before = await snapshot(community)
    again = await setup_groups(community)
    assert "Created" not in again.text
    assert "Found 20 roles and channels already in place" in again.text
    assert await snapshot(community) == before


async def test_repair_recreates_deleted_and_keeps_renamed(community: Community) -> None:
    await setup_groups(community)
    teachers, coaches, parents = (
        await group(community, "Teachers"),
        await group(community, "Instructional Coaches"),
        await group(community, "Parents & Families"),
    )
    control = community.control
    await control.call("DELETE", f"/guilds/{community.guild_id}/roles/{teachers.role_id}")
    await control.call("DELETE", f"/channels/{coaches.channel_id}")
    await control.call("PATCH", f"/guilds/{community.guild_id}/roles/{parents.role_id}", {"name": "Families"})
    await control.call("PATCH", f"/channels/{parents.channel_id}", {"name": "family-lounge"})
    await eventually(lambda: _forgotten(community, "Teachers"), what="the bot noticing the deleted role")

    repaired = await setup_groups(community)
    assert "Created the role **Teachers**" in repaired.text
    assert "Repaired the permissions of" in repaired.text  # the teachers' channel gets the new role
    new_teachers, new_coaches, new_parents = (
        await group(community, "Teachers"),
        await group(community, "Instructional Coaches"),
        await group(community, "Parents & Families"),
    )
    assert new_teachers.role_id != teachers.role_id
    assert new_teachers.channel_id == teachers.channel_id
    assert new_coaches.channel_id != coaches.channel_id
    assert (new_parents.role_id, new_parents.channel_id) == (parents.role_id, parents.channel_id)
    roles, channels = await snapshot(community)
    assert "Families" in roles
    assert "Parents & Families" not in roles  # renamed by hand: kept, not duplicated
    assert "family-lounge" in channels
    overwrites = next(
        c
        for c in (await control.guild(community.guild_id))["channels"]
        if c["id"] == str(teachers.channel_id)
    )["permission_overwrites"]
    assert str(new_teachers.role_id) in {o["id"] for o in overwrites}


async def _forgotten(community: Community, name: str) -> bool:
    return (await group(community, name)).role_id is None


async def test_private_channel_visible_to_its_members_and_organizers_only(community: Community) -> None:
    guild = await community.control.guild(community.guild_id)
    organizers = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/roles", {"name": "Organizers", "permissions": "0"}
    )
    await community.organizer.run("cop organizer-role", role=organizers["id"])
    carol = await community.control.add_member(
        community.guild_id, "carol_coordinator", roles=[organizers["id"]]
    )
    assert guild["bot_role_id"]
    await setup_groups(community)
    teachers = await group(community, "Teachers")
    channel = str(teachers.channel_id)
    assert not can_view(community, community.alice, channel)

    joined = await join(community.alice, "Teachers")
    assert "You joined **Teachers**" in joined.text
    await eventually(lambda: _sees(community, community.alice, channel), what="alice seeing the channel")
    assert not can_view(community, community.bob, channel)
    assert can_view(community, community.organizer, channel)  # admin
    assert can_view(community, carol, channel)  # the organizer role
    assert await GroupRepository(community.bot.db).member_ids(int(community.guild_id), teachers.id) == [
        int(community.alice.user_id)
    ]
    messages = await community.control.call(
        "GET", f"/channels/{channel}/messages?as_user={community.bob.user_id}"
    )
    assert messages == []


async def _sees(community: Community, actor: Actor, channel: str) -> bool:
    return can_view(community, actor, channel)


async def test_join_and_leave_by_command(community: Community) -> None:
    await setup_groups(community)
    teachers, parents = await group(community, "Teachers"), await group(community, "Parents & Families")
    await join(community.alice, "Teachers", "Parents & Families")
    assert {str(teachers.role_id), str(parents.role_id)} <= await member_roles(community, community.alice)

    menu = await community.alice.run("groups leave")
    labels = [o["label"] for c in menu.components for o in c.get("options", [])]
    assert labels == ["Teachers", "Parents & Families"]
    select = menu.components[0]
    left = await community.alice.click(menu, select["custom_id"], values=[str(parents.id)])
    assert "You left **Parents & Families**" in left.text
    roles = await member_roles(community, community.alice)
    assert str(teachers.role_id) in roles
    assert str(parents.role_id) not in roles

    again = await community.bob.run("groups leave")
    assert "You aren't in any stakeholder group" in again.text


async def test_picker_toggles_groups_in_one_member_update_and_survives_restart(community: Community) -> None:
    await setup_groups(community)
    posted = await community.organizer.run("groups picker")
    assert "Posted the group picker" in posted.text
    picker = next(m for m in await community.control.messages(community.general_id) if m["components"])
    five = [await group(community, n) for n in GROUP_NAMES[:5]]
    await community.control.call("DELETE", "/requests")
    chosen = await community.bob.click(picker, "grp:pick:0", values=[str(g.id) for g in five])
    assert chosen.ephemeral
    assert "You joined" in chosen.text
    requests = await community.control.requests()
    member_updates = [r for r in requests if r["method"] in ("PATCH", "PUT") and "/members/" in r["path"]]
    assert len(member_updates) == 1, member_updates
    assert not [r for r in requests if r["status"] == 429]
    assert {str(g.role_id) for g in five} <= await member_roles(community, community.bob)

    await community.restart()
    toggled = await eventually(
        lambda: _clicked(community.bob, picker, [str(five[0].id)]), what="the picker after restart"
    )
    assert "You left **Teachers**" in toggled.text
    assert str(five[0].role_id) not in await member_roles(community, community.bob)


async def _clicked(actor: Actor, message: dict[str, Any], values: list[str]) -> Reply | None:
    reply = await actor.click(message, "grp:pick:0", values=values)
    return reply if reply.text else None


async def test_picker_follows_group_changes(community: Community) -> None:
    await setup_groups(community)
    await community.organizer.run("groups picker")
    await community.organizer.run(
        "groups add", name="Robotics & AI!!", description="Robotics mentors", emoji="🤖"
    )

    async def has_new_option() -> bool:
        picker = next(m for m in await community.control.messages(community.general_id) if m["components"])
        options = [
            o["label"] for row in picker["components"] for c in row["components"] for o in c["options"]
        ]
        return "Robotics & AI!!" in options

    await eventually(has_new_option, what="the picker listing the new group")


async def test_add_edit_and_bad_names(community: Community) -> None:
    await setup_groups(community)
    added = await community.control.settled(
        await community.organizer.run(
            "groups add", name="Robotics & AI!!", description="Robot mentors", emoji="🤖"
        ),
        "Added the group",
    )
    assert "#robotics-ai" in added.text  # the slug is shown
    robotics = await group(community, "robotics & ai!!")
    assert robotics.emoji == "🤖"
    assert robotics.role_id
    assert robotics.channel_id

    for name, expected in [
        ("   ", "name is empty"),
        ("x" * 101, "at most 100"),
        ("teachers", "already a group called"),
        ("!!!", "at least one letter or digit"),
    ]:
        reply = await community.organizer.run("groups add", name=name)
        assert reply.ephemeral
        assert expected in reply.text, (name, reply.text)
    bad_emoji = await community.organizer.run("groups add", name="Makers", emoji="smile")
    assert "isn't an emoji" in bad_emoji.text
    assert await GroupRepository(community.bot.db).by_name(int(community.guild_id), "Makers") is None

    edited = await community.organizer.run("groups edit", name="Robotics & AI!!", new_name="Robotics Mentors")
    await community.control.settled(edited, "Updated")
    roles, channels = await snapshot(community)
    assert "Robotics Mentors" in roles
    assert "robotics-mentors" in channels
    clash = await community.organizer.run("groups edit", name="Robotics Mentors", new_name="TEACHERS")
    assert "already a group called" in clash.text
    refused = await community.alice.run("groups add", name="Sneaky")
    assert "Only organizers" in refused.text


async def test_remove_archives_the_channel_and_takes_the_role(community: Community) -> None:
    await setup_groups(community)
    await join(community.alice, "Teachers")
    teachers = await group(community, "Teachers")
    await community.alice.say(str(teachers.channel_id), "Lesson plans for next week!")

    asked = await community.organizer.run("groups remove", name="Teachers")
    assert "Remove the group **Teachers**" in asked.text
    cancelled = await community.organizer.click(asked, "Cancel")
    assert "Nothing was removed" in cancelled.text
    assert await GroupRepository(community.bot.db).by_name(int(community.guild_id), "Teachers") is not None

    asked = await community.organizer.run("groups remove", name="Teachers")
    await community.organizer.click(asked, "Remove group")
    await eventually(lambda: _archived(community, str(teachers.channel_id)), what="the archived channel")
    roles, _ = await snapshot(community)
    assert "Teachers" not in roles
    assert str(teachers.role_id) not in await member_roles(community, community.alice)
    assert await GroupRepository(community.bot.db).by_name(int(community.guild_id), "Teachers") is None
    messages = await community.control.messages(str(teachers.channel_id))
    assert [m["content"] for m in messages] == ["Lesson plans for next week!"]
    assert not can_view(community, community.alice, str(teachers.channel_id))
    bits = community.emulator.state.permissions_for(
        int(community.guild_id), int(community.alice.user_id), int(teachers.channel_id)
    )
    assert not bits & SEND_MESSAGES


async def _archived(community: Community, channel_id: str) -> bool:
    channel = next(
        (c for c in (await community.control.guild(community.guild_id))["channels"] if c["id"] == channel_id),
        None,
    )
    return channel is not None and channel["name"] == "archived-teachers"


async def test_group_removed_while_a_member_is_choosing(community: Community) -> None:
    await setup_groups(community)
    menu = await community.alice.run("groups join")
    teachers = await group(community, "Teachers")
    asked = await community.organizer.run("groups remove", name="Teachers")
    await community.organizer.click(asked, "Remove group")
    await eventually(lambda: _gone(community, "Teachers"), what="the group removed")
    chosen = await community.alice.click(menu, menu.components[0]["custom_id"], values=[str(teachers.id)])
    assert "just removed by an organizer" in chosen.text


async def _gone(community: Community, name: str) -> bool:
    return await GroupRepository(community.bot.db).by_name(int(community.guild_id), name) is None


async def test_list_and_protected_members(community: Community) -> None:
    await setup_groups(community)
    await join(community.alice, "Students")
    await join(community.bob, "Teachers")
    listing = await community.bob.run("groups list")
    assert "**Students** — 1 member · protected" in listing.text
    assert "**Teachers** — 1 member" in listing.text

    stranger = await community.bob.run("groups members", group="Students")
    assert "protected group" in stranger.text
    assert community.alice.user_id not in stranger.text
    for viewer in (community.alice, community.organizer):
        seen = await viewer.run("groups members", group="Students")
        assert f"<@{community.alice.user_id}>" in seen.text
    teachers = await community.alice.run("groups members", group="Teachers")
    assert f"<@{community.bob.user_id}>" in teachers.text
    unknown = await community.alice.run("groups members", group="Astronauts")
    assert "There's no group called" in unknown.text
    choices = await community.alice.autocomplete("groups members", "group", group="paren")
    assert [c["value"] for c in choices] == ["Parents & Families"]


async def test_missing_permission_and_role_position_are_named(community: Community) -> None:
    locked = await community.control.call(
        "POST", "/guilds", {"name": "No Roles", "bot_permissions": str((1 << 10) | (1 << 11) | (1 << 4))}
    )
    owner = await community.control.add_member(locked["id"], "owen_organizer", admin=True)
    owner.channel_id = locked["system_channel_id"]
    await eventually(lambda: _cached(community, int(locked["id"])), what="the new guild")
    refused = await owner.run("groups setup")
    assert "I need the **Manage Roles** permission" in refused.text
    assert not await GroupRepository(community.bot.db).all(int(locked["id"]))

    # A "Teachers" role above copbot's: adopting it would fail, so nothing is built and the fix is named.
    high = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/roles", {"name": "Teachers", "permissions": "0", "position": 5}
    )
    assert high["position"] > 1
    before = await snapshot(community)
    blocked = await community.organizer.run("groups setup")
    blocked = await community.control.settled(blocked, "drag")
    assert "above" in blocked.text
    assert "**Teachers**" in blocked.text
    assert await snapshot(community) == before


async def _cached(community: Community, guild_id: int) -> bool:
    return community.bot.get_guild(guild_id) is not None


async def test_refused_part_way_leaves_everything_recorded_and_a_rerun_finishes(community: Community) -> None:
    # The category request is held back; meanwhile an admin takes Manage Channels away, so Discord
    # refuses it (50013) after every role was made. Those roles must stay recorded for the rerun.
    guild = await community.control.guild(community.guild_id)
    bot_role = f"/guilds/{community.guild_id}/roles/{guild['bot_role_id']}"
    await community.control.fault("slow", route="POST /guilds/{guild_id}/channels", count=1, delay=1.5)
    first = await community.organizer.run("groups setup")
    await eventually(lambda: _all_roles_recorded(community), what="every role recorded")
    await community.control.call("PATCH", bot_role, {"permissions": str(P.DEFAULT_BOT & ~P.MANAGE_CHANNELS)})
    first = await community.control.settled(first, "nothing will be made twice")
    assert "Manage Channels" in first.text
    assert "now 10 of 10 group roles and 0 of 10 group channels exist" in first.text
    assert "nothing was changed" not in first.text
    groups = await GroupRepository(community.bot.db).all(int(community.guild_id))
    assert not any(g.channel_id for g in groups)
    roles_after_first, _ = await snapshot(community)

    await community.control.call("PATCH", bot_role, {"permissions": str(P.DEFAULT_BOT)})
    await eventually(lambda: _can_manage_channels(community), what="the permission back in the bot's cache")
    second = await setup_groups(community)
    assert "Created the role" not in second.text
    roles, channels = await snapshot(community)
    assert roles == roles_after_first
    assert "teachers" in channels


async def _all_roles_recorded(community: Community) -> bool:
    groups = await GroupRepository(community.bot.db).all(int(community.guild_id))
    return len(groups) == 10 and all(g.role_id for g in groups)


async def _can_manage_channels(community: Community) -> bool:
    guild = community.bot.get_guild(int(community.guild_id))
    return guild is not None and guild.me.guild_permissions.manage_channels


async def test_setup_completes_through_a_429_storm(community: Community) -> None:
    await community.control.fault(
        "ratelimit", route="POST /guilds/{guild_id}/channels", count=4, retry_after=0.1
    )
    await community.control.fault(
        "ratelimit", route="POST /guilds/{guild_id}/roles", count=4, retry_after=0.1
    )
    done = await setup_groups(community, within=30)
    assert "Created" in done.text
    _, channels = await snapshot(community)
    assert "teachers" in channels
    statuses = [r["status"] for r in await community.control.requests()]
    assert statuses.count(429) >= 8


async def test_refuses_before_the_role_limit(community: Community) -> None:
    for n in range(242):
        await community.control.call(
            "POST", f"/guilds/{community.guild_id}/roles", {"name": f"r{n}", "permissions": "0"}
        )
    await eventually(lambda: _roles_cached(community, 245), what="the roles in the bot's cache")
    refused = await community.control.settled(await community.organizer.run("groups setup"), "Discord's 250")
    assert "needs 10 new roles" in refused.text
    roles, _ = await snapshot(community)
    assert "Teachers" not in roles


async def _roles_cached(community: Community, count: int) -> bool:
    guild = community.bot.get_guild(int(community.guild_id))
    return guild is not None and len(guild.roles) >= count


async def test_text_that_discord_rejects_as_an_emoji_is_refused(community: Community) -> None:
    # Discord refuses a select option whose emoji is not one: the picker and /intro me would break for all.
    for typed in (":)", "*", "→"):
        refused = await community.organizer.run("groups add", name="Makers", emoji=typed)
        assert "isn't an emoji" in refused.text, typed
    foreign = await community.organizer.run("groups add", name="Makers", emoji="<:party:123456789012345678>")
    assert "belongs to a server I'm not in" in foreign.text
    added = await community.control.settled(
        await community.organizer.run("groups add", name="Makers", emoji="🛠️"), "Added"
    )
    assert "Makers" in added.text
    edited = await community.organizer.run("groups edit", name="Makers", emoji=":-)")
    assert "isn't an emoji" in edited.text
    intro = await community.alice.run("intro me")
    assert intro.is_modal


async def test_a_setup_running_when_the_bot_stops_finishes_before_the_database_closes(
    community: Community,
) -> None:
    # The fourth role is held while the bot is asked to stop (a deploy): the running command must finish
    # and record every role before the HTTP session and the database close, and a restart finds them all.
    await community.control.fault("slow", route="POST /guilds/{guild_id}/roles", count=3, delay=0)
    await community.control.fault("hold", route="POST /guilds/{guild_id}/roles", count=1)
    first = await community.organizer.run("groups setup")

    async def held() -> bool:
        return await community.control.held() == 1

    await eventually(held, what="the fourth role held")
    stopping = asyncio.create_task(community.runner.stop())
    await asyncio.sleep(0)
    assert not stopping.done()
    assert await community.control.release() == 1
    await stopping
    first = await community.control.settled(first, "Stakeholder groups are ready")
    bot = await community.restart()
    groups = await GroupRepository(bot.db).all(int(community.guild_id))
    assert len(groups) == 10
    assert all(g.role_id and g.channel_id for g in groups)
    again = await setup_groups(community)
    assert "Found 20 roles and channels already in place" in again.text


async def test_more_than_fifty_groups_spread_over_alphabetical_lounges(community: Community) -> None:
    await setup_groups(community)
    repo = GroupRepository(community.bot.db)
    for n in range(41):  # with the ten defaults: 51 groups, one more than a category holds
        await repo.add(int(community.guild_id), f"Partner circle {n:02d}", now=community.clock.now())
    done = await setup_groups(community, within=60)
    assert "Renamed the category **Stakeholder lounges** to" in done.text
    assert "categories, by name" in done.text
    guild = await community.control.guild(community.guild_id)
    names = {c["id"]: c["name"] for c in guild["channels"]}
    groups = await repo.all(int(community.guild_id))
    placed = [
        names[c["parent_id"]] for c in guild["channels"] if c["id"] in {str(g.channel_id) for g in groups}
    ]
    assert len(placed) == 51
    lounges = set(placed)
    # 43 names start with P, so no two ranges both leave room for more: A–I, J–Q, R–Z.
    assert lounges == {"Stakeholder lounges A–I", "Stakeholder lounges J–Q", "Stakeholder lounges R–Z"}
    assert all(name.startswith("Stakeholder lounges ") for name in lounges)
    assert max(placed.count(name) for name in lounges) <= 50
    again = await setup_groups(community, within=60)
    assert "Found 102 roles and channels already in place" in again.text
