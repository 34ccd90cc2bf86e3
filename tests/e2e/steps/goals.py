"""Steps for team goals: school teams with members, goals added through the form, the prompts posted."""

from __future__ import annotations

from typing import Any

from emulator.driver import Actor, Reply
from storage.goals import GoalRepository
from storage.schools import School, SchoolRepository
from tests.e2e.community import Community, eventually

PROMPT = "Time for a check-in"


async def school_team(community: Community, name: str, *members: Actor) -> School:
    """A school added by the organizer (with its role and channel), joined by `members`."""
    reply = await community.organizer.run("schools add", name=name)
    await community.control.settled(reply, "Added", within=15)
    repo = SchoolRepository(community.bot.db)

    async def ready() -> School | None:
        school = await repo.by_name(int(community.guild_id), name)
        return school if school and school.channel_id else None

    school = await eventually(ready, what=f"the {name} channel")
    for member in members:
        joined = await member.run("schools join", school=name)
        assert "You joined" in joined.text, joined.text
    return school


async def add_goal(
    actor: Actor, title: str, outcome: str = "More students reach the state finals", **options: Any
) -> Reply:
    form = await actor.run("goals add", **options)
    assert form.is_modal, form.text
    return await actor.submit(form, {"title": title, "outcome": outcome})


def repo(community: Community) -> GoalRepository:
    return GoalRepository(community.bot.db)


async def goal_ids(community: Community, school: School | None) -> list[int]:
    goals = await repo(community).goals(int(community.guild_id), school.id if school else None)
    return [g.id for g in goals]


async def prompts(community: Community, school: School) -> list[dict[str, Any]]:
    messages = await community.control.messages(str(school.channel_id))
    return [m for m in messages if PROMPT in (m.get("content") or "")]
