"""The `id` option of the meeting commands: a meeting of this guild that the member may see
(`cogs.meetings.visibility`). An unknown id and a hidden meeting get the same answer, everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import UserError
from bot.options import DISCORD_INT_MAX
from cogs.meetings.visibility import can_see
from storage.meetings import Meeting, MeetingRepository

if TYPE_CHECKING:
    from bot.client import CopBot


def unknown(meeting_id: int) -> UserError:
    """The answer for a meeting id that doesn't exist here, or that the member may not see."""
    return UserError(
        f"There is no meeting #{meeting_id} in this server. Start typing its title and pick it from the list."
    )


async def seen_meeting(interaction: discord.Interaction[CopBot], meeting_id: int) -> Meeting:
    """The meeting, if the member may see it; else the unknown-id answer."""
    bot = interaction.client
    found = (
        await MeetingRepository(bot.db).get(interaction.guild_id, meeting_id)
        if interaction.guild_id
        else None
    )
    if found is None or not await can_see(bot.db, found, interaction):
        raise unknown(meeting_id)
    return found


class SeenMeeting(app_commands.Transformer["CopBot"]):
    """A meeting id (an integer option within Discord's bounds, picked with autocomplete), as the meeting."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return DISCORD_INT_MAX

    async def transform(self, interaction: discord.Interaction[CopBot], value: int) -> Meeting:
        return await seen_meeting(interaction, int(value))


MeetingArg = app_commands.Transform[Meeting, SeenMeeting]
