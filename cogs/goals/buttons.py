"""The persistent Check in button on a team's check-in prompt (`goal:checkin:<school id>`, 0 for the whole
community): it keeps working after a restart. Clicks go to the Goals cog's `on_component` (`bot.persistent`)."""

from __future__ import annotations

from typing import Any

import discord

from bot.persistent import PersistentItem

COMMUNITY_ID = 0  # the button's "school" for the whole community's prompt


class CheckInButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"goal:checkin:(?P<school>\d{1,20})",
):
    """Opens the check-in form for the team's members."""

    feature = "Goals"

    def __init__(self, school_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Check in", style=discord.ButtonStyle.primary, custom_id=f"goal:checkin:{school_id}"
            )
        )
        self.school_id = school_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> CheckInButton:
        return cls(int(match["school"]))
