"""The one base for persistent components (buttons and selects that work after a restart).

A persistent item is a `discord.ui.DynamicItem` whose state is in its custom_id. It mixes in
`PersistentItem` and names the cog that handles it (`feature`, the cog's name); a click reaches that cog's
`on_component(interaction, item)`, and a failure reaches the member like a slash command's (`ReportsErrors`).
The cog registers the item class with `bot.add_dynamic_items` in `cog_load`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

import discord

from bot.errors import ReportsErrors

if TYPE_CHECKING:
    from bot.client import CopBot


class ComponentHandler(Protocol):
    """A cog that answers clicks on its persistent items."""

    async def on_component(self, interaction: discord.Interaction[CopBot], item: Any) -> None: ...


class PersistentItem(ReportsErrors):
    """Routes a click on a persistent item to its feature's cog (`feature` = the cog's name)."""

    feature: ClassVar[str]

    async def respond(self, interaction: discord.Interaction[CopBot]) -> None:
        cog = interaction.client.get_cog(self.feature)
        if cog is None:
            raise RuntimeError(f"the {self.feature} feature is not loaded")
        await cast("ComponentHandler", cog).on_component(interaction, self)
