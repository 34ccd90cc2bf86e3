"""What the `/groups` and `/schools` cogs share: a unit (a stakeholder group or a school team) is a row with a
role and a private channel, built by `bot.structure.StructureBuilder` in categories planned from all the names.

`UnitCog` writes once the flows both kinds follow — build or repair with progress, add one unit, remove one
with its channel archived, look one up by name or id, keep the records in step when Discord deletes a role or
channel — while each cog keeps its own command names, options and texts. (The leading underscore keeps
`bot.client.discover_extensions` from loading this module as a cog.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar, Generic

import discord
from discord.ext import commands

from bot.client import CopBot
from bot.errors import UserError
from bot.options import typed_id
from bot.structure import BuildInterrupted, BuildReport, StructureBuilder, Unit, archive
from bot.ui import confirm
from core.text import human_list, safe_text
from core.units import names
from storage.units import DuplicateName, RowT, UnitRepository

__all__ = [
    "UnitCog",
    "channel_slug",
    "clean_name",
    "find_unit",
    "forbidden_message",
    "run_build",
    "slug_note",
]

channel_slug = names.channel_slug


def clean_name(text: str, what: str, *, limit: int = names.NAME_LIMIT) -> str:
    """A name typed by an organizer, tidied (`core.units.names.clean_name`); refused as a `UserError`."""
    try:
        return names.clean_name(text, what, limit=limit)
    except names.NameRefused as exc:
        raise UserError(str(exc)) from None


def slug_note(name: str) -> str:
    """Tell the organizer the channel's name when Discord's rules changed more than case and spaces."""
    if not names.slug_changed(name):
        return ""
    return (
        " (Discord channel names can't hold some of those characters, so the channel is "
        f"**#{names.channel_slug(name)}**.)"
    )


def forbidden_message(what: str, command: str) -> str:
    """Said when Discord refused part way (50013): the ids recorded so far let a rerun finish."""
    return (
        f"Discord refused to let me finish the {what} setup: I'm missing a permission or my role is too low. "
        f"Check that my role has **Manage Roles** and **Manage Channels** and sits above the {what} roles "
        f"(Server Settings → Roles), then run `{command}` again: it picks up where this stopped."
    )


async def find_unit(repo: UnitRepository[RowT], guild_id: int, text: str) -> RowT | None:
    """The unit named `text` (without case), else the one whose id was typed (`12`, `#12`), else None."""
    unit = await repo.by_name(guild_id, text)
    if unit is None and (typed := typed_id(text)) is not None:
        unit = await repo.get(guild_id, typed)
    return unit


async def run_build(
    interaction: discord.Interaction[CopBot],
    builder: StructureBuilder,
    units: Sequence[Unit],
    *,
    before_refusal: str = "",
) -> BuildReport | None:
    """Build with progress shown in the deferred answer. When Discord refuses part way, the answer says
    so instead (after `before_refusal`) and None is returned."""

    async def progress(text: str) -> None:
        await interaction.edit_original_response(content=text)

    try:
        return await builder.build(units, progress)
    except BuildInterrupted as exc:
        await interaction.edit_original_response(content=f"{before_refusal}{exc}"[:2000])
        return None


class UnitCog(commands.Cog, Generic[RowT]):
    """The base of the groups and schools cogs: `repo` holds the rows, `unit` says what to build of one."""

    repo: UnitRepository[RowT]
    category: ClassVar[str]  # the category's usual name ("School teams")
    what: ClassVar[str]  # one unit, as the organizer reads it: "group", "school team"
    archived: ClassVar[str]  # one unit in the removal's words: "stakeholder group", "school team"
    reason: ClassVar[str]  # the audit-log reason of a build
    setup_command: ClassVar[str]  # what finishes an interrupted build
    remove_command: ClassVar[str]  # what finishes an interrupted removal

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot

    def unit(self, row: RowT) -> Unit:
        """What to build for one row: its role's name, the channel's topic, the ids recorded."""
        raise NotImplementedError

    async def reserved_roles(self, guild_id: int) -> set[int]:
        """Roles of other kinds of unit, never adopted by name."""
        return set()

    async def changed(self, guild: discord.Guild) -> None:
        """Called after a build or removal (the groups cog re-renders its pickers)."""

    # -- building ------------------------------------------------------------------------------------

    async def builder(self, guild: discord.Guild) -> StructureBuilder:
        settings = await self.bot.guild_settings.get(guild.id)
        return StructureBuilder(
            guild,
            self.repo,
            category_name=self.category,
            what=self.what,
            organizer_role_id=settings.organizer_role_id,
            reason=self.reason,
            reserved_roles=await self.reserved_roles(guild.id),
            command=self.setup_command,
        )

    async def preflight(self, guild: discord.Guild, new_names: Sequence[str] = ()) -> None:
        """Refuse before anything is created or saved when the units there are, plus `new_names`, would
        not fit (permissions, role positions, Discord's caps)."""
        known = [self.unit(row) for row in await self.repo.all(guild.id)]
        await (await self.builder(guild)).preflight(
            [*known, *(Unit(0, n, "", None, None) for n in new_names)]
        )

    async def build(
        self, interaction: discord.Interaction[CopBot], *, before_refusal: str = ""
    ) -> tuple[BuildReport | None, list[RowT]]:
        """Build or repair every unit of this kind (the categories are planned from all the names), with
        progress in the deferred answer; (None, rows) when Discord refused part way (the answer says so)."""
        assert interaction.guild is not None
        guild = interaction.guild
        rows = await self.repo.all(guild.id)
        builder = await self.builder(guild)
        report = await run_build(
            interaction, builder, [self.unit(r) for r in rows], before_refusal=before_refusal
        )
        await self.changed(guild)
        return report, rows

    # -- the shared commands' flows --------------------------------------------------------------------

    async def add_unit(
        self,
        interaction: discord.Interaction[CopBot],
        name: str,
        create: Callable[[], Awaitable[RowT]],
        *,
        duplicate: str,
        not_ready: str,
        added: str,
    ) -> None:
        """Add one unit named `name` (already cleaned) with `create`, then build its role and channel.

        `duplicate`: the refusal when the name is taken; `not_ready`: said before a refusal part way;
        `added`: the answer's start, followed by the channel, its category and any other changes.
        """
        assert interaction.guild is not None
        guild = interaction.guild
        if await self.repo.by_name(guild.id, name):
            raise UserError(duplicate)
        await self.preflight(guild, [name])
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            row = await create()
        except DuplicateName:
            raise UserError(duplicate) from None
        report, _ = await self.build(interaction, before_refusal=not_ready)
        if report is None:
            return
        channel = report.channels.get(row.id)
        where = f" in **{safe_text(channel.category.name, 100)}**" if channel and channel.category else ""
        await interaction.edit_original_response(
            content=f"{added}{channel.mention if channel else ''}{where}.{slug_note(name)}{report.besides_one()}"
        )

    async def remove_unit(
        self, interaction: discord.Interaction[CopBot], row: RowT, *, question: str, confirm_label: str
    ) -> None:
        """Ask, archive the unit's role and channel, then forget its row.

        Nothing is forgotten when Discord refuses part way, so running the command again finishes the job.
        """
        assert interaction.guild is not None
        guild = interaction.guild
        organizer_role_id = (await self.bot.guild_settings.get(guild.id)).organizer_role_id
        answer = await confirm(
            interaction, question, declined="Nothing was removed.", confirm_label=confirm_label
        )
        if answer is None:
            return
        shown = safe_text(row.name, 100)
        await answer.response.edit_message(content=f"Removing **{shown}**…", view=None)
        try:
            done = await archive(
                guild,
                role_id=row.role_id,
                channel_id=row.channel_id,
                organizer_role_id=organizer_role_id,
                reason=f"copbot: {self.archived} removed",
            )
        except discord.Forbidden:
            await answer.edit_original_response(content=forbidden_message(self.archived, self.remove_command))
            return
        await self.repo.remove(guild.id, row.id)
        await self.changed(guild)
        await answer.edit_original_response(
            content=f"Removed **{shown}**: {human_list(done) or 'it had no role or channel'}."
        )

    # -- keeping records in step with Discord -------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await self.repo.forget_role(role.guild.id, role.id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.repo.forget_channel(channel.guild.id, channel.id)
