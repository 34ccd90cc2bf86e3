"""`/directory` and `/connect` end to end: filters, paging, autocomplete, FTS syntax, cross-sector ranking."""

from __future__ import annotations

from typing import Any

from bot.ui import LIVE_LISTS
from emulator.driver import Actor
from storage.profiles import ProfileRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.introductions import introduce, ready
from tests.e2e.steps.server import person
from tests.e2e.steps.story import cast, member


async def test_filters_paging_and_autocomplete(community: Community) -> None:
    _, alice, bob = cast(community)
    await ready(community)
    await alice.introduces(
        name="Alice Adams",
        interests="robotics, coding",
        offers="Robotics club lesson plans",
        seeks="Grant writing help",
    )
    await bob.introduces(
        group="Business & Industry",
        name="Bob Baker",
        organization="Acme Corp",
        interests="manufacturing",
        offers="Factory tours and grant writing",
    )
    for n in range(12):
        extra = member(community, await person(community, f"teacher{n}"))
        await extra.introduces(name=f"Teacher {n:02d}", organization="Roosevelt Middle", interests="ecology")

    everyone = await community.alice.run("directory")
    assert everyone.ephemeral
    assert "Directory — 14 members" in everyone.text
    assert "Page 1 of 2" in everyone.text
    following = await community.alice.click(everyone, "Next")
    assert "Page 2 of 2" in following.text

    by_group = await community.alice.run("directory", group="Business & Industry")
    assert "Bob Baker" in by_group.text
    assert "Alice Adams" not in by_group.text
    by_school = await community.alice.run("directory", school="acme")
    assert "Directory — 1 member" in by_school.text
    by_interest = await community.alice.run("directory", interest="Robotics")
    assert "Alice Adams" in by_interest.text
    assert "Teacher 00" not in by_interest.text
    offering = await community.alice.run("directory", offering="grant")
    assert "Bob Baker" in offering.text
    assert "Alice Adams" not in offering.text  # she *seeks* grant writing
    seeking = await community.bob.run("directory", seeking="grant")
    assert "Alice Adams" in seeking.text
    assert "Bob Baker" not in seeking.text
    text = await community.alice.run("directory", text="factory")
    assert "**Factory**" in text.text  # the snippet marks the match
    nobody = await community.alice.run("directory", text="zeppelin")
    assert "Nobody matches text: zeppelin" in nobody.text

    interests = await community.alice.autocomplete("directory", "interest", interest="rob")
    assert [c["value"] for c in interests] == ["robotics"]
    schools = await community.alice.autocomplete("directory", "school", school="roos")
    assert [c["value"] for c in schools] == ["Roosevelt Middle"]


async def seed_teachers(community: Community, count: int) -> None:
    """`count` profiles written straight into the bot's database (quicker than `count` introductions)."""
    stamp = "2026-10-14T17:00:00.000000Z"
    await community.bot.db.executemany(
        "INSERT INTO profiles (guild_id, user_id, name, organization, title, interests, offers, seeks,"
        " created_at, updated_at) VALUES (?, ?, ?, 'Roosevelt Middle', 'teacher', 'ecology', '', '', ?, ?)",
        [(int(community.guild_id), 900 + n, f"Teacher {n:02d}", stamp, stamp) for n in range(count)],
    )


async def test_more_profiles_than_a_reply_holds_are_not_counted_but_said(community: Community) -> None:
    await ready(community)
    await seed_teachers(community, 60)
    shown = await community.alice.run("directory")
    assert "Directory — more than 50 members (the first 50 shown; add a filter to narrow)" in shown.text
    narrowed = await community.alice.run("directory", text="Teacher 07")
    assert "Directory — 1 member" in narrowed.text


async def test_a_members_oldest_lists_stop_working_when_they_open_more(community: Community) -> None:
    await ready(community)
    await seed_teachers(community, 30)
    lists = [await community.alice.run("directory") for _ in range(LIVE_LISTS + 1)]
    oldest = (await community.control.interaction(lists[0].interaction_id)).raw["message"]
    buttons = [c for row in oldest["components"] for c in row["components"]]
    assert buttons
    assert all(button.get("disabled") for button in buttons)  # turned off in place, as after a timeout
    for kept in lists[1:]:
        assert "Page 2 of" in (await community.alice.click(kept, "Next")).text
    # Another member's lists are their own: Alice's don't count against Bob's.
    theirs = await community.bob.run("directory")
    assert "Page 2 of" in (await community.bob.click(theirs, "Next")).text


async def test_fts_syntax_never_raises(community: Community) -> None:
    await ready(community)
    await introduce(community, community.alice, interests="robotics")
    for typed in [
        '"',
        "AND(",
        "*",
        "NEAR",
        'robot" OR "x',
        "NEAR(a b",
        "-",
        "^robot",
        "col:robot",
        "(((",
        "AND OR NOT",
    ]:
        for option in ("text", "offering", "seeking"):
            reply = await community.alice.run("directory", **{option: typed})
            assert reply.ephemeral
            assert "Something went wrong" not in reply.text, (option, typed, reply.text)
    found = await community.alice.run("directory", text='robot*" AND(')
    assert "Alice Adams" in found.text


async def test_connect_ranks_cross_sector_matches_first_and_records_introductions(
    community: Community,
) -> None:
    await ready(community)
    await community.control.settled(
        await community.organizer.run("schools add", name="Lincoln Elementary"), "Added"
    )
    await introduce(
        community,
        community.alice,
        group="Teachers",
        organization="Lincoln Elementary",
        name="Alice Adams",
        seeks="a robotics mentor and grant writing",
    )
    same = await person(community, "tom_teacher")
    await introduce(
        community,
        same,
        group="Teachers",
        organization="Lincoln Elementary",
        name="Tom Same",
        interests="chess",
        offers="robotics lessons and grant writing",
    )
    other = await person(community, "erin_engineer")
    await introduce(
        community,
        other,
        group="STEM Experts",
        organization="Phoenix Robotics Lab",
        name="Erin Other",
        interests="chess",
        offers="robotics mentoring and grant writing",
    )
    unrelated = await person(community, "uma_unrelated")
    await introduce(
        community,
        unrelated,
        group="Parents & Families",
        name="Uma Unrelated",
        interests="poetry",
        offers="bake sales",
    )

    reply = await community.alice.run("connect")
    assert reply.ephemeral
    text = reply.text
    assert text.index("Erin Other") < text.index("Tom Same")  # another sector and school first
    assert "another sector (STEM Experts)" in text
    assert "can offer robotics" in text
    assert "Uma Unrelated" not in text
    assert "Alice Adams" not in text  # never oneself

    introduced = await community.alice.click(reply, "Introduce me to 1")
    assert introduced.type == 7  # the button is disabled in place; the outcome follows privately
    dms = await eventually(lambda: _dm_from_bot(other), what="Erin told about Alice")
    assert f"<@{community.alice.user_id}>" in dms
    assert await ProfileRepository(community.bot.db).connection_count(int(community.guild_id)) == 1

    topic = await community.bob.run("connect", topic="bake sales")
    assert "Uma Unrelated" in topic.text
    nothing = await community.bob.run("connect")
    assert "Tell me what you're looking for" in nothing.text
    no_match = await community.bob.run("connect", topic="submarines")
    assert "Nobody's profile matches" in no_match.text
    punctuation = await community.bob.run("connect", topic='"*(')
    assert "Something went wrong" not in punctuation.text


async def _dm_from_bot(actor: Actor) -> str | None:
    messages: list[dict[str, Any]] = await actor.dms()
    return next((m["content"] for m in messages if "would like to connect" in m["content"]), None)
