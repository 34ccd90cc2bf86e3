"""Argument transformers shared by every feature: what members type into a command option, read once and
refused the same way everywhere. A refusal is a `UserError`; `report_error` shows its text as it says.

Feature arguments (a meeting, a resource, an announcement, a group or school of this guild) live with their
feature in `cogs/<feature>/`, built the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

import discord
from discord import app_commands

from bot.errors import UserError
from bot.options import DISCORD_INT_MAX
from core.timeutil import TimeInputError, parse_when

if TYPE_CHECKING:
    from bot.client import CopBot

T = TypeVar("T")


class IdArgument(app_commands.Transformer["CopBot"], Generic[T]):
    """A thing of this guild typed or picked as its number: an integer option from 1 to 2^53 - 1 (as
    `bot.options.Id`), turned into the thing by `find`, which refuses a number the member may not use with
    the same `UserError` wherever the argument appears. Outside a server: `NoPrivateMessage`."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return DISCORD_INT_MAX

    async def transform(self, interaction: discord.Interaction[CopBot], value: int) -> T:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        return await self.find(interaction, interaction.guild_id, int(value))

    async def find(self, interaction: discord.Interaction[CopBot], guild_id: int, number: int) -> T:
        raise NotImplementedError


class TextArgument(app_commands.Transformer["CopBot"]):
    """A string option of `min_length` to `max_length` characters (Discord enforces them in the client)."""

    min_length: ClassVar[int | None] = None
    max_length: ClassVar[int | None] = None

    @property
    def min_value(self) -> int | None:
        return self.min_length

    @property
    def max_value(self) -> int | None:
        return self.max_length


async def guild_zone(interaction: discord.Interaction[CopBot]) -> str:
    """The IANA zone members of this guild type times in (`/cop timezone`)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return await interaction.client.guild_settings.timezone(interaction.guild_id)


@dataclass(frozen=True, slots=True)
class TypedTime:
    """A time as the member typed it (for quoting back) and as understood (aware UTC)."""

    text: str
    at: datetime


class GuildTime(TextArgument):
    """A future time typed in the guild's zone ("next Tuesday 4pm", "2026-03-08 14:00", `<t:…>`), read
    with `core.timeutil.parse_when` and `now` from the bot's clock. Registered as a string of 1 to 100
    characters."""

    min_length, max_length = 1, 100

    async def transform(self, interaction: discord.Interaction[CopBot], value: str) -> TypedTime:
        zone = await guild_zone(interaction)
        try:
            return TypedTime(value, parse_when(value, zone, now=interaction.client.clock.now()))
        except TimeInputError as exc:
            raise UserError(str(exc)) from None
