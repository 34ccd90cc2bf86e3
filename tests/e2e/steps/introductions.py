"""Introduction steps: the community set up for introductions, a member introducing themselves, their card."""

from __future__ import annotations

from typing import Any

from emulator.driver import Actor, Reply
from storage.groups import GroupRepository
from storage.profiles import ProfileRepository
from tests.e2e.community import Community
from tests.e2e.steps.groups import setup_groups


async def ready(community: Community) -> str:
    """Channels and groups set up; returns the introductions channel id."""
    await community.control.settled(await community.organizer.run("cop setup"), "Setup is complete")
    await setup_groups(community)
    return await community.control.channel_id(community.guild_id, "introductions")


async def group_id(community: Community, name: str) -> str:
    found = await GroupRepository(community.bot.db).by_name(int(community.guild_id), name)
    assert found is not None
    return str(found.id)


async def introduce(
    community: Community, actor: Actor, *, group: str | None = "Teachers", **fields: Any
) -> Reply:
    form = await actor.run("intro me")
    assert form.is_modal, form.text
    values: dict[str, Any] = {
        "name": "Alice Adams",
        "organization": "Lincoln Elementary",
        "title": "5th-grade science teacher",
        "interests": "robotics, coding",
    }
    needs: dict[str, Any] = {k: fields.pop(k) for k in ("offers", "seeks") if k in fields}
    values.update(fields)
    if group is not None:
        values["group"] = [await group_id(community, group)]
    reply = await actor.submit(form, values)
    if needs:
        second = await actor.run("intro needs")
        assert second.is_modal, second.text
        await actor.submit(second, needs)
    return reply


async def profile(community: Community, actor: Actor) -> Any:
    return await ProfileRepository(community.bot.db).get(
        int(community.guild_id), int(actor.user_id), include_hidden=True
    )


async def cards(community: Community, channel: str) -> list[dict[str, Any]]:
    return [m for m in await community.control.messages(channel) if m["embeds"]]
