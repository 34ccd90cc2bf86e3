"""Sharing on Discord: `/resource share` and "Save to resource library" read the link or the attached file,
the core adds it (or finds the duplicate), and the card is posted; the member hears what happened."""

from __future__ import annotations

import io
from dataclasses import replace
from functools import partial

import discord

from bot.client import CopBot
from bot.errors import UserError
from bot.reach import LastingProblems
from core.resources.files import check_file, safe_filename
from core.resources.inputs import TagInput, clean_description, clean_title, parse_tags
from core.resources.library import Library, Link, check_size, file_link, link_of
from core.resources.urls import UrlError, find_urls, normalize_url
from core.text import human_list, safe_text
from storage.resources import NewResource, Resource

from .cards import (
    CardNotPosted,
    card_embed,
    jump_url,
    link_markdown,
    post_card,
    refresh_card,
)
from .forms import AddTagsView, ShareForm, ShareModal, Source
from .replies import refusals, tag_note

ORGANIZER_NOTICE_EVERY = 3600.0  # seconds between two notices about the same guild's broken card channel


class Sharing:
    """Adding links and files to the library, from the command or from a message."""

    def __init__(self, bot: CopBot, library: Library) -> None:
        self.bot = bot
        self.library = library
        self.notices = LastingProblems(bot, every=ORGANIZER_NOTICE_EVERY)

    async def share(
        self,
        interaction: discord.Interaction[CopBot],
        new: NewResource,
        tag_input: TagInput,
        *,
        link: Link | None,
        file: discord.Attachment | None,
    ) -> None:
        """Save, post the card, and tell the member (the interaction is already deferred)."""
        assert interaction.guild is not None
        guild = interaction.guild
        upload: discord.File | None = None
        filename = safe_filename(file.filename) if file is not None else None
        if file is not None and filename is not None:
            with refusals():
                check_size(file.size)
                check_file(filename, file.content_type)  # before downloading it
                try:
                    data = await file.read()
                except discord.HTTPException:
                    raise UserError(
                        "I couldn't download that file from Discord; please attach it again."
                    ) from None
                check_file(filename, file.content_type, data)
            link = file_link(file.url, data)
            upload = discord.File(io.BytesIO(data), filename=filename)
        assert link is not None
        outcome = await self.library.share(replace(new, filename=filename), link, tag_input.tags)
        if not outcome.created:
            await self._duplicate(interaction, outcome.resource, outcome.new_tags)
            return
        resource = outcome.resource
        lines = [f"Added **{safe_text(resource.title, 200)}** to the resource library as #{resource.id}."]
        try:
            posted = await post_card(self.bot, guild, resource, upload)
        except CardNotPosted as problem:
            lines.append(f"It is saved and searchable, but {problem.member_text}")
            if problem.organizer_text:
                told = await self.notices.tell(guild.id, "cards", f"**Organizers:** {problem.organizer_text}")
                lines.append("I've told the organizers." if told else "Please let an organizer know.")
        else:
            await self.library.repo.set_card(
                resource.id,
                channel_id=posted.channel_id,
                thread_id=posted.thread_id,
                message_id=posted.message.id,
            )
            if upload is not None and posted.message.attachments:
                await self.library.repo.set_url(resource.id, posted.message.attachments[0].url)
            lines.append(f"Its card: {posted.message.jump_url}")
        if note := tag_note(tag_input):
            lines.append(note)
        await interaction.edit_original_response(content="\n".join(lines))

    async def _duplicate(
        self, interaction: discord.Interaction[CopBot], existing: Resource, new_tags: list[str]
    ) -> None:
        """The link is already in the library: show it, and offer to add the member's new tags to it."""
        where = jump_url(existing)
        text = (
            f"That's already in the library as #{existing.id}: {link_markdown(existing)}, "
            f"shared by <@{existing.shared_by}>." + (f" Its card: {where}" if where else "")
        )
        card = card_embed(existing)
        if not new_tags:
            await interaction.edit_original_response(content=text, embed=card)
            return
        label = f"Add {human_list(new_tags)} to it"

        async def add(click: discord.Interaction[CopBot]) -> None:
            assert click.guild_id is not None
            with refusals():
                updated = await self.library.add_tags(click.guild_id, existing.id, new_tags)
            await click.response.edit_message(
                content=f"Added {human_list([f'**{t}**' for t in new_tags])} to #{existing.id}. Thank you!",
                embed=card_embed(updated),
                view=None,
            )
            await refresh_card(self.bot, updated, retitle=True)

        view = AddTagsView(interaction.user.id, label, add)
        view.interaction = interaction
        await interaction.edit_original_response(
            content=text + "\nYou gave tags it doesn't have yet: add them to it instead?",
            embed=card,
            view=view,
        )

    # -- saving a message ----------------------------------------------------------------------------------

    async def save_message(self, interaction: discord.Interaction[CopBot], message: discord.Message) -> None:
        """Save a message's link or file to the resource library (opens the share form, pre-filled)."""
        links = find_urls(message.content)
        if not links and not message.attachments:
            raise UserError(
                "That message has no link or file to save. Use this on a message that shares a web link "
                "or a document, or share one yourself with `/resource share`."
            )
        if not links:
            with refusals():  # say so before the member fills in the form
                check_file(
                    safe_filename(message.attachments[0].filename), message.attachments[0].content_type
                )
        text = message.content
        for found in links[:1]:
            text = text.replace(found, " ")
        text = " ".join(text.split()).strip(" .,:;-–—")
        link = links[0] if links else message.attachments[0].url
        guess = (
            (text[:100] or _host_title(links[0])) if links else safe_filename(message.attachments[0].filename)
        )
        form = ShareForm(title=guess[:256], link=link, description=message.content[:2000], tags="")
        source = Source(message.channel.id, message.id, message.author.id, tuple(message.attachments))
        await interaction.response.send_modal(ShareModal(form, partial(self._save_submitted, source)))

    async def _save_submitted(
        self, source: Source, interaction: discord.Interaction[CopBot], form: ShareForm
    ) -> None:
        assert interaction.guild is not None
        with refusals():
            title = clean_title(form.title)
            description = clean_description(form.description)
            tag_input = parse_tags(form.tags)
            attachment = next((a for a in source.attachments if a.url == form.link.strip()), None)
            link = None if attachment else link_of(form.link)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await self._still_there(source):
            raise UserError(
                "That message was deleted before you saved it, so I left it out of the library. "
                "If the resource should still be shared, share it with `/resource share`."
            )
        new = NewResource(
            guild_id=interaction.guild.id,
            url="",
            url_key="",
            title=title,
            shared_by=interaction.user.id,
            description=description,
            author_id=source.author_id if source.author_id != interaction.user.id else None,
            source_channel_id=source.channel_id,
            source_message_id=source.message_id,
        )
        await self.share(interaction, new, tag_input, link=link, file=attachment)

    async def _still_there(self, source: Source) -> bool:
        channel = self.bot.get_channel(source.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return False
        try:
            await channel.fetch_message(source.message_id)
        except discord.NotFound:
            return False
        except discord.HTTPException:
            return True  # can't tell (no access to history): the member just saw it
        return True


def _host_title(link: str) -> str:
    try:
        return normalize_url(link).host
    except UrlError:
        return link[:100]
