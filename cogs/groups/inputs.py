"""What organizers and members type for `/groups`: a group of this guild (`GroupArg`), an emoji, a
description; each refused the same way wherever it appears."""

from __future__ import annotations

from collections.abc import Callable

import discord
from discord import app_commands

from bot.client import CopBot
from bot.errors import UserError
from bot.structure import Unit
from cogs._units import find_unit
from core.text import human_list, quote, safe_text, short_list
from core.units.names import custom_emoji_id, looks_like_emoji
from storage.groups import Group, GroupRepository
from storage.units import closest_names

DESCRIPTION_LIMIT = 100  # a select option's description


def check_emoji(emoji: str | None, known: Callable[[int], object] | None = None) -> str | None:
    """A unicode emoji or a custom one (`<:name:id>`); refused otherwise (Discord rejects bad ones).

    A refused emoji would break every select that shows the group (the picker and `/intro me`), so text
    such as `:)` is refused here; with `known`, a custom emoji must be one the bot can use.
    """
    if emoji is None or not emoji.strip():
        return None
    emoji = emoji.strip()
    custom = custom_emoji_id(emoji)
    if custom is not None and known is not None and known(custom) is None:
        raise UserError(
            f"I can't use the emoji {quote(emoji, 60)}: it belongs to a server I'm not in. "
            "Pick one of this server's emojis or a standard one such as 🍎."
        )
    if custom is not None or looks_like_emoji(emoji):
        return emoji
    raise UserError(
        f"{quote(emoji, 40)} isn't an emoji. Use one emoji such as 🍎, or a server emoji picked from "
        "the emoji menu."
    )


def check_description(text: str) -> str:
    """A group's one-line description, its spaces tidied; refused beyond `DESCRIPTION_LIMIT`."""
    about = " ".join(text.split())
    if len(about) > DESCRIPTION_LIMIT:
        raise UserError(f"The description is {len(about)} characters; keep it to {DESCRIPTION_LIMIT}.")
    return about


def group_unit(group: Group) -> Unit:
    topic = (
        f"{group.emoji or ''} {group.description or group.name} — a private lounge for {group.name}.".strip()
    )
    return Unit(group.id, group.name, topic, group.role_id, group.channel_id, group.category_id)


async def find_group(repo: GroupRepository, guild_id: int, name: str) -> Group:
    """The group named (or whose id was typed), or a UserError suggesting the closest names."""
    group = await find_unit(repo, guild_id, name)
    if group is None:
        known = [g.name for g in await repo.all(guild_id)]
        near = closest_names(name, known)
        hint = (
            f" Did you mean {human_list([f'**{safe_text(n, 60)}**' for n in near], 'or')}?"
            if near
            else f" The groups are: {short_list([f'**{safe_text(n, 60)}**' for n in known])}"
            + (" (`/groups list` shows them all)." if len(known) > 8 else ".")
            if known
            else " There are no groups yet: an organizer can create them with `/groups setup`."
        )
        raise UserError(f"There's no group called {quote(name, 60)}.{hint}")
    return group


class GroupArg(app_commands.Transformer["CopBot"]):
    """A stakeholder group of this guild, typed by name (autocompleted) or id; refused with the closest
    names."""

    async def transform(self, interaction: discord.Interaction[CopBot], value: str) -> Group:
        assert interaction.guild_id is not None
        return await find_group(GroupRepository(interaction.client.db), interaction.guild_id, value)

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[CopBot], value: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        typed = value.casefold()
        return [
            app_commands.Choice(name=g.name[:100], value=g.name[:100])
            for g in await GroupRepository(interaction.client.db).all(interaction.guild_id)
            if typed in g.name.casefold()
        ][:25]
