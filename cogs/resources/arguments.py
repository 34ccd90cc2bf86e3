"""The library's command arguments: a resource of this guild, by its number."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.options import DISCORD_INT_MAX
from core.resources.library import find
from storage.resources import Resource, ResourceRepository

from .replies import refusals

if TYPE_CHECKING:
    from bot.client import CopBot


class ResourceArg(app_commands.Transformer["CopBot"]):
    """A resource of this guild, typed as its number (an integer option, 1 to 2^53 - 1, as `bot.options.Id`);
    a number no resource of the guild has is refused the same way everywhere."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return DISCORD_INT_MAX

    async def transform(self, interaction: discord.Interaction[CopBot], value: int) -> Resource:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        with refusals():
            return await find(ResourceRepository(interaction.client.db), interaction.guild_id, int(value))


ResourceId = app_commands.Transform[Resource, ResourceArg]
