"""Stakeholder group steps: the groups set up, a member joining some, a group's stored row."""

from __future__ import annotations

from typing import Any

from emulator.driver import Actor, Reply
from storage.groups import GroupRepository
from tests.e2e.community import Community

DONE = "Stakeholder groups are ready"


async def setup_groups(community: Community, *, within: float = 10.0) -> Reply:
    reply = await community.organizer.run("groups setup")
    return await community.control.settled(reply, DONE, within=within)


async def group(community: Community, name: str) -> Any:
    found = await GroupRepository(community.bot.db).by_name(int(community.guild_id), name)
    assert found is not None
    return found


async def join(actor: Actor, *names: str) -> Reply:
    menu = await actor.run("groups join")
    assert menu.ephemeral, menu.text
    values = [str(o["value"]) for c in menu.components for o in c.get("options", []) if o["label"] in names]
    assert len(values) == len(names), menu.components
    select = next(c for c in menu.components if any(str(o["value"]) in values for o in c.get("options", [])))
    return await actor.click(menu, select["custom_id"], values=values)
