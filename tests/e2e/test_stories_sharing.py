"""Organizers reading and sharing value stories end to end: private stories are theirs to read (never to post),
shareable ones can be posted, named only when the author agreed and never when the author is a student; no post
pings anyone."""

from __future__ import annotations

from typing import Any

from tests.e2e.community import Community, eventually
from tests.e2e.steps.groups import join, setup_groups
from tests.e2e.steps.stories import tell


async def _posted(community: Community, words: str) -> dict[str, Any]:
    async def find() -> dict[str, Any] | None:
        for message in await community.control.messages(community.general_id):
            if any(words in str(e.get("description")) for e in message.get("embeds") or []):
                return dict(message)
        return None

    return await eventually(find, what=f"the post saying {words!r}")


async def test_organizers_read_private_stories_and_post_shareable_ones(community: Community) -> None:
    organizer, alice, bob = community.organizer, community.alice, community.bob
    sam = await community.control.add_member(community.guild_id, "sam_student")
    await setup_groups(community)
    await join(sam, "Students")
    await tell(alice, "Our principal finally backed the robotics club.")  # private (the default)
    await tell(
        bob, "Two of our engineers now mentor a team <@&1> @everyone.", consent="shareable", named="yes"
    )
    await tell(sam, "I built my first circuit.", consent="shareable", named="yes")

    listed = await organizer.run("story list")
    assert "Our principal" not in listed.text
    assert "1 story kept for organizers only: `/story list private:True` shows them too" in listed.text
    everything = await organizer.run("story list", private=True)
    assert "Our principal finally backed the robotics club." in everything.text
    assert "told to the organizers only" in everything.text
    assert f"<@{alice.user_id}>" not in everything.text

    refused = await organizer.run("story post", id=1)
    assert refused.ephemeral
    assert "told to the organizers only, so it can't be posted" in refused.text
    assert "There's no story #9" in (await organizer.run("story post", id=9)).text
    assert "Only organizers" in (await alice.run("story post", id=2)).text

    done = await organizer.run("story post", id=2, channel=community.general_id)
    assert done.ephemeral
    assert "Posted story #2" in done.text
    posted = await _posted(community, "Two of our engineers")
    assert f"<@{bob.user_id}>" in posted["embeds"][0]["description"]  # he agreed to be named
    student = await organizer.run("story post", id=3, channel=community.general_id)
    assert "without its author's name" in student.text
    from_sam = await _posted(community, "my first circuit")
    assert f"<@{sam.user_id}>" not in from_sam["embeds"][0]["description"]  # students are never named
    assert "a member of our community" in from_sam["embeds"][0]["description"]
    for request in await community.control.requests():
        body = request.get("json")
        if isinstance(body, dict) and body.get("embeds"):
            assert (body.get("allowed_mentions") or {}).get("parse") == []
