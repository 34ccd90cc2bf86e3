"""The forms of the resource library: saving a message as a resource, editing one, adding tags to a duplicate."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import ErrorReportingModal
from bot.ui import OwnedView, add_field
from core.resources.inputs import MAX_DESCRIPTION, MAX_TITLE
from core.text import prefill, prefill_list
from storage.resources import Resource

if TYPE_CHECKING:
    from bot.client import CopBot

MAX_LINK = 2000
MAX_TAG_INPUT = 400


@dataclass(frozen=True, slots=True)
class ShareForm:
    title: str
    link: str
    description: str
    tags: str


@dataclass(frozen=True, slots=True)
class Source:
    """The message a resource is being saved from."""

    channel_id: int
    message_id: int
    author_id: int
    attachments: tuple[discord.Attachment, ...]


OnShare = Callable[["discord.Interaction[CopBot]", ShareForm], Awaitable[None]]


class ShareModal(ErrorReportingModal):
    """“Save to resource library”: the share form, pre-filled from a message."""

    def __init__(self, form: ShareForm, on_submit: OnShare) -> None:
        super().__init__(title="Save to resource library")
        self._on_submit = on_submit
        self.title_input: discord.ui.TextInput[ShareModal] = discord.ui.TextInput(
            custom_id="title", default=prefill(form.title, MAX_TITLE), max_length=MAX_TITLE
        )
        self.link: discord.ui.TextInput[ShareModal] = discord.ui.TextInput(
            custom_id="link", default=prefill(form.link, MAX_LINK), max_length=MAX_LINK
        )
        self.description: discord.ui.TextInput[ShareModal] = discord.ui.TextInput(
            custom_id="description",
            style=discord.TextStyle.paragraph,
            default=prefill(form.description, MAX_DESCRIPTION),
            required=False,
            max_length=MAX_DESCRIPTION,
        )
        self.tags: discord.ui.TextInput[ShareModal] = discord.ui.TextInput(
            custom_id="tags",
            placeholder="Math, Project-Based Learning",
            default=prefill(form.tags, MAX_TAG_INPUT),
            required=False,
            max_length=MAX_TAG_INPUT,
        )
        add_field(self, "Title", self.title_input)
        add_field(self, "Link", self.link)
        add_field(self, "Description", self.description)
        add_field(self, "Tags (separated by commas)", self.tags)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self._on_submit(
            interaction,
            ShareForm(self.title_input.value, self.link.value, self.description.value, self.tags.value),
        )


OnEdit = Callable[["discord.Interaction[CopBot]", str, str, str], Awaitable[None]]


class EditModal(ErrorReportingModal):
    """Change a resource's title, description and tags."""

    def __init__(self, resource: Resource, on_submit: OnEdit) -> None:
        super().__init__(title=f"Edit resource #{resource.id}"[:45])
        self._on_submit = on_submit
        self.title_input: discord.ui.TextInput[EditModal] = discord.ui.TextInput(
            custom_id="title", default=prefill(resource.title, MAX_TITLE), max_length=MAX_TITLE
        )
        self.description: discord.ui.TextInput[EditModal] = discord.ui.TextInput(
            custom_id="description",
            style=discord.TextStyle.paragraph,
            default=prefill(resource.description, MAX_DESCRIPTION),
            required=False,
            max_length=MAX_DESCRIPTION,
        )
        self.tags: discord.ui.TextInput[EditModal] = discord.ui.TextInput(
            custom_id="tags",
            default=prefill_list(resource.tags, MAX_TAG_INPUT),
            required=False,
            max_length=MAX_TAG_INPUT,
        )
        add_field(self, "Title", self.title_input)
        add_field(self, "Description", self.description)
        add_field(self, "Tags (separated by commas)", self.tags)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self._on_submit(interaction, self.title_input.value, self.description.value, self.tags.value)


OnAddTags = Callable[["discord.Interaction[CopBot]"], Awaitable[None]]


class AddTagsView(OwnedView):
    """Shown with a duplicate: add the tags the member gave to the resource already in the library."""

    def __init__(self, owner_id: int, label: str, on_add: OnAddTags) -> None:
        super().__init__(owner_id)
        self._on_add = on_add
        self.add_tags.label = label[:80]

    @discord.ui.button(label="Add my tags", style=discord.ButtonStyle.primary)
    async def add_tags(
        self, interaction: discord.Interaction[CopBot], button: discord.ui.Button[AddTagsView]
    ) -> None:
        self.disable()
        self.stop()
        await self._on_add(interaction)
