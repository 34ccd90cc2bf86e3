"""Persistent announcement buttons on `/announce show`: the state is in the custom id (`ann:<action>:<id>`),
so they keep working after a restart. Clicks are handed to the Announcements cog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord

from bot.errors import ReportsErrors

if TYPE_CHECKING:
    from cogs.announcements.cog import Announcements

LABELS = {"now": "Send now", "pause": "Pause", "resume": "Resume"}


class AnnouncementButton(
    ReportsErrors,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ann:(?P<action>now|pause|resume):(?P<id>\d{1,20})",
):
    """Send now / Pause / Resume for one announcement."""

    def __init__(self, action: str, announcement_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=LABELS[action],
                style=discord.ButtonStyle.primary if action == "now" else discord.ButtonStyle.secondary,
                custom_id=f"ann:{action}:{announcement_id}",
            )
        )
        self.action = action
        self.announcement_id = announcement_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any, /
    ) -> AnnouncementButton:
        return cls(match["action"], int(match["id"]))

    async def respond(self, interaction: discord.Interaction) -> None:
        cog = cast("Announcements | None", interaction.client.get_cog("Announcements"))  # type: ignore[attr-defined]
        if cog is None:
            raise RuntimeError("the announcements feature is not loaded")
        await cog.on_button(interaction, self.action, self.announcement_id)
