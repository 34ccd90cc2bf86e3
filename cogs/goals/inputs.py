"""Reading `/goals` options: the team (a school, typed as `SchoolArg` reads it, or the whole community), a goal
by its number (autocompleted with the goals the member may change), and who is acting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import discord
from discord import app_commands

from bot.checks import can_organize
from bot.client import CopBot
from bot.errors import UserError
from bot.options import typed_id
from cogs.schools.inputs import find_school, school_choices
from core.goals.rules import GoalRefusal, Team
from core.goals.service import Editor
from storage.goals import Goal, GoalRepository
from storage.schools import SchoolRepository
from storage.units import name_key

COMMUNITY = "The whole community"
TEAM_HELP = "A school team (start typing), or “The whole community”; yours if you leave it out"


@contextmanager
def refusals() -> Iterator[None]:
    """A goal rule's refusal (`core.goals.rules.GoalRefusal`), shown to the member as it says."""
    try:
        yield
    except GoalRefusal as exc:
        raise UserError(str(exc)) from None


def community(guild_id: int) -> Team:
    return Team(guild_id, None, COMMUNITY)


async def editor_of(interaction: discord.Interaction[CopBot]) -> Editor:
    assert interaction.guild_id is not None
    teams = await SchoolRepository(interaction.client.db).unit_ids_of(
        interaction.guild_id, interaction.user.id
    )
    return Editor(interaction.user.id, frozenset(teams), await can_organize(interaction))


async def find_team(interaction: discord.Interaction[CopBot], value: str | None) -> Team:
    """The team named, or the member's own when none is: their one school team, else the community."""
    assert interaction.guild_id is not None
    guild_id = interaction.guild_id
    repo = SchoolRepository(interaction.client.db)
    if value is None or not value.strip():
        mine = await repo.schools_of(guild_id, interaction.user.id)
        if not mine:
            return community(guild_id)
        if len(mine) > 1:
            raise UserError(
                "You're in more than one school team: say which one with the `team` option "
                "(start typing its name)."
            )
        return Team(guild_id, mine[0].id, mine[0].name)
    if name_key(value) in (name_key(COMMUNITY), "community") and await repo.by_name(guild_id, value) is None:
        return community(guild_id)
    school = await find_school(repo, guild_id, value)
    return Team(guild_id, school.id, school.name)


async def team_choices(
    interaction: discord.Interaction[CopBot], current: str
) -> list[app_commands.Choice[str]]:
    assert interaction.guild_id is not None
    found = await school_choices(SchoolRepository(interaction.client.db), interaction.guild_id, current)
    if name_key(current) in name_key(COMMUNITY):
        found = [app_commands.Choice(name=COMMUNITY, value=COMMUNITY), *found[:24]]
    return found


async def team_of_goal(interaction: discord.Interaction[CopBot], goal: Goal) -> Team:
    assert interaction.guild_id is not None
    if goal.school_id is None:
        return community(interaction.guild_id)
    school = await SchoolRepository(interaction.client.db).get(interaction.guild_id, goal.school_id)
    if school is None:  # removed while the member typed
        raise UserError(f"There is no goal #{goal.id} any more: its school team was removed.")
    return Team(interaction.guild_id, school.id, school.name)


async def find_goal(interaction: discord.Interaction[CopBot], value: str) -> tuple[Team, Goal]:
    """The goal whose number was typed (or picked), with its team."""
    assert interaction.guild_id is not None
    goal_id = typed_id(value)
    goal = (
        None
        if goal_id is None
        else await GoalRepository(interaction.client.db).goal(interaction.guild_id, goal_id)
    )
    if goal is None:
        raise UserError(
            "I don't know that goal. Start typing and pick one of your team's goals from the list "
            "(`/goals show` lists them with their numbers)."
        )
    return await team_of_goal(interaction, goal), goal


async def goal_choices(
    interaction: discord.Interaction[CopBot], current: str
) -> list[app_commands.Choice[str]]:
    """The goals the member may change whose title contains what was typed."""
    assert interaction.guild_id is not None
    editor = await editor_of(interaction)
    teams: list[int | None] | None = None if editor.organizer else list(editor.teams)
    typed = current.strip().removeprefix("#")
    repo = GoalRepository(interaction.client.db)
    found = await repo.search(interaction.guild_id, teams, "" if typed.isdigit() else typed)
    if typed.isdigit():
        found = [g for g in found if str(g.id).startswith(typed)] or found
    names = {s.id: s.name for s in await SchoolRepository(interaction.client.db).all(interaction.guild_id)}
    return [
        app_commands.Choice(
            name=f"#{g.id} · {names.get(g.school_id or 0, 'Community')}: {g.title}"[:100], value=str(g.id)
        )
        for g in found[:25]
    ]
