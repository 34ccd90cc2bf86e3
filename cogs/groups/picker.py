"""The group picker: a posted message whose selects let members join or leave groups (persistent, routed to
the Groups cog's `on_component`), and the private selects of `/groups join` and `/groups leave`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.client import CopBot
from bot.memberships import describe_change, memberships
from bot.persistent import PersistentItem
from bot.ui import OwnedView
from cogs.groups.inputs import DESCRIPTION_LIMIT
from core.text import plural
from storage.groups import Group

OPTIONS_PER_SELECT = 25
SELECTS_PER_MESSAGE = 5
PICKER_TEXT = (
    "**Choose your stakeholder groups.** Each group has a private channel where, for example, teachers talk "
    "with teachers. Pick a group to join it; pick one you're already in to leave it. Only you see the answer."
)


def option_for(group: Group, *, default: bool = False) -> discord.SelectOption:
    return discord.SelectOption(
        label=group.name[:100],
        value=str(group.id),
        description=(group.description or None) and group.description[:DESCRIPTION_LIMIT],
        emoji=group.emoji or None,
        default=default,
    )


def chunks(groups: Sequence[Group]) -> list[list[Group]]:
    """Groups split into selects of at most 25 options, at most 5 selects per message."""
    size = OPTIONS_PER_SELECT
    return [list(groups[i : i + size]) for i in range(0, len(groups), size)][:SELECTS_PER_MESSAGE]


class PickerSelect(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"grp:pick:(?P<page>\d)"
):
    """One select of a posted picker message; works after a restart (state is in the custom id)."""

    feature = "Groups"

    def __init__(self, page: int, groups: Sequence[Group] = ()) -> None:
        options = [option_for(g) for g in groups] or [discord.SelectOption(label="(no groups)", value="0")]
        super().__init__(
            discord.ui.Select(
                custom_id=f"grp:pick:{page}",
                placeholder="Join or leave stakeholder groups…" if page == 0 else "More groups…",
                min_values=1,
                max_values=len(options),
                options=options,
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PickerSelect:
        return cls(int(match["page"]))

    @property
    def chosen(self) -> list[int]:
        """The group ids picked (the placeholder option of an empty picker left out)."""
        return [int(v) for v in self.item.values if v.isdigit() and v != "0"]


def picker_view(groups: Sequence[Group]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for page, part in enumerate(chunks(groups)):
        view.add_item(PickerSelect(page, part))
    return view


def picker_text(groups: Sequence[Group]) -> str:
    if not groups:
        return PICKER_TEXT + "\n\n*No groups yet: an organizer can create them with `/groups setup`.*"
    hidden = len(groups) - OPTIONS_PER_SELECT * SELECTS_PER_MESSAGE
    extra = f"\n\n{plural(hidden, 'more group')} can be joined with `/groups join`." if hidden > 0 else ""
    return PICKER_TEXT + extra


class ChooseView(OwnedView):
    """`/groups join` and `/groups leave`: private selects for the member who asked."""

    def __init__(self, owner_id: int, groups: Sequence[Group], *, join: bool) -> None:
        super().__init__(owner_id)
        self.join = join
        for page, part in enumerate(chunks(groups)):
            select: discord.ui.Select[ChooseView] = discord.ui.Select(
                placeholder=("Choose groups to join…" if join else "Choose groups to leave…"),
                min_values=1,
                max_values=len(part),
                options=[option_for(g) for g in part],
                row=page,
            )
            select.callback = self._chosen(select)  # type: ignore[method-assign]
            self.add_item(select)

    def _chosen(self, select: discord.ui.Select[ChooseView]) -> Any:
        async def callback(interaction: discord.Interaction[CopBot]) -> None:
            member = interaction.user
            assert isinstance(member, discord.Member)
            ids = [int(v) for v in select.values]
            service = memberships(interaction.client)
            change = await (
                service.join_groups(member, ids) if self.join else service.leave_groups(member, ids)
            )
            text = describe_change(change) if self.join else describe_change(None, change)
            self.disable()
            await interaction.response.edit_message(content=text, view=None)
            self.stop()

        return callback
