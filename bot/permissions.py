"""What the bot itself is allowed to do, phrased as what a server admin must fix."""

from __future__ import annotations

import discord

from bot.errors import UserError
from core.text import human_list


def permission_label(name: str) -> str:
    """`manage_channels` → `Manage Channels` as Discord's settings show it."""
    special = {
        "manage_guild": "Manage Server",
        "view_channel": "View Channels",
        "send_messages": "Send Messages",
        "mention_everyone": "Mention @everyone, @here and All Roles",
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


def require_can_mention(
    member: discord.Member | discord.User,
    channel: discord.abc.GuildChannel,
    role: discord.Role,
    *,
    doing: str,
) -> None:
    """Notifying @everyone, or a role that isn't mentionable, takes Mention Everyone in that channel: the
    member asking must have it too, so an organizer by role can't make the bot ping what they couldn't."""
    if not (role.is_default() or not role.mentionable):
        return
    allowed = isinstance(member, discord.Member) and channel.permissions_for(member).mention_everyone
    if not allowed:
        raise UserError(
            f"You can't {doing}: it takes the **{permission_label('mention_everyone')}** permission in "
            f"{channel.mention}, which you don't have. Choose a role anyone may mention, or ask a server admin."
        )
    require_bot_permissions(channel, "mention_everyone", doing=doing)
