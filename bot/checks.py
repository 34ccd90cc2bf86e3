"""Permission checks for app commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.errors import NotOrganizer

if TYPE_CHECKING:
    from bot.client import CopBot

T = TypeVar("T")

NOT_ORGANIZER = (
    "Only organizers can do this: members with the **Manage Server** permission"
    "{role}. If you should be one, ask a server admin."
)


async def can_organize(interaction: discord.Interaction[CopBot]) -> bool:
    """Whether the member may do organizers' things here (Manage Server, or the guild's organizer role);
    False outside a server. Never raises: for showing more or less, not for refusing."""
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    role_id = (await interaction.client.guild_settings.get(interaction.guild.id)).organizer_role_id
    return role_id is not None and any(role.id == role_id for role in member.roles)


async def organizer_ids(bot: CopBot, guild: discord.Guild) -> set[int]:
    """The ids of the guild's organizers today (Manage Server, or the organizer role), as `can_organize` sees
    them."""
    role_id = (await bot.guild_settings.get(guild.id)).organizer_role_id
    return {
        m.id
        for m in guild.members
        if m.guild_permissions.manage_guild or (role_id is not None and m.get_role(role_id) is not None)
    }


async def is_organizer(interaction: discord.Interaction[CopBot]) -> bool:
    """`can_organize`, refusing with a clear message (`NotOrganizer`) when the member is not an organizer."""
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage()
    if await can_organize(interaction):
        return True
    role_id = (await interaction.client.guild_settings.get(interaction.guild.id)).organizer_role_id
    role = interaction.guild.get_role(role_id) if role_id else None
    raise NotOrganizer(NOT_ORGANIZER.format(role=f" or the **{role.name}** role" if role else ""))


def organizer_only() -> Callable[[T], T]:
    """Organizer-only, checked at run time: members see the command, and running it tells them it is for
    organizers.

    No `default_permissions`: Discord applies it to top-level commands only, and there it would hide the
    command from everyone without that permission, organizers by role included (Discord knows nothing of
    copbot's organizer role). `tests/e2e/test_organizer_commands.py` keeps every command registered without it.
    """

    def decorator(func: T) -> T:
        func = app_commands.guild_only()(func)
        return app_commands.check(is_organizer)(func)

    return decorator
