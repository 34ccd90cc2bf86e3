"""The persistent button of a story prompt (`story:ask:<meeting>`) and of its follow-up
(`story:follow:<meeting>`), in a DM or in the meeting's channel. Only the ids are in the custom id; the cog
checks that the clicker was prompted (`Stories.on_component`)."""

from __future__ import annotations

from typing import Any

import discord

from bot.persistent import PersistentItem

LABELS = {"ask": "Tell us what you'll take away", "follow": "Tell us what happened"}


class StoryButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"story:(?P<action>ask|follow):(?P<id>\d{1,20})",
):
    feature = "Stories"

    def __init__(self, action: str, meeting_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=LABELS[action],
                style=discord.ButtonStyle.primary,
                custom_id=f"story:{action}:{meeting_id}",
            )
        )
        self.action = action
        self.meeting_id = meeting_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> StoryButton:
        return cls(match["action"], int(match["id"]))


def prompt_view(action: str, meeting_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(StoryButton(action, meeting_id))
    return view
