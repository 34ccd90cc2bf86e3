"""`/cop stats`: how many members have introduced themselves, by stakeholder group and by school."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.formatting import embed, fit_lines, plural, safe_text
from storage.profiles import ProfileRepository

if TYPE_CHECKING:
    from bot.client import CopBot


async def stats_embed(bot: CopBot, guild: discord.Guild) -> discord.Embed:
    """Profile counts for organizers (a fuller evidence report comes with the reports feature)."""
    profiles = ProfileRepository(bot.db)
    total, by_group, by_school = await profiles.counts(guild.id)
    humans = sum(1 for m in guild.members if not m.bot)
    card = embed(
        "Community statistics",
        f"**{plural(total, 'member')}** of {humans} have introduced themselves. "
        f"{plural(await profiles.connection_count(guild.id), 'introduction')} made through `/connect`.",
    )
    card.add_field(
        name="By stakeholder group",
        value=fit_lines([f"{safe_text(name, 80)}: {count}" for name, count in by_group.items()])
        or "No profiles yet.",
        inline=True,
    )
    card.add_field(
        name="By school or organization",
        value=fit_lines([f"{safe_text(name, 80)}: {count}" for name, count in by_school.items()])
        or "No profiles yet.",
        inline=True,
    )
    return card
