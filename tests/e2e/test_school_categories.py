"""School teams past Discord's 50 channels per category: alphabetical categories, reruns, hand-made changes,
refusals before anything is created, and an honest answer when Discord refuses part way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
import pytest

from emulator.driver import Reply
from storage.schools import SchoolRepository
from tests.e2e.community import Community, eventually
from tests.e2e.statewide import school_names

FIRST, SECOND = "School teams A–K", "School teams L–Z"  # how 61 seed names split (31 and 30)


def as_csv(names: list[str]) -> str:
    return "name,district\n" + "".join(f"{n},Statewide\n" for n in names)


async def import_schools(community: Community, names: list[str], expect: str = "Imported") -> Reply:
    reply = await community.organizer.run(
        "schools import", file={"filename": "schools.csv", "content": as_csv(names)}
    )
    return await community.control.settled(reply, expect, within=60)


async def setup(community: Community) -> Reply:
    reply = await community.organizer.run("schools setup")
    return await community.control.settled(reply, "ready", within=60)


async def layout(community: Community) -> dict[str, str | None]:
    """Channel name → its category's name, as Discord (the emulator) holds them."""
    guild = await community.control.guild(community.guild_id)
    names = {c["id"]: c["name"] for c in guild["channels"]}
    return {c["name"]: names.get(c.get("parent_id")) for c in guild["channels"] if c["type"] == 0}


async def category_id(community: Community, name: str) -> str:
    guild = await community.control.guild(community.guild_id)
    return next(c["id"] for c in guild["channels"] if c["type"] == 4 and c["name"] == name)


async def bot_sees(community: Community, check: Callable[[discord.Guild], bool], what: str) -> None:
    """Wait until the bot's cache (fed by gateway events) reflects a change made by hand."""

    async def seen() -> bool:
        guild = community.bot.get_guild(int(community.guild_id))
        return guild is not None and check(guild)

    await eventually(seen, what=what)


def slug(name: str) -> str:
    return "-".join(name.casefold().split())


def expected_category(name: str) -> str:
    return FIRST if name[0].upper() <= "K" else SECOND


async def test_sixty_one_teams_fill_two_categories_named_by_letters(community: Community) -> None:
    names = school_names(61)
    done = await import_schools(community, names)
    assert "Imported 61 schools" in done.text
    assert f"**{FIRST}** (31)" in done.text
    assert f"**{SECOND}** (30)" in done.text
    where = await layout(community)
    for name in names:
        assert where[slug(name)] == expected_category(name), name
    ranges = await community.bot.db.fetchall(
        "SELECT first_key FROM structure_ranges WHERE kind = 'schools' ORDER BY first_key"
    )
    assert [r["first_key"] for r in ranges] == ["", "l"]

    again = await setup(community)
    assert "Found 122 roles and channels already in place" in again.text
    assert "Created" not in again.text
    assert "Moved" not in again.text
    assert await layout(community) == where


async def test_rerun_rebuilds_a_deleted_category_and_leaves_a_hand_moved_channel(
    community: Community,
) -> None:
    names = school_names(61)
    await import_schools(community, names)
    repo = SchoolRepository(community.bot.db)
    second = await category_id(community, SECOND)
    await community.control.call("DELETE", f"/channels/{second}")
    events = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/channels", {"name": "Family night", "type": 4}
    )
    agua = await repo.by_name(int(community.guild_id), names[0])
    buckeye = await repo.by_name(int(community.guild_id), names[3])
    assert agua is not None
    assert buckeye is not None
    await community.control.call("PATCH", f"/channels/{agua.channel_id}", {"parent_id": events["id"]})
    await community.control.call("DELETE", f"/channels/{buckeye.channel_id}")

    def changed(guild: discord.Guild) -> bool:
        moved = guild.get_channel(agua.channel_id or 0)
        return (
            guild.get_channel(int(second)) is None
            and guild.get_channel(buckeye.channel_id or 0) is None
            and moved is not None
            and moved.category_id == int(events["id"])
        )

    await bot_sees(community, changed, "the hand-made changes")

    repaired = await setup(community)
    assert f"Created the category **{SECOND}**" in repaired.text
    assert f"30 into **{SECOND}**" in repaired.text
    assert f"Left <#{agua.channel_id}> (in **Family night**) where someone moved it by hand" in repaired.text
    assert "Created <#" in repaired.text  # Buckeye Elementary's channel again
    where = await layout(community)
    assert where[slug(names[0])] == "Family night"
    for name in names[1:]:
        assert where[slug(name)] == expected_category(name), name

    quiet = await setup(community)
    assert "Moved" not in quiet.text
    assert "Created" not in quiet.text
    assert "Left <#" in quiet.text  # still said, still left alone


async def test_the_fifty_first_team_splits_the_category_and_says_what_moved(community: Community) -> None:
    names = school_names(61)
    first, last = names[:50], names[50]
    await import_schools(community, first)
    before = await layout(community)
    assert {before[slug(n)] for n in first} == {"School teams"}

    reply = await community.organizer.run("schools add", name=last, district="Statewide")
    done = await community.control.settled(reply, "Added", within=60)
    assert "Renamed the category **School teams** to" in done.text
    assert "Moved" in done.text
    assert "categories, by name" in done.text
    where = await layout(community)
    placed = [where[slug(n)] for n in names[:51]]
    categories = set(placed)
    assert len(categories) == 2
    assert all(v and v.startswith("School teams ") for v in categories)
    counts = {c: placed.count(c) for c in categories}
    assert sum(counts.values()) == 51
    assert max(counts.values()) <= 50


async def test_a_category_that_would_pass_fifty_is_refused_before_anything_is_created(
    community: Community,
) -> None:
    made = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/channels", {"name": "School teams", "type": 4}
    )
    for n in range(10):
        await community.control.call(
            "POST", f"/guilds/{community.guild_id}/channels", {"name": f"notes-{n}", "parent_id": made["id"]}
        )
    await bot_sees(
        community,
        lambda g: sum(1 for c in g.channels if c.category_id == int(made["id"])) == 10,
        "the ten channels",
    )
    roles_before = len((await community.control.guild(community.guild_id))["roles"])
    refused = await import_schools(community, school_names(45), expect="Nothing was created")
    assert "The category **School teams** would need 55 channels" in refused.text
    assert "10 other channels are already in it" in refused.text
    assert "Something went wrong" not in refused.text
    assert len((await community.control.guild(community.guild_id))["roles"]) == roles_before
    assert await SchoolRepository(community.bot.db).all(int(community.guild_id)) == []


async def test_the_server_channel_cap_is_checked_before_anything_is_created(community: Community) -> None:
    guild = await community.control.guild(community.guild_id)
    filler = 470 - len(guild["channels"])
    for n in range(filler):
        await community.control.call("POST", f"/guilds/{community.guild_id}/channels", {"name": f"room-{n}"})
    await bot_sees(community, lambda g: len(g.channels) == 470, "470 channels")
    refused = await import_schools(community, school_names(61), expect="Nothing was created")
    assert "This would need 533 channels, but a Discord server can hold 500" in refused.text
    assert "at least 33 channels" in refused.text
    assert await SchoolRepository(community.bot.db).all(int(community.guild_id)) == []


@pytest.mark.discord_refusal_expected  # the hand-filled category makes Discord refuse on purpose
async def test_discord_refusing_part_way_says_what_exists_and_a_rerun_finishes(community: Community) -> None:
    # The two categories go through; the first team channel is held while someone fills the first
    # category by hand, so Discord refuses it (50035 CHANNEL_PARENT_MAX_CHANNELS) after 61 roles exist.
    route = "POST /guilds/{guild_id}/channels"
    await community.control.fault("slow", route=route, count=2, delay=0)
    await community.control.fault("hold", route=route, count=1)
    names = school_names(61)
    reply = await community.organizer.run(
        "schools import", file={"filename": "schools.csv", "content": as_csv(names)}
    )

    async def held() -> bool:
        return await community.control.held() == 1

    await eventually(held, what="the first team channel held", within=60)
    first = await category_id(community, FIRST)
    intruders: list[Any] = []
    for n in range(50):
        intruders.append(
            await community.control.call(
                "POST", f"/guilds/{community.guild_id}/channels", {"name": f"club-{n}", "parent_id": first}
            )
        )
    assert await community.control.release() == 1
    done = await community.control.settled(reply, "nothing will be made twice", within=60)
    assert f"the category **{FIRST}** already holds Discord's limit of 50 channels" in done.text
    assert "This run created 61 roles, 0 channels and 2 categories" in done.text
    assert "now 61 of 61 school team roles and 0 of 61 school team channels exist" in done.text
    assert "run `/schools setup` again to finish" in done.text
    assert "nothing was changed" not in done.text
    schools = await SchoolRepository(community.bot.db).all(int(community.guild_id))
    assert len(schools) == 61
    assert all(s.role_id for s in schools)

    for channel in intruders:
        await community.control.call("DELETE", f"/channels/{channel['id']}")
    await bot_sees(
        community, lambda g: not any(c.name.startswith("club-") for c in g.channels), "the clubs gone"
    )
    finished = await setup(community)
    assert "Created 61 channels." in finished.text
    assert "Created the role" not in finished.text
    where = await layout(community)
    for name in names:
        assert where[slug(name)] == expected_category(name), name
