"""Persistent survey buttons (`svy:answer:<id>` on the survey's post, `svy:page:<id>:<page>` after a saved
page): the state is in the custom id, so they keep working after a restart. Clicks go to the Surveys cog's
`on_component`, which reads who clicked and the survey's current state."""

from __future__ import annotations

from typing import Any

import discord

from bot.persistent import PersistentItem

ANSWER_LABEL = "Answer the survey"


class AnswerButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"svy:answer:(?P<id>\d{1,20})",
):
    """On the survey's post: opens the clicker's next page (or page 1 to change their answers)."""

    feature = "Surveys"

    def __init__(self, survey_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=ANSWER_LABEL, style=discord.ButtonStyle.primary, custom_id=f"svy:answer:{survey_id}"
            )
        )
        self.survey_id = survey_id
        self.page: int | None = None

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> AnswerButton:
        return cls(int(match["id"]))


class PageButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"svy:page:(?P<id>\d{1,20}):(?P<page>\d{1,3})",
):
    """On the private note after a saved page: opens the next one."""

    feature = "Surveys"

    def __init__(self, survey_id: int, page: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Next page", style=discord.ButtonStyle.primary, custom_id=f"svy:page:{survey_id}:{page}"
            )
        )
        self.survey_id = survey_id
        self.page: int | None = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> PageButton:
        return cls(int(match["id"]), int(match["page"]))


def answer_view(survey_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(survey_id))
    return view


def next_view(survey_id: int, page: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(survey_id, page))
    return view
