"""Value stories end to end: `/story tell`, `settings`, `mine`, `list`, the prompt after a meeting ends (DM,
else a mention in the meeting's channel), the follow-up weeks later, restarts, and personal data."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.community import Community, eventually
from tests.e2e.steps.server import posts
from tests.e2e.steps.stories import (
    FOLLOWUP,
    PROMPT,
    answer,
    dm_prompt,
    meeting_that_ends,
    prompts_in_dms,
    tell,
)


async def _stories(community: Community) -> list[dict[str, object]]:
    rows = await community.bot.db.fetchall("SELECT * FROM stories ORDER BY id")
    return [dict(r) for r in rows]


async def test_prompt_after_a_meeting_then_the_follow_up(community: Community) -> None:
    closed = await community.control.add_member(community.guild_id, "cleo_closed", dms_open=False)
    quiet = await community.control.add_member(community.guild_id, "quinn_quiet")
    maybe = await community.control.add_member(community.guild_id, "mo_maybe")
    off = await quiet.run("story settings", prompts="off")
    assert "off" in off.text
    assert off.ephemeral
    meeting_id, ends = await meeting_that_ends(
        community, going=[community.alice, closed, quiet], here=[community.bob]
    )
    await maybe.click(await _card(community, meeting_id), "Maybe")
    await community.travel(ends - timedelta(seconds=1))
    assert await prompts_in_dms(community.alice) == []  # not before the end
    await community.advance(timedelta(seconds=1))
    alice_prompt = await dm_prompt(community.alice)
    await dm_prompt(community.bob)  # checked in
    assert "@everyone" not in alice_prompt["content"].replace("@\u200beveryone", "")
    [post] = await eventually(lambda: posts(community, PROMPT), what="the channel prompt")
    assert f"<@{closed.user_id}>" in post["content"]
    assert f"<@{community.alice.user_id}>" not in post["content"]
    assert await prompts_in_dms(quiet) == []
    assert await prompts_in_dms(maybe) == []
    # Someone who wasn't prompted can't use the channel's button.
    refused = await maybe.click(post, post["components"][0]["components"][0]["custom_id"])
    assert "for the members who came" in refused.text
    assert refused.ephemeral
    thanks = await answer(community.alice, alice_prompt, "A new way to run robotics club.")
    assert "story #1 is saved" in thanks.text
    assert "check in once more" in thanks.text
    thanks = await answer(closed, post, "Contacts at the science museum", consent="shareable", named="yes")
    assert "with your name" in thanks.text
    rows = await _stories(community)
    assert [(r["author_id"], r["cycle"], r["link_kind"], r["link_id"]) for r in rows] == [
        (int(community.alice.user_id), "potential", "meeting", meeting_id),
        (int(closed.user_id), "potential", "meeting", meeting_id),
    ]
    # A second answer to the same prompt plans no second follow-up; the follow-up comes after 28 days.
    await answer(community.alice, alice_prompt, "And one more thing.")
    await community.travel(ends + timedelta(days=28, minutes=5))
    followup = await dm_prompt(community.alice, FOLLOWUP)
    assert len(await prompts_in_dms(community.alice, FOLLOWUP)) == 1
    assert await prompts_in_dms(community.bob, FOLLOWUP) == []  # bob didn't answer
    assert len(await prompts_in_dms(community.alice)) == 1  # and still one prompt per meeting
    [closed_followup] = await eventually(lambda: posts(community, FOLLOWUP), what="the channel follow-up")
    assert f"<@{closed.user_id}>" in closed_followup["content"]
    done = await answer(community.alice, followup, "The club built a working rover!", cycle="realized")
    assert "saved" in done.text
    assert "check in once more" not in done.text
    assert (await _stories(community))[-1]["cycle"] == "realized"


async def _card(community: Community, meeting_id: int) -> dict[str, object]:
    from tests.e2e.steps.meetings import card

    return await card(community, meeting_id)


async def test_each_prompt_exactly_once_across_restarts(community: Community) -> None:
    meeting_id, ends = await meeting_that_ends(community, going=[community.alice, community.bob])
    await community.restart()
    await community.jump(ends + timedelta(minutes=1))  # the bot was down when the meeting ended
    await dm_prompt(community.alice)
    await dm_prompt(community.bob)
    await community.restart()
    await community.advance(timedelta(hours=1))
    assert len(await prompts_in_dms(community.alice)) == 1
    assert len(await prompts_in_dms(community.bob)) == 1
    count = await community.bot.db.fetchval(
        "SELECT COUNT(*) FROM story_prompts WHERE meeting_id = ?", (meeting_id,)
    )
    assert count == 2


async def test_a_long_story_with_mentions_is_kept_as_typed_and_never_pings(community: Community) -> None:
    text = ("@everyone <@" + community.bob.user_id + "> @here ") * 40
    text = (text + "x" * 4000)[:4000]
    reply = await tell(community.alice, text, consent="shareable", named="no")
    assert "story #1 is saved" in reply.text
    assert reply.ephemeral
    [row] = await _stories(community)
    assert row["text"] == text
    assert row["consent"] == "shareable"
    assert row["named"] == 0
    mine = await community.alice.run("story mine")
    assert mine.ephemeral
    assert "#1" in mine.text
    assert "<@" + community.bob.user_id + ">" not in mine.text
    listed = await community.organizer.run("story list")
    assert listed.ephemeral
    assert "name not shared" in listed.text
    assert "fewer than 5" in listed.text
    assert f"<@{community.alice.user_id}>" not in listed.text
    refused = await community.alice.run("story list")
    assert refused.ephemeral
    assert "organizer" in refused.text.lower()
    for request in await community.control.requests():
        body = request.get("json")
        if isinstance(body, dict):
            assert "everyone" not in str((body.get("allowed_mentions") or {}).get("parse", []))


async def test_tell_links_settings_mine_and_delete(community: Community) -> None:
    refused = await community.alice.run("story tell", meeting=999)
    assert refused.ephemeral
    assert "no meeting #999" in refused.text
    empty = await tell(community.alice, "   ")
    assert "empty" in empty.text
    assert await _stories(community) == []
    await tell(community.alice, "Met a mentor", cycle="immediate")
    settings = await community.alice.run("story settings")
    assert "**on**" in settings.text
    other = await community.bob.run("story mine", delete=1)
    assert "no story #1" in other.text
    asked = await community.alice.run("story mine", delete=1)
    confirmed = await community.alice.click(asked, "Delete")
    assert "deleted" in confirmed.text
    assert await _stories(community) == []


async def test_export_and_delete(community: Community) -> None:
    _, ends = await meeting_that_ends(community, going=[community.alice])
    await community.travel(ends + timedelta(minutes=1))
    prompt = await dm_prompt(community.alice)
    await answer(community.alice, prompt, "Great ideas")
    guild, user = int(community.guild_id), int(community.alice.user_id)
    exported = await community.bot.personal_data.export(guild, user)
    assert exported["value stories"]["stories"][0]["text"] == "Great ideas"
    erased = await community.bot.personal_data.erase(guild, user)
    assert erased.removed["value stories"] >= 2
    for table in ("stories", "story_prompts", "story_posts", "story_member_settings"):
        assert await community.bot.db.fetchval(f"SELECT COUNT(*) FROM {table}") == 0
