"""Persistent meeting buttons: the state is in the custom id (`mtg:<action>:<id>[:<arg>]`), so they work
after a restart. Clicks are handed to the Meetings cog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord

from bot.errors import ReportsErrors

if TYPE_CHECKING:
    from cogs.meetings.cog import Meetings

PREFIX = "mtg"


def custom_id(action: str, ref: int, arg: str | None = None) -> str:
    return f"{PREFIX}:{action}:{ref}" + (f":{arg}" if arg else "")


class MeetingButton(
    ReportsErrors,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mtg:(?P<action>rsvp|ics|here|vote):(?P<ref>\d{1,20})(?::(?P<arg>going|maybe|no))?",
):
    """A Going / Maybe / Can't go / Add to calendar / I'm here / agenda vote button."""

    def __init__(
        self,
        action: str,
        ref: int,
        arg: str | None = None,
        *,
        label: str | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
        emoji: str | None = None,
        row: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=custom_id(action, ref, arg),
                disabled=disabled,
                emoji=emoji,
                row=row,
            )
        )
        self.action = action
        self.ref = ref
        self.arg = arg

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any, /
    ) -> MeetingButton:
        button = cast("discord.ui.Button[Any]", item)
        return cls(match["action"], int(match["ref"]), match["arg"], label=button.label, style=button.style)

    async def respond(self, interaction: discord.Interaction) -> None:
        cog = cast("Meetings | None", interaction.client.get_cog("Meetings"))  # type: ignore[attr-defined]
        if cog is None:
            raise RuntimeError("the meetings feature is not loaded")
        await cog.on_button(interaction, self.action, self.ref, self.arg)
