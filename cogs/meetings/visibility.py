"""The meeting visibility rule (`core.meetings.visibility`) on Discord: who can read a channel is Discord's
View Channel there, for a member or for the @everyone role."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.checks import can_organize
from core.meetings.visibility import Visibility
from storage.database import Database
from storage.meetings import Meeting

if TYPE_CHECKING:
    from bot.client import CopBot


class Sight:
    """`core.meetings.visibility.ChannelViews` for one Discord viewer: a member, or a role such as @everyone."""

    def __init__(self, guild: discord.Guild, viewer: discord.Member | discord.Role) -> None:
        self.guild = guild
        self.viewer = viewer

    async def can_view(self, channel_id: int) -> bool | None:
        channel = self.guild.get_channel_or_thread(channel_id)
        if channel is None:
            return None
        return channel.permissions_for(self.viewer).view_channel


async def sight_of(db: Database, interaction: discord.Interaction[CopBot]) -> Visibility:
    """What the member behind an interaction can see."""
    guild, user = interaction.guild, interaction.user
    if guild is None or not isinstance(user, discord.Member):
        return Visibility(None, None, None, None)
    return Visibility(db, guild.id, user.id, Sight(guild, user), organizer=await can_organize(interaction))


def public_sight(db: Database, guild: discord.Guild) -> Visibility:
    """What every member can see (the @everyone role): for what the bot shows the whole server."""
    return Visibility(db, guild.id, None, Sight(guild, guild.default_role))


async def can_see(db: Database, meeting: Meeting, interaction: discord.Interaction[CopBot]) -> bool:
    """Whether the member behind `interaction` may see `meeting` (for one meeting; make a sight for many)."""
    return await (await sight_of(db, interaction)).can_see(meeting)


__all__ = ["Sight", "can_see", "public_sight", "sight_of"]
