"""The form an organizer writes an announcement's text in (new or edited)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import ErrorReportingModal
from bot.ui import add_field
from core.announcements.text import PLACEHOLDERS

from .render import CONTENT_LIMIT

if TYPE_CHECKING:
    from bot.client import CopBot

TITLE_LIMIT = 256
TextHandler = Callable[["discord.Interaction[CopBot]", str | None, str], Awaitable[None]]


class MessageModal(ErrorReportingModal):
    """The announcement's text (and optional title), then `on_text` takes over."""

    def __init__(self, heading: str, on_text: TextHandler, *, title: str = "", body: str = "") -> None:
        super().__init__(title=heading[:45], timeout=15 * 60)
        self.on_text = on_text
        self.title_input: discord.ui.TextInput[MessageModal] = discord.ui.TextInput(
            custom_id="title",
            required=False,
            max_length=TITLE_LIMIT,
            default=title or None,
        )
        self.body_input: discord.ui.TextInput[MessageModal] = discord.ui.TextInput(
            custom_id="text",
            style=discord.TextStyle.paragraph,
            max_length=CONTENT_LIMIT,
            placeholder=f"You can use {', '.join(PLACEHOLDERS)}",
            default=body or None,
        )
        add_field(self, "Title (optional: posts it as a card)", self.title_input)
        add_field(self, "Message", self.body_input)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.on_text(interaction, self.title_input.value.strip() or None, self.body_input.value)
