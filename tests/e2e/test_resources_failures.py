"""Sharing a file when Discord fails to post its card: the resource stays saved and the member is told why."""

from __future__ import annotations

from tests.e2e.community import Community
from tests.e2e.steps.resources import cards, resource_number, resources_id, share

GENERIC = "Something went wrong"
RUBRIC = {"filename": "rubric.pdf", "content": "%PDF-1.4 rubric", "content_type": "application/pdf"}


async def test_a_shared_file_whose_card_discord_fails_to_post_stays_saved_and_the_member_is_told(
    library: Community,
) -> None:
    # discord.py retries 500/502/504/524 (about 16 s in all) and raises at once on any other 5xx: a 503 takes
    # the same path as a 500 that outlasted the retries, without the wait.
    channel = await resources_id(library)
    await library.control.fault("server_error", route=f"POST /channels/{channel}/messages", status=503)
    reply = await share(library, title="Engineering design rubric", file=RUBRIC, tags="Engineering")
    assert GENERIC not in reply.text
    assert "It is saved and searchable, but Discord had a problem just now" in reply.text
    assert "`/resource search`" in reply.text
    saved = await library.bot.get_cog("Resources").repo.get(int(library.guild_id), resource_number(reply))  # type: ignore[union-attr]
    assert saved is not None
    assert saved.filename == "rubric.pdf"
    assert saved.card_message_id is None
    assert await cards(library) == []
    found = await library.alice.run("resource search", query="rubric")
    assert "Engineering design rubric" in found.text
