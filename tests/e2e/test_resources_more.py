"""The resource library end to end: search, saving a message, forum mode, channel faults and the digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.resources.digest import DIGEST_KIND, DIGEST_OWNER
from storage.jobs import JobState
from tests.e2e.community import Community, eventually
from tests.e2e.steps.resources import cards, resource_number, share
from tests.e2e.steps.server import message_saying

FORUM = 15


def repo(community: Community) -> Any:
    return community.bot.get_cog("Resources").repo  # type: ignore[union-attr]


# -- search -----------------------------------------------------------------------------------------------


async def test_search_ranks_titles_first_matches_prefixes_and_filters(library: Community) -> None:
    await share(
        library,
        url="https://a.example.org",
        title="Family night ideas",
        description="Invite parents to a robotics showcase",
        tags="Family Engagement",
        grades="3-5",
    )
    await share(
        library,
        url="https://b.example.org",
        title="Robotics club starter kit",
        description="Everything for a first season",
        tags="Engineering",
        grades="6-8",
        kind="program",
    )
    found = await library.alice.run("resource search", query="robotics")
    assert found.ephemeral
    assert found.text.index("Robotics club starter kit") < found.text.index("Family night ideas")
    prefix = await library.alice.run("resource search", query="robo")
    assert "Robotics club" in prefix.text
    assert "Family night" in prefix.text
    by_tag = await library.alice.run("resource search", query="robotics", tag="family engagement")
    assert "Family night ideas" in by_tag.text
    assert "Robotics club" not in by_tag.text
    by_grades = await library.alice.run("resource search", query="robotics", grades="6-8")
    assert "Robotics club" in by_grades.text
    assert "Family night" not in by_grades.text
    by_kind = await library.alice.run("resource search", query="robotics", kind="lesson")
    assert "Nothing matched" in by_kind.text
    by_tag_word = await library.alice.run("resource search", query="engineering")
    assert "Robotics club" in by_tag_word.text  # tags are searched too


@pytest.mark.parametrize(
    "query",
    ['"', "AND(", "*", "NEAR", "-", "'", 'robotics" AND( NEAR(kit*', "-robotics", "robotics*", "x" * 5000],
)
async def test_fts_syntax_never_raises(library: Community, query: str) -> None:
    await share(library, url="https://b.example.org", title="Robotics club starter kit")
    reply = await library.alice.run("resource search", query=query)
    assert reply.ephemeral
    assert "Something went wrong" not in reply.text
    if "robotics" in query:
        assert "Robotics club starter kit" in reply.text  # what the words mean is still found
    elif any(ch.isalnum() for ch in query):
        assert "Nothing matched" in reply.text
    else:
        assert "no words in that search" in reply.text


async def test_search_results_are_paginated(library: Community) -> None:
    for number in range(12):
        await share(library, url=f"https://example.org/lesson-{number}", title=f"Lesson plan {number}")
    reply = await library.alice.run("resource search", query="lesson")
    assert "Page 1 of 2" in reply.text
    second = await library.alice.click(reply, "Next")
    assert "Page 2 of 2" in second.text


# -- saving a message -------------------------------------------------------------------------------------


async def test_save_a_message_with_a_link_credits_author_and_saver(library: Community) -> None:
    posted = await library.bob.say(
        library.general_id, "Great funding source for robotics: https://www.nsf.gov/funding/?utm_campaign=x ."
    )
    form = await library.alice.context_menu("Save to resource library", posted["id"])
    assert form.is_modal
    fields = {c["custom_id"]: c.get("value") for c in form.components}
    assert fields["link"] == "https://www.nsf.gov/funding/?utm_campaign=x"
    assert fields["title"] == "Great funding source for robotics"
    assert "Great funding source" in fields["description"]
    done = await library.alice.submit(
        form,
        {
            "title": "NSF funding",
            "link": fields["link"],
            "description": fields["description"],
            "tags": "Funding & Grants",
        },
    )
    done = await library.control.settled(done, "#")
    assert "Added **NSF funding**" in done.text
    card = (await eventually(lambda: cards(library), what="the card"))[0]
    credit = next(f["value"] for f in card["embeds"][0]["fields"] if f["name"] == "Shared by")
    assert f"<@{library.bob.user_id}>" in credit
    assert f"saved by <@{library.alice.user_id}>" in credit
    saved = await repo(library).get(int(library.guild_id), resource_number(done))
    assert saved.author_id == int(library.bob.user_id)
    assert saved.url_key == "https://www.nsf.gov/funding"


async def test_save_a_message_with_a_file(library: Community) -> None:
    posted = await library.control.call(
        "POST",
        "/messages",
        {
            "channel_id": library.general_id,
            "user_id": library.bob.user_id,
            "content": "",
            "attachments": [
                {"filename": "bridge-lesson.pdf", "content": "%PDF bridge", "content_type": "application/pdf"}
            ],
        },
    )
    form = await library.alice.context_menu("Save to resource library", posted["id"])
    fields = {c["custom_id"]: c.get("value") for c in form.components}
    assert fields["title"] == "bridge-lesson.pdf"
    done = await library.control.settled(await library.alice.submit(form, fields), "#")
    assert "Added" in done.text
    card = (await eventually(lambda: cards(library), what="the card"))[0]
    assert card["attachments"][0]["filename"] == "bridge-lesson.pdf"


async def test_save_refuses_messages_without_links_and_deleted_messages(library: Community) -> None:
    plain = await library.bob.say(library.general_id, "See you all on Thursday!")
    refused = await library.alice.context_menu("Save to resource library", plain["id"])
    assert not refused.is_modal
    assert "no link or file" in refused.text
    posted = await library.bob.say(library.general_id, "https://www.pblworks.org")
    form = await library.alice.context_menu("Save to resource library", posted["id"])
    state = library.emulator.state
    state.delete_message(state.message(int(library.general_id), int(posted["id"])))
    gone = await library.alice.submit(form, {"title": "PBLWorks", "link": "https://www.pblworks.org"})
    gone = await library.control.settled(gone, "deleted")
    assert "deleted before you saved it" in gone.text
    assert await repo(library).count(int(library.guild_id)) == 0


async def test_a_bad_link_typed_into_the_form_is_refused(library: Community) -> None:
    posted = await library.bob.say(library.general_id, "https://www.pblworks.org")
    form = await library.alice.context_menu("Save to resource library", posted["id"])
    reply = await library.alice.submit(form, {"title": "PBL", "link": "javascript:alert(document.cookie)"})
    assert reply.ephemeral
    assert "Only web links" in reply.text


# -- channel faults and forum mode ------------------------------------------------------------------------


async def test_no_channel_deleted_channel_and_no_permission_still_save(community: Community) -> None:
    unset = await share(community, url="https://a.example.org", title="A")
    assert "saved and searchable" in unset.text
    assert "/resource channel" in unset.text
    await community.control.settled(await community.organizer.run("cop setup"), "Setup is complete")
    announcements = await community.control.channel_id(community.guild_id, "announcements")
    resources = await community.control.channel_id(community.guild_id, "resources")
    await community.control.call("DELETE", f"/channels/{resources}")
    deleted = await share(community, url="https://b.example.org", title="B")
    assert "saved and searchable" in deleted.text
    assert "told the organizers" in deleted.text
    notices = await eventually(lambda: community.control.messages(announcements), what="the notice")
    assert "Organizers:" in notices[0]["content"]
    assert "deleted" in notices[0]["content"]

    locked = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/channels", {"name": "library", "private": True}
    )
    await community.bot.guild_settings.set_channel(
        int(community.guild_id), _resources_purpose(), int(locked["id"])
    )
    refused = await share(community, url="https://c.example.org", title="C")
    assert "not allowed to post" in refused.text
    assert await repo(community).count(int(community.guild_id)) == 3
    assert len(await community.control.messages(announcements)) == 1  # organizers are not flooded
    assert "C" in (await community.alice.run("resource recent")).text


def _resources_purpose() -> Any:
    from storage.guilds import Purpose

    return Purpose.RESOURCES


async def test_forum_mode_posts_with_matching_forum_tags(community: Community) -> None:
    forum = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/channels", {"name": "library", "type": FORUM}
    )
    state = community.emulator.state
    tags = [
        {"id": "9001", "name": "Math", "moderated": False, "emoji_id": None, "emoji_name": None},
        {"id": "9002", "name": "Engineering", "moderated": False, "emoji_id": None, "emoji_name": None},
        {"id": "9003", "name": "Events", "moderated": False, "emoji_id": None, "emoji_name": None},
    ]
    state.update_channel(state.channels[int(forum["id"])], {"available_tags": tags})
    await eventually(lambda: _forum_tags_known(community, int(forum["id"])), what="the forum tags")
    chosen = await community.organizer.run("resource channel", channel=forum["id"])
    assert "forum post" in chosen.text
    assert "Math" in chosen.text
    reply = await share(
        community,
        url="https://a.example.org",
        title="Bridge building",
        tags="math, engineering, Funding & Grants",
    )
    assert "Added" in reply.text
    threads = [c for c in state.channels.values() if c.parent_id == int(forum["id"])]
    assert len(threads) == 1
    assert threads[0].name == "Bridge building"
    assert sorted(threads[0].applied_tags) == [9001, 9002]
    starter = (await community.control.messages(threads[0].id))[0]
    assert [c.get("label") for row in starter["components"] for c in row["components"]] == [
        "Helpful",
        "I used this",
        "Save",
    ]
    clicked = await community.bob.click(starter, "Helpful")
    assert "1 member found it helpful" in clicked.text

    # The digest becomes a forum post of its own, once however often its job runs for the same week.
    due = community.clock.now() + timedelta(seconds=1)  # the week before it includes the resource just shared
    for _ in range(2):
        job_id = await community.bot.scheduler.schedule(
            DIGEST_KIND, due, {}, guild_id=int(community.guild_id), owner="test:digest"
        )
        await community.travel(due)  # the second job is due already: it runs at once
        await eventually(lambda job_id=job_id: _job_done(community, job_id), what="the digest job done")
    digests = [
        c for c in state.channels.values() if c.parent_id == int(forum["id"]) and "digest" in (c.name or "")
    ]
    assert len(digests) == 1
    assert "Bridge building" in str((await community.control.messages(digests[0].id))[0]["embeds"])

    number = resource_number(reply)
    ask = await community.alice.run("resource remove", id=number)
    done = await community.alice.click(ask, "Remove")
    assert "and its card" in done.text
    assert int(threads[0].id) not in state.channels
    assert digests[0].id in state.channels


async def _forum_tags_known(community: Community, forum_id: int) -> bool:
    import discord

    channel = community.bot.get_channel(forum_id)
    return isinstance(channel, discord.ForumChannel) and len(channel.available_tags) == 3


# -- the weekly digest ------------------------------------------------------------------------------------


async def test_the_digest_is_a_guild_setting_and_posts_once(library: Community) -> None:
    # A Wednesday 10:00 in Phoenix: the digest series (Fridays, then Mondays) is days away.
    library.clock.set(datetime(2026, 10, 14, 17, 0, tzinfo=UTC))
    assert "Only organizers" in (await library.alice.run("resource digest", enabled=True)).text
    on = await library.organizer.run("resource digest", enabled=True, day="fri", hour=15)
    assert "Every Friday at 15:00" in on.text
    guild_id = int(library.guild_id)
    pending = [j for j in await library.bot.scheduler.upcoming(guild_id) if j.owner == DIGEST_OWNER]
    assert len(pending) == 1
    assert pending[0].kind == DIGEST_KIND
    again = await library.organizer.run("resource digest", enabled=True, day="mon", hour=9)
    assert "Every Monday" in again.text
    pending = [j for j in await library.bot.scheduler.upcoming(guild_id) if j.owner == DIGEST_OWNER]
    assert len(pending) == 1  # re-enabling replaces the series

    await share(library, url="https://a.example.org", title="Robotics grant", tags="Funding & Grants")
    card = (await eventually(lambda: cards(library), what="the card"))[0]
    await library.bob.click(card, "Helpful")
    due = library.clock.now() + timedelta(seconds=1)  # the week before it includes the resource just shared
    job_id = await library.bot.scheduler.schedule(
        DIGEST_KIND, due, {}, guild_id=guild_id, owner="test:digest"
    )
    assert await _digests(library) == []
    await library.travel(due)
    digest = await eventually(lambda: _digests(library), what="the digest")
    assert "Robotics grant" in str(digest[0]["embeds"])
    assert "Most helpful this week" in str(digest[0]["embeds"])
    await eventually(lambda: _job_done(library, job_id), what="the digest job done")
    await library.restart()
    assert len(await _digests(library)) == 1

    off = await library.organizer.run("resource digest", enabled=False)
    assert "off (it was set for Mondays at 09:00)" in off.text
    assert not [j for j in await library.bot.scheduler.upcoming(guild_id) if j.owner == DIGEST_OWNER]


async def _digests(community: Community) -> list[dict[str, Any]]:
    return [c for c in await cards(community) if "This week in the resource library" in str(c["embeds"])]


async def _job_done(community: Community, job_id: int) -> bool:
    job = await community.bot.scheduler.jobs.get(job_id)
    return job is not None and job.state == JobState.DONE


async def test_a_quiet_week_posts_no_digest(library: Community) -> None:
    guild_id = int(library.guild_id)
    due = library.clock.now() + timedelta(seconds=1)
    job_id = await library.bot.scheduler.schedule(
        DIGEST_KIND, due, {}, guild_id=guild_id, owner="test:digest"
    )
    await library.travel(due)
    await eventually(lambda: _job_done(library, job_id), what="the digest job done")
    assert await cards(library) == []


async def test_personal_data_export_and_delete(library: Community) -> None:
    number = resource_number(await share(library, url="https://a.example.org", title="Alice's lesson"))
    other = resource_number(
        await share(library, actor=library.bob, url="https://b.example.org", title="Bob's")
    )
    bob_card = next(c for c in await cards(library) if "Bob's" in str(c["embeds"]))
    await library.alice.click(bob_card, "Helpful")
    guild_id, alice = int(library.guild_id), int(library.alice.user_id)
    exported = await library.bot.personal_data.export(guild_id, alice)
    assert exported["resource library"]["shared"][0]["id"] == number
    assert exported["resource library"]["helpful"][0]["id"] == other
    removed = await library.bot.personal_data.delete(guild_id, alice)
    assert removed["resource library"] == 2
    assert await repo(library).get(guild_id, number) is None
    assert (await repo(library).get(guild_id, other)).helpful_count == 0
    await eventually(lambda: _only_bobs_card(library), what="Alice's card deleted")


async def _only_bobs_card(community: Community) -> bool:
    remaining = await cards(community)
    return len(remaining) == 1 and "Bob's" in str(remaining[0]["embeds"])


async def test_deleting_your_data_takes_your_name_off_cards_saved_from_your_messages(
    library: Community,
) -> None:
    posted = await library.bob.say(library.general_id, "Try this: https://www.nsf.gov/funding/")
    form = await library.alice.context_menu("Save to resource library", posted["id"])
    fields = {c["custom_id"]: c.get("value") for c in form.components}
    done = await library.alice.submit(form, {"title": "NSF funding", "link": fields["link"], "tags": ""})
    await library.control.settled(done, "#")

    async def credit() -> str:
        card = (await cards(library))[0]
        return str(next(f["value"] for f in card["embeds"][0]["fields"] if f["name"] == "Shared by"))

    assert f"<@{library.bob.user_id}>" in await credit()
    confirm = await library.bob.run("profile delete")
    await library.bob.click(confirm, "Delete my data")
    done = await eventually(
        lambda: message_saying(library, library.bob, confirm, "Deleted"), what="the confirmation"
    )
    assert "resource library" in done

    async def bob_gone() -> bool:
        return f"<@{library.bob.user_id}>" not in await credit()

    await eventually(bob_gone, what="the author's name off the card")
    assert f"<@{library.alice.user_id}>" in await credit()
