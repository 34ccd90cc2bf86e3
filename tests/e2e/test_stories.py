"""Value stories end to end: `/story tell`, `settings`, `mine`, `list`, the prompt after a meeting ends (DM,
else a mention in the meeting's channel), the follow-up weeks later, restarts, and personal data."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from cogs.stories.jobs import CONTINUED
from storage.meetings import MeetingRepository, RsvpStatus
from storage.profiles import ProfileRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.meetings import allowed_mentions, pinged_users, schedule
from tests.e2e.steps.server import posts, start_before_the_guild_arrives
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
    [sent] = await allowed_mentions(community, PROMPT)
    assert pinged_users(sent) == [closed.user_id]  # only the member prompted there
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
    listed = await community.organizer.run("story list")
    assert f"<@{closed.user_id}>" in listed.text  # shareable, named: agreed
    assert "A new way" not in listed.text  # alice's story is private
    await community.restart()  # the follow-ups are durable jobs, and the buttons persistent
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
    leaver = await community.control.add_member(community.guild_id, "lee_leaves")
    meeting_id, ends = await meeting_that_ends(community, going=[community.alice, community.bob, leaver])
    await community.control.remove_member(community.guild_id, leaver.user_id)
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
    assert count == 3
    assert await prompts_in_dms(leaver) == []  # left the server before the end


async def test_prompts_due_during_downtime_reach_everyone_exactly_once(community: Community) -> None:
    leaver = await community.control.add_member(community.guild_id, "lee_leaves")
    meeting_id, ends = await meeting_that_ends(community, going=[community.alice, community.bob, leaver])
    await community.control.remove_member(community.guild_id, leaver.user_id)
    await community.runner.stop()
    community.clock.set(ends + timedelta(hours=3))  # the meeting ended while the bot was down
    await start_before_the_guild_arrives(community, "story.prompt")
    await dm_prompt(community.alice)
    await dm_prompt(community.bob)
    await community.bot.scheduler.idle()
    await community.restart()
    await community.advance(timedelta(hours=1))
    assert len(await prompts_in_dms(community.alice)) == 1
    assert len(await prompts_in_dms(community.bob)) == 1
    rows = await community.bot.db.fetchall(
        "SELECT sent_via FROM story_prompts WHERE meeting_id = ?", (meeting_id,)
    )
    # Who is there and who left is read from the server once it has arrived: nobody present is taken
    # for gone, and the member who left isn't prompted.
    assert sorted(r["sent_via"] for r in rows) == ["dm", "dm", "none"]
    assert await prompts_in_dms(leaver) == []


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
    choices = await community.alice.autocomplete("story mine", "delete", delete="mentor")
    assert [c["value"] for c in choices] == [1]
    assert await community.bob.autocomplete("story mine", "delete", delete="") == []  # only one's own
    _, meeting_id = await schedule(community, title="Coding circle")
    found = await community.alice.autocomplete("story tell", "meeting", meeting="coding")
    assert [c["value"] for c in found] == [meeting_id]
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


async def test_closed_dms_are_mentioned_at_most_100_a_message_and_deleting_takes_the_mention_off(
    community: Community,
) -> None:
    closed = [
        await community.control.add_member(community.guild_id, f"closed_{n}", dms_open=False)
        for n in range(101)
    ]
    meeting_id, ends = await meeting_that_ends(community, going=[])
    meetings = MeetingRepository(community.bot.db)
    for actor in closed:  # as if each had clicked Going
        await meetings.write_answer(
            int(community.guild_id),
            meeting_id,
            int(actor.user_id),
            RsvpStatus.GOING,
            now=community.clock.now(),
        )
    await community.travel(ends + timedelta(minutes=1))
    found = await eventually(lambda: _two(_prompt_posts(community, meeting_id)), what="two prompt posts")
    mentioned = [u for m in found for u in re.findall(r"<@(\d+)>", m["content"])]
    assert sorted(mentioned) == sorted(a.user_id for a in closed)  # each exactly once
    sent = await allowed_mentions(community, PROMPT) + await allowed_mentions(community, CONTINUED)
    assert sorted(u for m in sent for u in pinged_users(m)) == sorted(a.user_id for a in closed)
    assert all(len(pinged_users(m)) <= 100 for m in sent)
    first = closed[0]
    erased = await community.bot.personal_data.erase(int(community.guild_id), int(first.user_id))
    assert erased.remains == ()

    async def gone() -> bool | None:
        texts = [m["content"] for m in await _prompt_posts(community, meeting_id)]
        return (not any(f"<@{first.user_id}>" in t for t in texts)) or None

    await eventually(gone, what="the deleted member's mention taken off")
    assert len(found) == 2


async def _prompt_posts(community: Community, meeting_id: int) -> list[dict[str, Any]]:
    return [
        m
        for m in await community.control.messages(community.general_id)
        if f"story:ask:{meeting_id}" in str(m["components"])
    ]


async def _two(found: Awaitable[list[dict[str, Any]]]) -> list[dict[str, Any]] | None:
    result = await found
    return result if len(result) == 2 else None


async def test_links_to_a_connect_introduction_and_the_follow_up_setting(community: Community) -> None:
    refused = await community.alice.run("story tell", connect=community.bob.user_id)
    assert "weren't introduced" in refused.text
    assert refused.ephemeral
    await ProfileRepository(community.bot.db).record_connection(
        int(community.guild_id),
        int(community.bob.user_id),
        int(community.alice.user_id),
        "",
        "",
        now=community.clock.now(),
    )
    reply = await tell(community.alice, "Bob showed me his lab", connect=community.bob.user_id)
    assert "/connect introduction" in reply.text
    [row] = await _stories(community)
    assert row["link_kind"] == "connect"
    both = await community.alice.run("story tell", connect=community.bob.user_id, meeting=1)
    assert "one thing" in both.text or "no meeting" in both.text
    setting = await community.organizer.run("story followup", days=14)
    assert "14 days" in setting.text
    member = await community.alice.run("story followup", days=3)
    assert "organizer" in member.text.lower()
    _meeting_id, ends = await meeting_that_ends(community, going=[community.alice])
    await community.travel(ends + timedelta(minutes=1))
    answered = await answer(community.alice, await dm_prompt(community.alice), "An idea")
    assert "check in once more" in answered.text
    await community.travel(ends + timedelta(days=14, minutes=2))
    await dm_prompt(community.alice, FOLLOWUP)


async def test_turning_questions_off_stops_a_planned_follow_up(community: Community) -> None:
    _, ends = await meeting_that_ends(community, going=[community.alice])
    await community.travel(ends + timedelta(minutes=1))
    await answer(community.alice, await dm_prompt(community.alice), "A rubric to try")
    await community.alice.run("story settings", prompts="off")
    await community.travel(ends + timedelta(days=29))
    assert await prompts_in_dms(community.alice, FOLLOWUP) == []
    states = await community.bot.db.fetchall("SELECT state FROM jobs WHERE kind = 'story.followup'")
    assert [r["state"] for r in states] == ["skipped"]
