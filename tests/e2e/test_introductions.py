"""Introductions end to end: welcome, the two forms, card, roles, re-edit, protected members, delete, export,
leaving and coming back, and every bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from core.profiles.departures import PURGE_KIND, purge_owner
from emulator import permissions as P
from emulator.driver import Actor, Reply
from storage.groups import GroupRepository
from storage.profiles import ProfileRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.introductions import cards, group_id, introduce, profile, ready
from tests.e2e.steps.server import member_roles, message_saying, said_in
from tests.e2e.steps.story import cast


async def test_welcome_mentions_only_the_newcomer_and_its_button_opens_the_form(community: Community) -> None:
    channel = await ready(community)
    await community.organizer.run("intro settings", welcome="Hi {member}, welcome to {server}! @everyone")
    dana = await community.control.add_member(community.guild_id, "dana_newcomer")
    welcome = await eventually(lambda: _welcome(community, channel, dana), what="the welcome")
    assert "Arizona STEM Network" in welcome["content"]
    assert "@\u200beveryone" in welcome["content"]  # the organizer's @everyone is shown, never pings
    form = await dana.click(welcome, "Introduce yourself")
    assert form.is_modal
    await community.restart()
    after = await eventually(lambda: _modal(dana, welcome), what="the button after a restart")
    assert after.is_modal


async def _welcome(community: Community, channel: str, actor: Actor) -> dict[str, Any] | None:
    return next(
        (m for m in await community.control.messages(channel) if f"<@{actor.user_id}>" in m["content"]), None
    )


async def _modal(actor: Actor, message: dict[str, Any]) -> Reply | None:
    reply = await actor.click(message, "Introduce yourself")
    return reply if reply.is_modal else None


async def test_intro_posts_a_card_gives_roles_and_reintro_edits_it(community: Community) -> None:
    channel = await ready(community)
    await community.control.settled(
        await community.organizer.run("schools add", name="Lincoln Elementary"), "Added"
    )
    done = await introduce(community, community.alice)
    assert done.ephemeral
    assert "Your introduction is posted" in done.text
    assert "You're now in **Teachers** and **Lincoln Elementary**" in done.text
    saved = await profile(community, community.alice)
    assert saved.name == "Alice Adams"
    assert saved.interests == ("robotics", "coding")
    assert saved.school_id is not None
    teachers = await GroupRepository(community.bot.db).by_name(int(community.guild_id), "Teachers")
    assert teachers is not None
    assert str(teachers.role_id) in await member_roles(community, community.alice)
    posted = await cards(community, channel)
    assert len(posted) == 1
    assert posted[0]["embeds"][0]["title"] == "Alice Adams"

    needs = await community.alice.click(
        done.followups[0] if done.followups else done.data | {"id": done.message_id},
        "Add what I offer and seek",
    )
    assert needs.is_modal
    saved_needs = await community.alice.submit(
        needs, {"offers": "Robotics kits to lend, https://example.org/kits", "seeks": "A business mentor"}
    )
    assert "Your card is updated" in saved_needs.text

    again = await introduce(community, community.alice, name="Alice B. Adams", title="Science coach")
    assert "Your introduction is updated" in again.text
    posted = await cards(community, channel)
    assert len(posted) == 1  # edited, never a second card
    shown = posted[0]["embeds"][0]
    assert shown["title"] == "Alice B. Adams"
    assert any(f["name"] == "I can offer" and "Robotics kits" in f["value"] for f in shown["fields"])
    form = await community.alice.run("intro me")
    prefilled = {c.get("custom_id"): c.get("value") for c in form.components}
    assert prefilled["name"] == "Alice B. Adams"


async def test_mentions_and_markdown_are_literal_and_links_only_in_offers(community: Community) -> None:
    channel = await ready(community)
    tricky = await introduce(
        community,
        community.bob,
        name="@everyone <@&123456789012345678>",
        title="**boss** <@1234567890123456789>",
    )
    assert "posted" in tricky.text
    card = (await cards(community, channel))[0]
    text = json.dumps(card)
    assert "@\\u200beveryone" in text or "@\u200beveryone" in card["embeds"][0]["title"]
    assert "\\\\*\\\\*boss" in text  # markdown escaped
    assert card.get("mentions", []) in ([], None)

    for field, value, expected in [
        ("name", "   ", "**Your name** is empty"),
        ("organization", "  ", "**School or organization** is empty"),
        ("name", "Visit https://spam.example", "Links aren't allowed in **Your name**"),
        ("interests", "coding, www.spam.example", "Links aren't allowed in **STEM interests**"),
    ]:
        refused = await introduce(community, community.alice, **{field: value})
        assert expected in refused.text, refused.text
    assert await profile(community, community.alice) is None


async def test_group_removed_before_submitting_and_member_who_left(community: Community) -> None:
    organizer, alice, _ = cast(community)
    await ready(community)
    form = await alice.runs("/intro me")
    coaches = await group_id(community, "Instructional Coaches")
    asked = await organizer.runs("/groups remove", name="Instructional Coaches")
    await organizer.clicks("Remove group", on=asked)
    await eventually(lambda: _group_gone(community, "Instructional Coaches"), what="the group removed")
    done = await alice.fills(form, name="Alice", organization="Lincoln", group=[coaches])
    assert "removed by an organizer just now" in done.text
    assert (await profile(community, community.alice)).group_id is None

    # A reminder's button opens the form in a DM; the member leaves the server before sending it.
    await community.organizer.run("intro remind")
    dm = await eventually(lambda: _dm_with_button(community.bob), what="the reminder DM")
    form = await community.bob.click(dm, "Introduce yourself")
    assert form.is_modal
    await community.control.remove_member(community.guild_id, community.bob.user_id)
    await eventually(lambda: _left(community, community.bob), what="bob gone from the cache")
    teachers = await group_id(community, "Teachers")
    gone = await community.bob.submit(form, {"name": "Bob", "organization": "Acme", "group": [teachers]})
    assert "no longer a member" in gone.text
    assert await profile(community, community.bob) is None


async def _dm_with_button(actor: Actor) -> dict[str, Any] | None:
    return next((m for m in await actor.dms() if m.get("components")), None)


async def _group_gone(community: Community, name: str) -> bool:
    return await GroupRepository(community.bot.db).by_name(int(community.guild_id), name) is None


async def _left(community: Community, actor: Actor) -> bool:
    guild = community.bot.get_guild(int(community.guild_id))
    return guild is not None and guild.get_member(int(actor.user_id)) is None


async def test_role_refused_saves_profile_and_tells_member_and_organizers(community: Community) -> None:
    await ready(community)
    announcements = await community.control.channel_id(community.guild_id, "announcements")
    guild = await community.control.guild(community.guild_id)
    await community.control.call(
        "PATCH",
        f"/guilds/{community.guild_id}/roles/{guild['bot_role_id']}",
        {"permissions": str(P.DEFAULT_BOT & ~P.MANAGE_ROLES)},
    )
    done = await introduce(community, community.alice)
    assert "didn't let me change your roles" in done.text
    assert (await profile(community, community.alice)).name == "Alice Adams"
    told = await eventually(
        lambda: said_in(community, announcements, "Manage Roles"), what="the organizers told"
    )
    assert "For organizers" in told


async def test_protected_member_visibility(community: Community) -> None:
    channel = await ready(community)
    await community.control.settled(
        await community.organizer.run("schools add", name="Lincoln Elementary"), "Added"
    )
    sam = await community.control.add_member(community.guild_id, "sam_student")
    sam.channel_id = community.general_id
    await introduce(community, sam, group="Students", name="Sam Student", title="Junior", interests="rockets")
    await introduce(community, community.alice, group="Teachers")  # Lincoln Elementary: Sam's teammate
    await introduce(
        community, community.bob, group="Business & Industry", organization="Acme Corp", seeks="rockets"
    )

    card = next(c for c in await cards(community, channel) if c["embeds"][0]["title"] == "Sam")
    assert "Junior" not in json.dumps(card)  # first name, school and group only
    for viewer in (community.organizer, community.alice):
        seen = await viewer.run("profile view", member=sam.user_id)
        assert "Sam Student" in seen.text, viewer.username
    refused = await community.bob.run("profile view", member=sam.user_id)
    assert "protected" in refused.text
    assert "Sam Student" not in (await community.bob.run("directory")).text
    assert "Sam Student" in (await community.alice.run("directory")).text
    assert "Sam Student" in (await community.organizer.run("directory", text="rockets")).text
    connect = await community.bob.run("connect", topic="rockets")
    assert "Sam" not in connect.text


async def test_delete_removes_every_row_about_the_member(community: Community) -> None:
    channel = await ready(community)
    await introduce(community, community.alice)
    await community.alice.run("groups join")  # an extra open menu changes nothing
    await community.control.settled(
        await community.organizer.run("schools add", name="Lincoln Elementary"), "Added"
    )
    await community.alice.run("schools join", school="Lincoln Elementary")
    await introduce(community, community.bob, group="Business & Industry", offers="")
    await ProfileRepository(community.bot.db).record_connection(
        int(community.guild_id),
        int(community.bob.user_id),
        int(community.alice.user_id),
        "robots",
        "",
        now=community.clock.now(),
    )
    asked = await community.alice.run("profile delete")
    await community.alice.click(asked, "Delete my data")
    done = await eventually(
        lambda: message_saying(community, community.alice, asked, "Deleted"), what="the confirmation"
    )
    assert "your intro card" in done
    assert "**Teachers**" in done
    roles = await member_roles(community, community.alice)
    guild = await community.control.guild(community.guild_id)
    bot_given = {r["id"] for r in guild["roles"] if r["name"] in ("Teachers", "Lincoln Elementary")}
    assert not roles & bot_given
    remaining = [
        c for c in await cards(community, channel) if f"<@{community.alice.user_id}>" in json.dumps(c)
    ]
    assert remaining == []
    leftovers = await rows_mentioning(community, int(community.alice.user_id))
    assert leftovers == [], leftovers


async def rows_mentioning(community: Community, user_id: int) -> list[str]:
    """Every table scanned for the user id in any column."""
    db = community.bot.db
    tables = [
        r["name"]
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%fts%' AND name != 'schema_migrations'"
        )
    ]
    found = []
    for table in tables:
        columns = [c["name"] for c in await db.fetchall(f"PRAGMA table_info({table})")]
        for column in columns:
            hit = await db.fetchval(
                f"SELECT COUNT(*) FROM {table} WHERE CAST({column} AS TEXT) = ? OR CAST({column} AS TEXT) LIKE ?",
                (str(user_id), f"%{user_id}%"),
            )
            if hit:
                found.append(f"{table}.{column}")
    return found


async def test_export_is_a_private_json_file(community: Community) -> None:
    await ready(community)
    await introduce(community, community.alice)
    exported = await community.alice.run("profile export")
    assert exported.ephemeral
    attachment = exported.raw["message"]["attachments"][0]
    assert attachment["filename"] == "my-copbot-data.json"
    stored = community.emulator.state.attachment_data[int(attachment["id"])]
    document = json.loads(stored)
    assert document["user_id"] == community.alice.user_id
    assert document["data"]["profile"]["profile"]["name"] == "Alice Adams"
    assert document["data"]["stakeholder groups"][0]["group"] == "Teachers"
    nothing = await community.bob.run("profile export")
    assert "keeps no data about you" in nothing.text


async def test_leave_hides_then_deletes_after_the_period_and_coming_back_restores(
    community: Community,
) -> None:
    channel = await ready(community)
    await introduce(community, community.alice)
    await introduce(community, community.bob, group="Business & Industry", name="Bob Baker")
    guild_id = int(community.guild_id)

    await community.control.remove_member(guild_id, community.bob.user_id)
    await eventually(lambda: _hidden(community, community.bob), what="bob's profile hidden")
    listed = (await community.alice.run("directory")).text
    assert "Alice Adams" in listed
    assert "Bob Baker" not in listed
    jobs = await community.bot.scheduler.upcoming(guild_id)
    purge = next(j for j in jobs if j.kind == PURGE_KIND)
    assert 29 <= (purge.scheduled_for - community.clock.now()).days <= 30

    # Thirty days pass: bob's profile is kept, hidden, until the period is over, then deleted.
    await community.travel(purge.scheduled_for - timedelta(minutes=1))
    assert await _hidden(community, community.bob)
    await community.travel(purge.scheduled_for)
    await eventually(lambda: _purged(community, community.bob), what="bob's data deleted")
    assert await rows_mentioning(community, int(community.bob.user_id)) == []

    # Alice leaves and comes back within the period: her profile and roles return.
    teachers = await GroupRepository(community.bot.db).by_name(guild_id, "Teachers")
    assert teachers is not None
    await community.control.remove_member(guild_id, community.alice.user_id)
    await eventually(lambda: _hidden(community, community.alice), what="alice hidden")
    await community.control.call(
        "POST",
        f"/guilds/{guild_id}/members",
        {"username": "alice_teacher", "user_id": community.alice.user_id},
    )
    await eventually(lambda: _shown(community, community.alice), what="alice shown again")
    await eventually(lambda: _has_role(community, community.alice, str(teachers.role_id)), what="role back")
    assert [j for j in await community.bot.scheduler.upcoming(guild_id) if j.kind == PURGE_KIND] == []
    assert len(await cards(community, channel)) >= 1


async def test_a_member_without_a_profile_who_leaves_loses_their_memberships_after_the_period(
    community: Community,
) -> None:
    _, _, bob = cast(community)
    await ready(community)
    await bob.joins("Teachers")
    guild_id = int(community.guild_id)
    await community.control.remove_member(guild_id, community.bob.user_id)
    purge = await eventually(lambda: _purge_job(community), what="the purge job")
    assert purge.owner == purge_owner(purge.payload["departure"])
    assert str(community.bob.user_id) not in purge.owner + str(purge.payload)
    await community.travel(purge.scheduled_for - timedelta(minutes=1))
    assert not await _no_rows(community, community.bob)  # kept until the period is over
    await community.travel(purge.scheduled_for)
    await eventually(lambda: _no_rows(community, community.bob), what="bob's memberships deleted")


async def _purge_job(community: Community) -> Any:
    jobs = await community.bot.scheduler.upcoming(int(community.guild_id))
    return next((j for j in jobs if j.kind == PURGE_KIND), None)


async def _no_rows(community: Community, actor: Actor) -> bool:
    return await rows_mentioning(community, int(actor.user_id)) == []


async def _hidden(community: Community, actor: Actor) -> bool:
    found = await profile(community, actor)
    return found is not None and found.left_at is not None


async def _shown(community: Community, actor: Actor) -> bool:
    found = await profile(community, actor)
    return found is not None and found.left_at is None


async def _purged(community: Community, actor: Actor) -> bool:
    return await profile(community, actor) is None


async def _has_role(community: Community, actor: Actor, role_id: str) -> bool:
    return role_id in await member_roles(community, actor)


async def test_welcome_dm_optional_and_reminders_fall_back_to_mentions(community: Community) -> None:
    channel = await ready(community)
    await community.organizer.run("intro settings", dm_welcome=True)
    open_dms = await community.control.add_member(community.guild_id, "olga_open")
    closed = await community.control.add_member(community.guild_id, "carl_closed", dms_open=False)
    await eventually(lambda: _dm_with_button(open_dms), what="the welcome DM")
    await eventually(lambda: _welcome(community, channel, closed), what="carl welcomed in the channel")
    assert await closed.dms() == []

    await introduce(community, community.alice)
    reminded = await community.organizer.run("intro remind")
    reminded = await community.control.settled(reminded, "by direct message")
    # By DM: the server owner, the organizer, bob and olga; carl (DMs closed) is mentioned; alice introduced.
    assert "Reminded 4 members by direct message" in reminded.text
    assert "1 member had direct messages closed" in reminded.text
    mention = await eventually(
        lambda: said_in(community, channel, "Please take a minute to introduce yourself"), what="the mention"
    )
    assert f"<@{closed.user_id}>" in mention
    assert f"<@{community.alice.user_id}>" not in mention
    again = await community.organizer.run("intro remind")
    again = await community.control.settled(again, "already reminded")
    assert "Everyone has introduced themselves or was already reminded" in again.text
    assert "Only organizers" in (await community.alice.run("intro remind")).text


async def test_stats_for_cop_stats(community: Community) -> None:
    from cogs.admin import stats_embed

    await ready(community)
    await introduce(community, community.alice)
    await introduce(community, community.bob, group="Business & Industry", organization="Acme Corp")
    guild = community.bot.get_guild(int(community.guild_id))
    assert guild is not None
    shown = (await stats_embed(community.bot, guild)).to_dict()
    assert "**2 members** of 4 have introduced themselves" in shown["description"]  # with owner and organizer
    fields = {f["name"]: f["value"] for f in shown["fields"]}
    assert fields["By stakeholder group"] == "Business & Industry: 1\nTeachers: 1"
    assert fields["By school or organization"] == "Acme Corp: 1\nLincoln Elementary: 1"


async def test_two_members_filling_the_form_at_once_each_get_their_own(community: Community) -> None:
    # discord.py finds an open form by its custom_id alone: two members' forms must never share one.
    await ready(community)
    teachers = await group_id(community, "Teachers")
    business = await group_id(community, "Business & Industry")
    alice_form = await community.alice.run("intro me")
    bob_form = await community.bob.run("intro me")
    alice_done = await community.alice.submit(
        alice_form, {"name": "Alice Adams", "organization": "Lincoln Elementary", "group": [teachers]}
    )
    bob_done = await community.bob.submit(
        bob_form, {"name": "Bob Baker", "organization": "Acme Robotics", "group": [business]}
    )
    assert "Thanks, Alice Adams!" in alice_done.text
    assert "Thanks, Bob Baker!" in bob_done.text
    alice, bob = await profile(community, community.alice), await profile(community, community.bob)
    assert (alice.name, alice.group_id) == ("Alice Adams", int(teachers))
    assert (bob.name, bob.group_id) == ("Bob Baker", int(business))

    alice_needs = await community.alice.run("intro needs")
    bob_needs = await community.bob.run("intro needs")
    await community.alice.submit(alice_needs, {"offers": "classroom visits"})
    bob_saved = await community.bob.submit(bob_needs, {"offers": "internships"})
    assert "Saved." in bob_saved.text
    assert (await profile(community, community.alice)).offers == "classroom visits"
    assert (await profile(community, community.bob)).offers == "internships"
