"""The library's command arguments: a resource of this guild, by its number."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.arguments import IdArgument
from core.resources.library import find
from storage.resources import Resource, ResourceRepository

from .replies import refusals

if TYPE_CHECKING:
    from bot.client import CopBot


class ResourceArg(IdArgument[Resource]):
    """A resource of this guild, typed as its number (an integer option, 1 to 2^53 - 1, as `bot.options.Id`);
    a number no resource of the guild has is refused the same way everywhere."""

    async def find(self, interaction: discord.Interaction[CopBot], guild_id: int, number: int) -> Resource:
        with refusals():
            return await find(ResourceRepository(interaction.client.db), guild_id, number)


ResourceId = app_commands.Transform[Resource, ResourceArg]
