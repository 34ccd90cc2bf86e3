"""`/resource`: the community's library of shared links and files — share, tag, search, rate, reuse."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import replace
from datetime import timedelta
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_organizer, organizer_only
from bot.client import CopBot
from bot.errors import NotOrganizer, UserError
from bot.formatting import embed, fit_lines, human_list, plural, safe_text
from bot.options import Id, typed_id
from bot.permissions import require_bot_permissions
from bot.ui import Paginator, confirm, paginate_lines
from bot.urls import UrlError, find_urls, normalize_url
from core.personal_data import Deleted
from core.timeutil import discord_timestamp
from storage.fts import terms
from storage.guilds import Purpose
from storage.resources import (
    GRADES,
    KINDS,
    Mark,
    NewResource,
    Resource,
    ResourceRepository,
    TagError,
    tag_key,
)

from .cards import (
    CardButton,
    CardNotPosted,
    OrganizerNotices,
    card_embed,
    card_view,
    counts_text,
    delete_card,
    jump_url,
    link_markdown,
    post_card,
    refresh_card,
)
from .digest import DAYS, DIGEST_GRACE, DIGEST_KIND, DIGEST_OWNER, describe_digest, run_digest
from .files import FileRefused, check_file, safe_filename
from .forms import AddTagsView, EditModal, ShareForm, ShareModal, Source
from .inputs import clean_description, clean_title, parse_tags, split_tags

log = logging.getLogger(__name__)

RESULTS = 30  # search results shown (three pages of ten)
MAX_FILE_BYTES = 25 * 1024 * 1024
PERIODS = {"week": timedelta(days=7), "month": timedelta(days=30), "year": timedelta(days=365), "all": None}
PERIOD_TEXT = {
    "week": "Votes from the last 7 days.",
    "month": "Votes from the last 30 days.",
    "year": "Votes from the last 12 months.",
}
GRADE_CHOICES = [app_commands.Choice(name=g, value=g) for g in GRADES]
KIND_CHOICES = [app_commands.Choice(name=k.title(), value=k) for k in KINDS]
MARK_OF = {"helpful": Mark.HELPFUL, "used": Mark.USED, "save": Mark.SAVED}


def result_line(resource: Resource) -> str:
    tags = f" · {safe_text(', '.join(resource.tags), 120)}" if resource.tags else ""
    return f"`#{resource.id}` {link_markdown(resource)}{tags} · 👍 {resource.helpful_count} · 🛠️ {resource.used_count}"


class Resources(commands.Cog):
    """The resource library."""

    resource = app_commands.Group(
        name="resource", description="The community's library of shared links and documents.", guild_only=True
    )

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.repo = ResourceRepository(bot.db)
        self.notices = OrganizerNotices()
        self.save_menu = app_commands.ContextMenu(name="Save to resource library", callback=self.save_message)
        self.save_menu.guild_only = True

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CardButton)
        self.bot.tree.add_command(self.save_menu)
        self.bot.scheduler.register(
            DIGEST_KIND,
            partial(run_digest, self.bot, self.repo),
            grace=DIGEST_GRACE,
            describe=describe_digest,
        )
        self.bot.personal_data.register(
            "resource library", export=self.repo.export_member, delete=self._delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(CardButton)
        self.bot.tree.remove_command(self.save_menu.name, type=self.save_menu.type)
        self.bot.scheduler.unregister(DIGEST_KIND)
        self.bot.personal_data.unregister("resource library")

    # -- sharing -------------------------------------------------------------------------------------------

    @resource.command(name="share")
    @app_commands.describe(
        title="A short name people will recognise",
        url="The web link (https://…) — or attach a file instead",
        file="A document, slides, spreadsheet, PDF or image instead of a link (no programs or scripts)",
        tags="Topics, separated by commas; pick from the list or type new ones",
        description="What it is and who it helps",
        grades="The grade band it suits",
        kind="What sort of resource it is",
    )
    @app_commands.choices(grades=GRADE_CHOICES, kind=KIND_CHOICES)
    async def share(
        self,
        interaction: discord.Interaction[CopBot],
        title: str,
        url: str | None = None,
        file: discord.Attachment | None = None,
        tags: str | None = None,
        description: str | None = None,
        grades: str | None = None,
        kind: str | None = None,
    ) -> None:
        """Add a link or a file to the resource library; it is posted as a card in the resources channel."""
        assert interaction.guild is not None
        if url and file:
            raise UserError("Share either a link or a file, not both: run the command once for each.")
        if not url and not file:
            raise UserError(
                "Give a link in `url`, or attach a document in `file`, so people can open the resource."
            )
        cleaned_title = clean_title(title)
        cleaned_description = clean_description(description)
        tag_input = parse_tags(tags)
        link = self._normalized(url) if url else None
        await interaction.response.defer(ephemeral=True, thinking=True)
        new = NewResource(
            guild_id=interaction.guild.id,
            url="",
            url_key="",
            title=cleaned_title,
            shared_by=interaction.user.id,
            description=cleaned_description,
            grades=grades,
            kind=kind,
        )
        await self._share(interaction, new, tag_input.tags, tag_input.note(), link=link, file=file)

    @staticmethod
    def _normalized(url: str) -> tuple[str, str]:
        try:
            found = normalize_url(url)
        except UrlError as exc:
            raise UserError(str(exc)) from None
        return found.display, found.key

    async def _share(
        self,
        interaction: discord.Interaction[CopBot],
        new: NewResource,
        tags: list[str],
        note: str,
        *,
        link: tuple[str, str] | None,
        file: discord.Attachment | None,
    ) -> None:
        """Save, post the card, and tell the member (the interaction is already deferred)."""
        assert interaction.guild is not None
        guild = interaction.guild
        upload: discord.File | None = None
        filename = safe_filename(file.filename) if file is not None else None
        if file is not None and filename is not None:
            if file.size > MAX_FILE_BYTES:
                raise UserError(
                    f"That file is too large to keep; files up to {MAX_FILE_BYTES // 2**20} MB work."
                )
            try:
                check_file(filename, file.content_type)  # before downloading it
                try:
                    data = await file.read()
                except discord.HTTPException:
                    raise UserError(
                        "I couldn't download that file from Discord; please attach it again."
                    ) from None
                check_file(filename, file.content_type, data)
            except FileRefused as refused:
                raise UserError(str(refused)) from None
            url, key = file.url, "file:" + hashlib.sha256(data).hexdigest()
            upload = discord.File(io.BytesIO(data), filename=filename)
        else:
            assert link is not None
            url, key = link
        await self.repo.ensure_starter_tags(guild.id)
        canonical = await self.repo.canonical_tags(guild.id, tags)
        new = replace(new, url=url, url_key=key, tags=canonical, filename=filename)
        outcome = await self.repo.share(new, now=self.bot.clock.now())
        if not outcome.created:
            await self._duplicate(interaction, outcome.resource, canonical)
            return
        resource = outcome.resource
        lines = [f"Added **{safe_text(resource.title, 200)}** to the resource library as #{resource.id}."]
        try:
            posted = await post_card(self.bot, guild, resource, upload)
        except CardNotPosted as problem:
            lines.append(f"It is saved and searchable, but {problem.member_text}")
            if problem.organizer_text:
                told = await self.notices.tell(self.bot, guild, problem.organizer_text)
                lines.append("I've told the organizers." if told else "Please let an organizer know.")
        else:
            await self.repo.set_card(
                resource.id,
                channel_id=posted.channel_id,
                thread_id=posted.thread_id,
                message_id=posted.message.id,
            )
            if upload is not None and posted.message.attachments:
                await self.repo.set_url(resource.id, posted.message.attachments[0].url)
            lines.append(f"Its card: {posted.message.jump_url}")
        if note:
            lines.append(note)
        await interaction.edit_original_response(content="\n".join(lines))

    async def _duplicate(
        self, interaction: discord.Interaction[CopBot], existing: Resource, tags: list[str]
    ) -> None:
        """The link is already in the library: show it, and offer to add the member's new tags to it."""
        new_tags = [t for t in tags if tag_key(t) not in {tag_key(x) for x in existing.tags}]
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
            try:
                updated = await self.repo.add_tags(
                    click.guild_id, existing.id, new_tags, now=self.bot.clock.now()
                )
            except TagError as exc:
                raise UserError(str(exc)) from None
            if updated is None:
                raise UserError("That resource was removed from the library in the meantime.")
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
            try:  # say so before the member fills in the form
                check_file(
                    safe_filename(message.attachments[0].filename), message.attachments[0].content_type
                )
            except FileRefused as refused:
                raise UserError(str(refused)) from None
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
        title = clean_title(form.title)
        description = clean_description(form.description)
        tag_input = parse_tags(form.tags)
        attachment = next((a for a in source.attachments if a.url == form.link.strip()), None)
        link = None if attachment else self._normalized(form.link)
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
        await self._share(interaction, new, tag_input.tags, tag_input.note(), link=link, file=attachment)

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

    # -- the card's buttons --------------------------------------------------------------------------------

    async def on_component(self, interaction: discord.Interaction[CopBot], item: CardButton) -> None:
        """A click on a resource card's persistent button (`cards.CardButton`)."""
        action, resource_id = item.action, item.resource_id
        if interaction.guild_id is None:
            raise UserError("These buttons work inside the server.")
        toggled = await self.repo.toggle(
            interaction.guild_id, resource_id, interaction.user.id, MARK_OF[action], now=self.bot.clock.now()
        )
        if toggled is None:
            raise UserError("This resource was removed from the library.")
        on, resource = toggled
        title = safe_text(resource.title, 100)
        if action == "save":
            text = (
                f"Saved **{title}** to your bookmarks: find it any time with `/resource saved`."
                if on
                else f"Removed **{title}** from your bookmarks."
            )
            await interaction.response.send_message(text, ephemeral=True)
            return
        await interaction.response.edit_message(embed=card_embed(resource), view=card_view(resource.id))
        if action == "helpful":
            text = "You marked this helpful" if on else "You took back your “helpful”"
        else:
            text = (
                "You said you used this — thank you, that tells others it works"
                if on
                else ("You took back your “I used this”")
            )
        await interaction.followup.send(
            f"{text} ({counts_text(resource)}). Click again to undo.", ephemeral=True
        )

    # -- finding -------------------------------------------------------------------------------------------

    @resource.command(name="search")
    @app_commands.describe(
        query="Words to look for in titles, descriptions and tags",
        tag="Only resources with this tag",
        grades="Only resources for this grade band",
        kind="Only this kind of resource",
    )
    @app_commands.choices(grades=GRADE_CHOICES, kind=KIND_CHOICES)
    async def search(
        self,
        interaction: discord.Interaction[CopBot],
        query: str,
        tag: str | None = None,
        grades: str | None = None,
        kind: str | None = None,
    ) -> None:
        """Search the resource library; the best matches come first."""
        assert interaction.guild_id is not None
        if not terms(query):
            raise UserError(
                "There are no words in that search to look for. Type a word or two, like `robotics` or "
                "`grant` — the start of a word is enough."
            )
        found = await self.repo.search(
            interaction.guild_id, query, tag=tag, grades=grades, kind=kind, limit=RESULTS
        )
        filters = [
            f"tag **{safe_text(tag, 40)}**" if tag else "",
            f"grades {grades}" if grades else "",
            f"kind {kind}" if kind else "",
        ]
        within = f" (with {human_list([f for f in filters if f])})" if any(filters) else ""
        empty = (
            f"Nothing matched “{safe_text(query, 100)}”{within}. Try fewer or shorter words, "
            "or browse with `/resource tags` and `/resource recent`."
        )
        title = f"Resources matching “{safe_text(query, 60)}”{within}"
        pages = paginate_lines(title[:256], [result_line(r) for r in found], per_page=10, empty=empty)
        await Paginator(interaction.user.id, pages).send(interaction)

    @resource.command(name="top")
    @app_commands.describe(tag="Only resources with this tag", period="Count votes from this period")
    @app_commands.choices(
        period=[
            app_commands.Choice(name="This week", value="week"),
            app_commands.Choice(name="This month", value="month"),
            app_commands.Choice(name="This year", value="year"),
            app_commands.Choice(name="All time", value="all"),
        ]
    )
    async def top(
        self, interaction: discord.Interaction[CopBot], tag: str | None = None, period: str = "all"
    ) -> None:
        """The resources members found most helpful and used most."""
        assert interaction.guild_id is not None
        span = PERIODS.get(period)
        since = self.bot.clock.now() - span if span else None
        card = embed(
            "Top resources" + (f" tagged {safe_text(tag, 40)}" if tag else ""),
            PERIOD_TEXT.get(period, "Votes of all time."),
        )
        for mark, name, emoji in ((Mark.HELPFUL, "Most helpful", "👍"), (Mark.USED, "Most used", "🛠️")):
            ranked = await self.repo.top(interaction.guild_id, mark, since=since, tag=tag, limit=10)
            lines = [f"`#{r.resource.id}` {link_markdown(r.resource)} · {emoji} {r.count}" for r in ranked]
            card.add_field(name=name, value=fit_lines(lines) if lines else "No votes yet.", inline=False)
        await interaction.response.send_message(embed=card, ephemeral=True)

    @resource.command(name="recent")
    async def recent(self, interaction: discord.Interaction[CopBot]) -> None:
        """The resources shared most recently."""
        assert interaction.guild_id is not None
        found = await self.repo.recent(interaction.guild_id, limit=RESULTS)
        lines = [f"{result_line(r)} · {discord_timestamp(r.created_at, 'R')}" for r in found]
        pages = paginate_lines(
            "Recently shared", lines, empty="Nothing has been shared yet. Be the first: `/resource share`."
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    @resource.command(name="saved")
    async def saved(self, interaction: discord.Interaction[CopBot]) -> None:
        """Your bookmarks: the resources you saved with the Save button."""
        assert interaction.guild_id is not None
        found = await self.repo.saved(interaction.guild_id, interaction.user.id)
        pages = paginate_lines(
            "Your saved resources",
            [result_line(r) for r in found],
            empty="You haven't saved anything yet. Press **Save** on a resource card to keep it here.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    @resource.command(name="tags")
    async def tags(self, interaction: discord.Interaction[CopBot]) -> None:
        """Every tag in the library, with how many resources carry it."""
        assert interaction.guild_id is not None
        counts = await self.repo.tag_counts(interaction.guild_id)
        lines = [f"**{safe_text(name, 40)}** — {plural(count, 'resource')}" for name, count in counts]
        pages = paginate_lines("Resource tags", lines, per_page=20, empty="There are no tags yet.")
        await Paginator(interaction.user.id, pages).send(interaction)

    # -- changing ------------------------------------------------------------------------------------------

    async def _editable(
        self, interaction: discord.Interaction[CopBot], resource_id: int, doing: str
    ) -> Resource:
        """The resource, if this member may change it (the sharer, or an organizer)."""
        assert interaction.guild_id is not None
        found = await self.repo.get(interaction.guild_id, resource_id)
        if found is None:
            raise UserError(
                f"There is no resource #{resource_id}. `/resource search` shows each one's number."
            )
        if found.shared_by != interaction.user.id:
            try:
                await is_organizer(interaction)
            except NotOrganizer:
                raise UserError(
                    f"Only <@{found.shared_by}>, who shared #{found.id}, or an organizer can {doing} it. "
                    "If something about it is wrong, let them know."
                ) from None
        return found

    @resource.command(name="edit")
    @app_commands.describe(
        id="The resource's number (shown on its card and in search results)",
        grades="Change the grade band",
        kind="Change what sort of resource it is",
    )
    @app_commands.choices(grades=GRADE_CHOICES, kind=KIND_CHOICES)
    async def edit(
        self,
        interaction: discord.Interaction[CopBot],
        id: Id,
        grades: str | None = None,
        kind: str | None = None,
    ) -> None:
        """Change a resource you shared (organizers can change any)."""
        found = await self._editable(interaction, id, "edit")
        submit = partial(self._edit_submitted, found.id, grades, kind)
        await interaction.response.send_modal(EditModal(found, submit))

    async def _edit_submitted(
        self,
        resource_id: int,
        grades: str | None,
        kind: str | None,
        interaction: discord.Interaction[CopBot],
        title: str,
        description: str,
        tags: str,
    ) -> None:
        assert interaction.guild_id is not None
        await self._editable(interaction, resource_id, "edit")
        tag_input = parse_tags(tags)
        canonical = await self.repo.canonical_tags(interaction.guild_id, tag_input.tags)
        updated = await self.repo.update(
            interaction.guild_id,
            resource_id,
            now=self.bot.clock.now(),
            title=clean_title(title),
            description=clean_description(description),
            tags=canonical,
            grades=grades,
            kind=kind,
        )
        if updated is None:
            raise UserError("That resource was removed from the library in the meantime.")
        await interaction.response.send_message(
            "\n".join(filter(None, [f"Updated #{updated.id}: {link_markdown(updated)}.", tag_input.note()])),
            embed=card_embed(updated),
            ephemeral=True,
        )
        await refresh_card(self.bot, updated, retitle=True)

    @resource.command(name="remove")
    @app_commands.describe(id="The resource's number (shown on its card and in search results)")
    async def remove(self, interaction: discord.Interaction[CopBot], id: Id) -> None:
        """Remove a resource you shared from the library, with its card (organizers can remove any)."""
        assert interaction.guild_id is not None
        found = await self._editable(interaction, id, "remove")
        click = await confirm(
            interaction,
            f"Remove **{safe_text(found.title, 200)}** (#{found.id}) from the library? Its card, votes and "
            "bookmarks go too.",
            declined="Nothing was removed.",
            confirm_label="Remove",
        )
        if click is None:
            return
        removed = await self.repo.remove(interaction.guild_id, found.id)
        if removed is None:
            await click.response.edit_message(content="It was already removed.", view=None)
            return
        card_note = " and its card" if await delete_card(self.bot, removed) else ""
        await click.response.edit_message(
            content=f"Removed **{safe_text(removed.title, 200)}** (#{removed.id}){card_note} from the library.",
            view=None,
        )

    # -- organizers ----------------------------------------------------------------------------------------

    @resource.command(name="tag-rename")
    @organizer_only()
    @app_commands.describe(old="The tag to rename", new="Its new name")
    async def tag_rename(self, interaction: discord.Interaction[CopBot], old: str, new: str) -> None:
        """Rename a tag on every resource that carries it."""
        assert interaction.guild_id is not None
        tag_input = parse_tags(new)
        if len(tag_input.tags) != 1:
            raise UserError("Give exactly one new name (no commas).")
        try:
            count = await self.repo.rename_tag(
                interaction.guild_id, old, tag_input.tags[0], now=self.bot.clock.now()
            )
        except TagError as exc:
            raise UserError(str(exc)) from None
        await interaction.response.send_message(
            f"Renamed “{safe_text(old, 40)}” to **{tag_input.tags[0]}** on {plural(count, 'resource')}. "
            + tag_input.note(),
            ephemeral=True,
        )

    @resource.command(name="tag-merge")
    @organizer_only()
    @app_commands.describe(a="The tag to fold in (it disappears)", b="The tag to keep")
    async def tag_merge(self, interaction: discord.Interaction[CopBot], a: str, b: str) -> None:
        """Merge tag a into tag b: everything tagged a is tagged b, and a is gone."""
        assert interaction.guild_id is not None
        try:
            gone, kept, count = await self.repo.merge_tags(
                interaction.guild_id, a, b, now=self.bot.clock.now()
            )
        except TagError as exc:
            raise UserError(str(exc)) from None
        await interaction.response.send_message(
            f"Merged **{gone}** into **{kept}**: {plural(count, 'resource')} now carry **{kept}**, "
            f"and **{gone}** is gone.",
            ephemeral=True,
        )

    @resource.command(name="channel")
    @organizer_only()
    @app_commands.describe(channel="A text channel, or a forum channel (posts get matching forum tags)")
    async def set_channel(
        self, interaction: discord.Interaction[CopBot], channel: discord.TextChannel | discord.ForumChannel
    ) -> None:
        """Choose where resource cards are posted: a text channel or a forum."""
        assert interaction.guild_id is not None
        require_bot_permissions(
            channel,
            "view_channel",
            "send_messages",
            "embed_links",
            doing=f"post resource cards in {channel.mention}",
        )
        await self.bot.guild_settings.set_channel(interaction.guild_id, Purpose.RESOURCES, channel.id)
        extra = ""
        if isinstance(channel, discord.ForumChannel):
            names = [t.name for t in channel.available_tags]
            extra = " Each resource becomes a forum post with the forum tags that match its tags" + (
                f" ({human_list(names)})."
                if names
                else "; this forum has no tags yet — add some in its settings."
            )
        await interaction.response.send_message(
            f"Resource cards will be posted in {channel.mention}.{extra}", ephemeral=True
        )

    @resource.command(name="digest")
    @organizer_only()
    @app_commands.describe(
        enabled="Post the weekly digest, or stop it",
        day="The day it is posted (default Monday)",
        hour="The hour it is posted, 0-23, in the community's time zone (default 9)",
    )
    @app_commands.choices(day=[app_commands.Choice(name=name, value=key) for key, name in DAYS.items()])
    async def digest(
        self,
        interaction: discord.Interaction[CopBot],
        enabled: bool,
        day: str = "mon",
        hour: app_commands.Range[int, 0, 23] = 9,
    ) -> None:
        """Turn the weekly digest of new and most helpful resources on or off."""
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        zone = await self.bot.guild_settings.timezone(guild_id)
        before = await self.repo.digest_settings(guild_id)
        async with self.bot.db.transaction():
            await self.bot.scheduler.cancel(owner=DIGEST_OWNER, guild_id=guild_id)
            if not enabled:
                await self.repo.set_digest(guild_id, None, None, None)
            else:
                series = await self.bot.scheduler.recurring(
                    DIGEST_KIND,
                    {"day_of_week": day, "hour": hour, "minute": 0},
                    {},
                    guild_id=guild_id,
                    owner=DIGEST_OWNER,
                    timezone=zone,
                )
                await self.repo.set_digest(guild_id, series, day, hour)
        if not enabled:
            was = ""
            if before.day is not None and before.day in DAYS and before.hour is not None:
                was = f" (it was set for {DAYS[before.day]}s at {before.hour:02d}:00)"
            await interaction.response.send_message(
                f"The weekly resource digest is off{was}.", ephemeral=True
            )
            return
        upcoming = [
            j for j in await self.bot.scheduler.upcoming(guild_id, limit=25) if j.owner == DIGEST_OWNER
        ]
        when = f" The next one: {discord_timestamp(upcoming[0].due_at, 'F')}." if upcoming else ""
        channel_id = (await self.bot.guild_settings.get(guild_id)).channels.get(Purpose.RESOURCES)
        where = (
            f"<#{channel_id}>"
            if channel_id
            else "the resources channel (none is set yet: `/resource channel`)"
        )
        await interaction.response.send_message(
            f"Every {DAYS[day]} at {hour:02d}:00 ({zone}) I'll post the week's new and most helpful "
            f"resources in {where}.{when}",
            ephemeral=True,
        )

    # -- autocomplete --------------------------------------------------------------------------------------

    @share.autocomplete("tags")
    async def tags_autocomplete(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Complete the last tag of a comma-separated list from the guild's tags."""
        assert interaction.guild_id is not None
        pieces = split_tags(current)
        typing_new = bool(current) and not current.rstrip().endswith((",", ";"))
        done, partial_tag = (pieces[:-1], pieces[-1]) if pieces and typing_new else (pieces, "")
        taken = {tag_key(p) for p in done}
        choices = []
        for name in await self.repo.tag_names(interaction.guild_id, partial_tag, limit=25):
            if tag_key(name) in taken:
                continue
            value = ", ".join([*done, name])
            if len(value) <= 100:
                choices.append(app_commands.Choice(name=value, value=value))
        return choices[:25]

    @search.autocomplete("tag")
    @top.autocomplete("tag")
    @tag_rename.autocomplete("old")
    @tag_merge.autocomplete("a")
    @tag_merge.autocomplete("b")
    async def one_tag_autocomplete(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        names = await self.repo.tag_names(interaction.guild_id, current, limit=25)
        return [app_commands.Choice(name=n, value=n) for n in names]

    @edit.autocomplete("id")
    @remove.autocomplete("id")
    async def id_autocomplete(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[int]]:
        assert interaction.guild_id is not None
        text = str(current).strip()
        if (typed := typed_id(text)) is not None:
            found = await self.repo.get(interaction.guild_id, typed)
            resources = [found] if found else []
        elif text.isdigit():
            resources = []  # a number no resource can have
        elif text:
            resources = await self.repo.search(interaction.guild_id, text, limit=25)
        else:
            resources = await self.repo.recent(interaction.guild_id, limit=25)
        return [app_commands.Choice(name=f"#{r.id} {r.title}"[:100], value=r.id) for r in resources]

    # -- personal data -------------------------------------------------------------------------------------

    async def _delete_member(self, guild_id: int, user_id: int) -> Deleted:
        cards = await self.repo.member_cards(guild_id, user_id)
        credited = await self.repo.saved_from_member(guild_id, user_id)
        removed = await self.repo.delete_member(guild_id, user_id)
        gone = 0
        remains: list[str] = []
        for resource in cards:
            if resource.card_message_id is None:
                continue
            if await delete_card(self.bot, resource):
                gone += 1
            else:
                remains.append(f"the card of a resource you shared ({_card_link(guild_id, resource)})")
        for resource_id in credited:  # their cards still named the member as the author
            kept = await self.repo.get(guild_id, resource_id)
            if kept is not None and not await refresh_card(self.bot, kept):
                remains.append(f"your name on a resource card ({_card_link(guild_id, kept)})")
        posts = (f"{plural(gone, 'resource card')} you shared",) if gone else ()
        return Deleted(removed, posts, tuple(remains))


def _card_link(guild_id: int, resource: Resource) -> str:
    where = resource.card_thread_id or resource.card_channel_id
    return f"https://discord.com/channels/{guild_id}/{where}/{resource.card_message_id}"


def _host_title(link: str) -> str:
    try:
        return normalize_url(link).host
    except UrlError:
        return link[:100]
