"""What the bot itself is allowed to do, phrased as what a server admin must fix."""

from __future__ import annotations

import discord

from bot.errors import UserError
from bot.formatting import human_list


def permission_label(name: str) -> str:
    """`manage_channels` → `Manage Channels` as Discord's settings show it."""
    special = {
        "manage_guild": "Manage Server",
        "view_channel": "View Channels",
        "send_messages": "Send Messages",
    }
    return special.get(name, name.replace("_", " ").title())


def require_bot_permissions(
    where: discord.Guild | discord.abc.GuildChannel, *needed: str, doing: str = "do this"
) -> None:
    """Raise a UserError naming exactly which permissions the bot lacks, and where to grant them."""
    if isinstance(where, discord.Guild):
        have = where.me.guild_permissions
        place = "in Server Settings → Roles → my role"
    else:
        have = where.permissions_for(where.guild.me)
        place = f"in the settings of {where.mention} → Permissions"
    missing = [name for name in needed if not getattr(have, name)]
    if missing:
        labels = human_list([f"**{permission_label(m)}**" for m in missing])
        raise UserError(
            f"I can't {doing}: I need the {labels} permission. A server admin can grant it {place}."
        )
