"""Persistent meeting buttons: the state is in the custom id (`mtg:<action>:<id>[:<arg>]`), so they work
after a restart. Clicks go to the Meetings cog's `on_component` (`bot.persistent`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord

from bot.persistent import PersistentItem

if TYPE_CHECKING:
    pass

PREFIX = "mtg"


def custom_id(action: str, ref: int, arg: str | None = None) -> str:
    return f"{PREFIX}:{action}:{ref}" + (f":{arg}" if arg else "")


class MeetingButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mtg:(?P<action>rsvp|ics|here|vote):(?P<ref>\d{1,20})(?::(?P<arg>going|maybe|no))?",
):
    """A Going / Maybe / Can't go / Add to calendar / I'm here / agenda vote button."""

    feature = "Meetings"

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
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> MeetingButton:
        button = cast("discord.ui.Button[Any]", item)
        return cls(match["action"], int(match["ref"]), match["arg"], label=button.label, style=button.style)
