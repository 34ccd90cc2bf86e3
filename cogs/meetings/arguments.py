"""The `id` option of the meeting commands: a meeting of this guild that the member may see
(`cogs.meetings.visibility`). An unknown id and a hidden meeting get the same answer, everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.arguments import IdArgument
from bot.errors import UserError
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


class SeenMeeting(IdArgument[Meeting]):
    """A meeting id (picked with autocomplete), as the meeting, if the member may see it."""

    async def find(self, interaction: discord.Interaction[CopBot], guild_id: int, number: int) -> Meeting:
        return await seen_meeting(interaction, number)


MeetingArg = app_commands.Transform[Meeting, SeenMeeting]
