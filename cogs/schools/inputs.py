"""A school of this guild as a command argument (`SchoolArg`): typed by name (autocompleted) or id, refused
the same way everywhere with the closest names."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client import CopBot
from bot.errors import UserError
from bot.structure import Unit
from cogs._units import find_unit
from core.text import human_list, quote, safe_text
from storage.schools import School, SchoolRepository
from storage.units import closest_names


def school_unit(school: School) -> Unit:
    where = f" ({school.district})" if school.district else ""
    topic = (
        f"The cross-sector team of {school.name}{where}: teachers, families, partners and students together."
    )
    return Unit(school.id, school.name, topic, school.role_id, school.channel_id, school.category_id)


async def find_school(repo: SchoolRepository, guild_id: int, name: str) -> School:
    """The school named (or whose id was typed), or a UserError suggesting the closest names."""
    school = await find_unit(repo, guild_id, name)
    if school is None:
        known = [s.name for s in await repo.all(guild_id)]
        near = closest_names(name, known)
        hint = (
            f" Did you mean {human_list([f'**{safe_text(n, 80)}**' for n in near], 'or')}?"
            if near
            else " Start typing and pick a school from the list."
            if known
            else " No schools have been added yet: an organizer can add them with `/schools add` or `/schools import`."
        )
        raise UserError(f"I don't know a school called {quote(name, 80)}.{hint}")
    return school


async def school_choices(
    repo: SchoolRepository, guild_id: int, current: str
) -> list[app_commands.Choice[str]]:
    """Schools whose name or district contains what was typed, shown with their district."""
    found = await repo.search(guild_id, current.strip(), limit=25)
    return [
        app_commands.Choice(
            name=(f"{s.name} — {s.district}" if s.district else s.name)[:100], value=s.name[:100]
        )
        for s in found
    ]


class SchoolArg(app_commands.Transformer["CopBot"]):
    """A school of this guild, typed by name (autocompleted with its district) or id."""

    async def transform(self, interaction: discord.Interaction[CopBot], value: str) -> School:
        assert interaction.guild_id is not None
        return await find_school(SchoolRepository(interaction.client.db), interaction.guild_id, value)

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[CopBot], value: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        return await school_choices(SchoolRepository(interaction.client.db), interaction.guild_id, value)
