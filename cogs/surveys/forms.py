"""One page of a survey as a Discord form: a select for each 1–5 or choice question (inside a Label, as
`bot.ui.add_field` puts every input), a text input for a written one, filled with the member's earlier
answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import ErrorReportingModal
from bot.ui import OwnedView, add_field, form_id
from core.surveys.custom import FORMAT_HINT
from core.surveys.questions import TEXT_ANSWER_LIMIT, Kind, Question
from core.surveys.service import PageToFill

if TYPE_CHECKING:
    from bot.client import CopBot

TITLE_LIMIT = 100
INTRO_LIMIT = 800
QUESTIONS_LIMIT = 4000
Given = dict[str, list[str]]
PageHandler = Callable[["discord.Interaction[CopBot]", PageToFill, Given], Awaitable[None]]


def _input(question: Question, earlier: tuple[str, ...]) -> discord.ui.Item[Any]:
    if question.kind is Kind.TEXT:
        return discord.ui.TextInput(
            custom_id=question.key,
            style=discord.TextStyle.paragraph,
            required=question.required,
            max_length=TEXT_ANSWER_LIMIT,
            default=earlier[0][:TEXT_ANSWER_LIMIT] if earlier else None,
            placeholder=None if question.required else "Optional",
        )
    many = question.kind is Kind.MULTIPLE
    options = question.options
    return discord.ui.Select(
        custom_id=question.key,
        placeholder=("Pick any that fit" if many else "Pick one")[:150],
        min_values=1 if question.required else 0,
        max_values=len(options) if many else 1,
        required=question.required,
        options=[
            discord.SelectOption(label=text[:100], value=value, default=value in earlier)
            for value, text in options
        ],
    )


class PageModal(ErrorReportingModal):
    """One page; `on_page` gets what was given, by question key."""

    def __init__(self, page: PageToFill, on_page: PageHandler) -> None:
        heading = f"Survey #{page.survey.id}"
        if page.count > 1:
            heading += f" — page {page.number + 1} of {page.count}"
        super().__init__(title=heading[:45], timeout=15 * 60, custom_id=form_id("svy-form"))
        self.page = page
        self.on_page = on_page
        self.inputs: dict[str, discord.ui.Item[Any]] = {}
        for question in page.questions:
            item = _input(question, page.earlier.get(question.key, ()))
            self.inputs[question.key] = item
            add_field(self, question.label, item, description=question.detail or None)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        given: Given = {}
        for key, item in self.inputs.items():
            if isinstance(item, discord.ui.TextInput):
                given[key] = [item.value]
            elif isinstance(item, discord.ui.Select):
                given[key] = list(item.values)
        await self.on_page(interaction, self.page, given)


class Written:
    """What an organizer typed in the questions form, kept so a refusal loses nothing."""

    def __init__(self, title: str = "", intro: str = "", questions: str = "") -> None:
        self.title = title
        self.intro = intro
        self.questions = questions


WrittenHandler = Callable[["discord.Interaction[CopBot]", Written], Awaitable[None]]


class QuestionsModal(ErrorReportingModal):
    """A survey of one's own questions: title, introduction and the questions, one per line."""

    def __init__(self, heading: str, on_written: WrittenHandler, written: Written | None = None) -> None:
        super().__init__(title=heading[:45], timeout=15 * 60, custom_id=form_id("svy-own"))
        self.on_written = on_written
        written = written or Written()
        self.title_input: discord.ui.TextInput[QuestionsModal] = discord.ui.TextInput(
            custom_id="title", max_length=TITLE_LIMIT, default=written.title[:TITLE_LIMIT] or None
        )
        self.intro_input: discord.ui.TextInput[QuestionsModal] = discord.ui.TextInput(
            custom_id="intro",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=INTRO_LIMIT,
            default=written.intro[:INTRO_LIMIT] or None,
            placeholder="What the survey is for, shown on its post",
        )
        self.questions_input: discord.ui.TextInput[QuestionsModal] = discord.ui.TextInput(
            custom_id="questions",
            style=discord.TextStyle.paragraph,
            max_length=QUESTIONS_LIMIT,
            default=written.questions[:QUESTIONS_LIMIT] or None,
            placeholder=FORMAT_HINT[:100],
        )
        add_field(self, "Title", self.title_input)
        add_field(self, "Introduction (optional)", self.intro_input)
        add_field(
            self,
            "Questions, one per line",
            self.questions_input,
            description="Add a kind: [1-5], [choice: a, b], [several: a, b] or [text]",
        )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.on_written(
            interaction,
            Written(
                self.title_input.value.strip(), self.intro_input.value.strip(), self.questions_input.value
            ),
        )


class FixView(OwnedView):
    """After a refused form: “Fix it” opens it again with what was typed."""

    def __init__(self, owner_id: int, reopen: Callable[[], QuestionsModal]) -> None:
        super().__init__(owner_id)
        self.reopen = reopen

    @discord.ui.button(label="Fix it", style=discord.ButtonStyle.primary)
    async def fix(self, interaction: discord.Interaction[CopBot], button: discord.ui.Button[FixView]) -> None:
        await interaction.response.send_modal(self.reopen())
