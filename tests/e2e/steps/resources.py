"""Resource library steps: the cards channel chosen, a member sharing, the cards posted."""

from __future__ import annotations

from typing import Any

from emulator.driver import Reply
from tests.e2e.community import Community


async def choose_resources_channel(community: Community) -> None:
    """An organizer makes a #resources text channel and chooses it for resource cards."""
    channel = await community.control.call(
        "POST", f"/guilds/{community.guild_id}/channels", {"name": "resources"}
    )
    reply = await community.organizer.run("resource channel", channel=channel["id"])
    assert "Resource cards will be posted" in reply.text, reply.text


async def resources_id(community: Community) -> str:
    return await community.control.channel_id(community.guild_id, "resources")


async def cards(community: Community) -> list[dict[str, Any]]:
    return await community.control.messages(await resources_id(community))


async def share(community: Community, actor: Any = None, **options: Any) -> Reply:
    reply = await (actor or community.alice).run("resource share", **options)
    if reply.type == 5:  # deferred: wait for the final answer
        reply = await community.control.settled(reply, "#")
    return reply


def resource_number(reply: Reply) -> int:
    text = reply.text
    marker = text.index(" as #") + 5 if " as #" in text else text.index("#") + 1
    digits = ""
    for ch in text[marker:]:
        if not ch.isdigit():
            break
        digits += ch
    return int(digits)
