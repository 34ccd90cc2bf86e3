"""Persistent announcement buttons on `/announce show`: the state is in the custom id (`ann:<action>:<id>`),
so they keep working after a restart. Clicks go to the Announcements cog's `on_component` (`bot.persistent`)."""

from __future__ import annotations

from typing import Any

import discord

from bot.persistent import PersistentItem

LABELS = {"now": "Send now", "pause": "Pause", "resume": "Resume"}


class AnnouncementButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ann:(?P<action>now|pause|resume):(?P<id>\d{1,20})",
):
    """Send now / Pause / Resume for one announcement."""

    feature = "Announcements"

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
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> AnnouncementButton:
        return cls(match["action"], int(match["id"]))
