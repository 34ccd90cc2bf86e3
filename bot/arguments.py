"""Argument transformers shared by every feature: what members type into a command option, read once and
refused the same way everywhere. A refusal is a `UserError`; `report_error` shows its text as it says.

Feature arguments (a meeting, a resource, an announcement, a group or school of this guild) live with their
feature in `cogs/<feature>/`, built the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import UserError
from core.timeutil import TimeInputError, parse_when

if TYPE_CHECKING:
    from bot.client import CopBot


async def guild_zone(interaction: discord.Interaction[CopBot]) -> str:
    """The IANA zone members of this guild type times in (`/cop timezone`)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return await interaction.client.guild_settings.timezone(interaction.guild_id)


class GuildTime(app_commands.Transformer["CopBot"]):
    """A future time typed in the guild's zone ("next Tuesday 4pm", "2026-03-08 14:00", `<t:…>`), as an
    aware UTC datetime (`core.timeutil.parse_when`, `now` from the bot's clock)."""

    async def transform(self, interaction: discord.Interaction[CopBot], value: str) -> datetime:
        zone = await guild_zone(interaction)
        try:
            return parse_when(value, zone, now=interaction.client.clock.now())
        except TimeInputError as exc:
            raise UserError(str(exc)) from None
