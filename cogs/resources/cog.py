"""`/resource`: the community's library of shared links and files — share, tag, search, rate, reuse.

The Discord adapter of `core.resources`: commands and autocomplete here, sharing in `sharing.py`, the card
buttons in `clicks.py`, the digest job in `digest.py`, a member's data deleted in `personal.py`.
"""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import can_organize, organizer_only
from bot.client import CopBot
from bot.formatting import embed
from bot.options import typed_id
from bot.permissions import require_bot_permissions
from bot.reach import channel_for
from bot.ui import Paginator, confirm, paginate_lines
from core.resources.digest import DAYS, DIGEST_GRACE, DIGEST_KIND, set_digest, was_set
from core.resources.inputs import clean_description, clean_title, parse_tags, split_tags
from core.resources.library import RESULTS, Library, check_may_change, link_of, one_source
from core.text import fit_lines, human_list, plural, quote, safe_text
from core.timeutil import discord_timestamp
from storage.guilds import Purpose
from storage.resources import GRADES, KINDS, Mark, NewResource, ResourceRepository, tag_key

from .arguments import ResourceId
from .cards import CardButton, card_embed, delete_card, link_markdown, refresh_card
from .clicks import card_clicked
from .digest import describe_digest, run_digest
from .forms import EditModal
from .personal import delete_member
from .replies import refusals, result_line, tag_note
from .sharing import Sharing

PERIOD_TEXT = {
    "week": "Votes from the last 7 days.",
    "month": "Votes from the last 30 days.",
    "year": "Votes from the last 12 months.",
}
GRADE_CHOICES = [app_commands.Choice(name=g, value=g) for g in GRADES]
KIND_CHOICES = [app_commands.Choice(name=k.title(), value=k) for k in KINDS]


class Resources(commands.Cog):
    """The resource library."""

    resource = app_commands.Group(
        name="resource", description="The community's library of shared links and documents.", guild_only=True
    )

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.repo = ResourceRepository(bot.db)
        self.library = Library(self.repo, bot.clock)
        self.sharing = Sharing(bot, self.library)
        self.save_menu = app_commands.ContextMenu(
            name="Save to resource library", callback=self.sharing.save_message
        )
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
            "resource library",
            export=self.repo.export_member,
            delete=partial(delete_member, self.bot, self.repo),
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
        with refusals():
            one_source(url, file is not None)
            cleaned_title = clean_title(title)
            cleaned_description = clean_description(description)
            tag_input = parse_tags(tags)
            link = link_of(url) if url else None
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
        await self.sharing.share(interaction, new, tag_input, link=link, file=file)

    # -- the card's buttons --------------------------------------------------------------------------------

    async def on_component(self, interaction: discord.Interaction[CopBot], item: CardButton) -> None:
        """A click on a resource card's persistent button (`cards.CardButton`)."""
        await card_clicked(self.library, interaction, item)

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
        with refusals():
            found = await self.library.search(interaction.guild_id, query, tag=tag, grades=grades, kind=kind)
        filters = [
            f"tag **{safe_text(tag, 40)}**" if tag else "",
            f"grades {grades}" if grades else "",
            f"kind {kind}" if kind else "",
        ]
        within = f" (with {human_list([f for f in filters if f])})" if any(filters) else ""
        empty = (
            f"Nothing matched {quote(query, 100)}{within}. Try fewer or shorter words, "
            "or browse with `/resource tags` and `/resource recent`."
        )
        title = f"Resources matching {quote(query, 60)}{within}"
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
        top = await self.library.top(interaction.guild_id, period, tag)
        card = embed(
            "Top resources" + (f" tagged {safe_text(tag, 40)}" if tag else ""),
            PERIOD_TEXT.get(period, "Votes of all time."),
        )
        for mark, name, emoji in ((Mark.HELPFUL, "Most helpful", "👍"), (Mark.USED, "Most used", "🛠️")):
            lines = [f"`#{r.resource.id}` {link_markdown(r.resource)} · {emoji} {r.count}" for r in top[mark]]
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
        id: ResourceId,
        grades: str | None = None,
        kind: str | None = None,
    ) -> None:
        """Change a resource you shared (organizers can change any)."""
        found = id
        with refusals():
            await check_may_change(
                found, interaction.user.id, "edit", organizer=partial(can_organize, interaction)
            )
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
        with refusals():
            await self.library.editable(
                interaction.guild_id,
                resource_id,
                interaction.user.id,
                "edit",
                organizer=partial(can_organize, interaction),
            )
            updated, tag_input = await self.library.edit(
                interaction.guild_id,
                resource_id,
                title=title,
                description=description,
                tags=tags,
                grades=grades,
                kind=kind,
            )
        await interaction.response.send_message(
            "\n".join(
                filter(None, [f"Updated #{updated.id}: {link_markdown(updated)}.", tag_note(tag_input)])
            ),
            embed=card_embed(updated),
            ephemeral=True,
        )
        await refresh_card(self.bot, updated, retitle=True)

    @resource.command(name="remove")
    @app_commands.describe(id="The resource's number (shown on its card and in search results)")
    async def remove(self, interaction: discord.Interaction[CopBot], id: ResourceId) -> None:
        """Remove a resource you shared from the library, with its card (organizers can remove any)."""
        assert interaction.guild_id is not None
        found = id
        with refusals():
            await check_may_change(
                found, interaction.user.id, "remove", organizer=partial(can_organize, interaction)
            )
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
        with refusals():
            count, tag_input = await self.library.rename_tag(interaction.guild_id, old, new)
        await interaction.response.send_message(
            f"Renamed {quote(old, 40)} to **{tag_input.tags[0]}** on {plural(count, 'resource')}. "
            + tag_note(tag_input),
            ephemeral=True,
        )

    @resource.command(name="tag-merge")
    @organizer_only()
    @app_commands.describe(a="The tag to fold in (it disappears)", b="The tag to keep")
    async def tag_merge(self, interaction: discord.Interaction[CopBot], a: str, b: str) -> None:
        """Merge tag a into tag b: everything tagged a is tagged b, and a is gone."""
        assert interaction.guild_id is not None
        with refusals():
            gone, kept, count = await self.library.merge_tags(interaction.guild_id, a, b)
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
        change = await set_digest(
            self.repo, self.bot.scheduler, guild_id, enabled=enabled, day=day, hour=hour, zone=zone
        )
        if not enabled:
            await interaction.response.send_message(
                f"The weekly resource digest is off{was_set(change.before)}.", ephemeral=True
            )
            return
        when = f" The next one: {discord_timestamp(change.next_due, 'F')}." if change.next_due else ""
        channel_id = await channel_for(self.bot, guild_id, Purpose.RESOURCES)
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
        text = str(current)
        resources = await self.library.candidates(interaction.guild_id, text, typed_id(text.strip()))
        return [app_commands.Choice(name=f"#{r.id} {r.title}"[:100], value=r.id) for r in resources]
