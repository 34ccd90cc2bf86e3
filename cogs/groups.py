"""`/groups`: stakeholder groups — each a role and a private channel — and a self-service picker."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_organizer, organizer_only
from bot.client import CopBot
from bot.errors import ReportsErrors, UserError
from bot.formatting import human_list, plural, safe_text, short_list
from bot.memberships import describe_change, memberships
from bot.options import typed_id
from bot.permissions import require_bot_permissions
from bot.structure import (
    StructureBuilder,
    Unit,
    channel_slug,
    clean_name,
    confirm_and_archive,
    forbidden_message,
    require_structure_permissions,
    run_build,
    slug_note,
)
from bot.ui import OwnedView, Paginator, paginate_lines
from storage.groups import DuplicateName, Group, GroupRepository
from storage.schools import closest_names

log = logging.getLogger(__name__)

CATEGORY = "Stakeholder lounges"
OPTIONS_PER_SELECT = 25
SELECTS_PER_MESSAGE = 5
DESCRIPTION_LIMIT = 100  # a select option's description
CUSTOM_EMOJI = re.compile(r"^<a?:\w{2,32}:\d{15,22}>$")
PICKER_TEXT = (
    "**Choose your stakeholder groups.** Each group has a private channel where, for example, teachers talk "
    "with teachers. Pick a group to join it; pick one you're already in to leave it. Only you see the answer."
)


KEYCAP = re.compile("^[0-9#*]\ufe0f?\u20e3$")
# What an emoji is made of: pictographs (So), skin tones (Sk), variation selectors and keycaps (Mn, Me), ZWJ (Cf).
EMOJI_PARTS = frozenset({"So", "Sk", "Mn", "Me", "Cf"})


def _looks_like_emoji(text: str) -> bool:
    if KEYCAP.match(text):
        return True
    categories = [unicodedata.category(c) for c in text]
    return len(text) <= 8 and "So" in categories and all(c in EMOJI_PARTS for c in categories)


def check_emoji(emoji: str | None, known: Callable[[int], object] | None = None) -> str | None:
    """A unicode emoji or a custom one (`<:name:id>`); refused otherwise (Discord rejects bad ones).

    A refused emoji would break every select that shows the group (the picker and `/intro me`), so text
    such as `:)` is refused here; with `known`, a custom emoji must be one the bot can use.
    """
    if emoji is None or not emoji.strip():
        return None
    emoji = emoji.strip()
    custom = CUSTOM_EMOJI.match(emoji)
    if custom and known is not None and known(int(emoji.rsplit(":", 1)[1].rstrip(">"))) is None:
        raise UserError(
            f"I can't use the emoji “{safe_text(emoji, 60)}”: it belongs to a server I'm not in. "
            "Pick one of this server's emojis or a standard one such as 🍎."
        )
    if custom or _looks_like_emoji(emoji):
        return emoji
    raise UserError(
        f"“{safe_text(emoji, 40)}” isn't an emoji. Use one emoji such as 🍎, or a server emoji picked from "
        "the emoji menu."
    )


def group_unit(group: Group) -> Unit:
    topic = (
        f"{group.emoji or ''} {group.description or group.name} — a private lounge for {group.name}.".strip()
    )
    return Unit(group.id, group.name, topic, group.role_id, group.channel_id, group.category_id)


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
    ReportsErrors, discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"grp:pick:(?P<page>\d)"
):
    """One select of a posted picker message; works after a restart (state is in the custom id)."""

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

    async def respond(self, interaction: discord.Interaction[CopBot]) -> None:
        member = interaction.user
        if not isinstance(member, discord.Member):
            raise UserError("This picker works inside the server.")
        ids = [int(v) for v in self.item.values if v.isdigit() and v != "0"]
        joined, left = await memberships(interaction.client).toggle_groups(member, ids)
        await interaction.response.send_message(describe_change(joined, left), ephemeral=True)


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


class Groups(commands.Cog):
    """Stakeholder groups: roles, private channels and the picker."""

    groups = app_commands.Group(name="groups", description="Stakeholder groups and their private channels.")

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.repo = GroupRepository(bot.db)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PickerSelect)
        self.bot.personal_data.register(
            "stakeholder groups", export=self.repo.export_member, delete=self.repo.delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PickerSelect)
        self.bot.personal_data.unregister("stakeholder groups")

    # -- helpers ----------------------------------------------------------------------------------------

    async def _group(self, guild_id: int, name: str) -> Group:
        group = await self.repo.by_name(guild_id, name)
        if group is None and (typed := typed_id(name)) is not None:
            group = await self.repo.get(guild_id, typed)
        if group is None:
            known = [g.name for g in await self.repo.all(guild_id)]
            near = closest_names(name, known)
            hint = (
                f" Did you mean {human_list([f'**{safe_text(n, 60)}**' for n in near], 'or')}?"
                if near
                else f" The groups are: {short_list([f'**{safe_text(n, 60)}**' for n in known])}"
                + (" (`/groups list` shows them all)." if len(known) > 8 else ".")
                if known
                else " There are no groups yet: an organizer can create them with `/groups setup`."
            )
            raise UserError(f"There's no group called “{safe_text(name, 60)}”.{hint}")
        return group

    async def _builder(self, guild: discord.Guild) -> StructureBuilder:
        settings = await self.bot.guild_settings.get(guild.id)
        return StructureBuilder(
            guild,
            self.repo,
            category_name=CATEGORY,
            what="group",
            organizer_role_id=settings.organizer_role_id,
            reason="copbot: stakeholder groups",
            command="/groups setup",
        )

    async def refresh_pickers(self, guild: discord.Guild) -> None:
        """Re-render every posted picker after the groups changed."""
        groups = await self.repo.all(guild.id)
        for channel_id, message_id in await self.repo.pickers(guild.id):
            channel = guild.get_channel(channel_id)
            if not isinstance(channel, discord.TextChannel):
                await self.repo.remove_picker(message_id)
                continue
            try:
                await channel.get_partial_message(message_id).edit(
                    content=picker_text(groups), view=picker_view(groups)
                )
            except discord.NotFound:
                await self.repo.remove_picker(message_id)
            except discord.HTTPException as exc:
                log.warning("could not update the group picker %s: %s", message_id, exc)

    async def group_autocomplete(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        typed = current.casefold()
        return [
            app_commands.Choice(name=g.name[:100], value=g.name[:100])
            for g in await self.repo.all(interaction.guild_id)
            if typed in g.name.casefold()
        ][:25]

    # -- organizer commands ----------------------------------------------------------------------------

    @groups.command(name="setup")
    @organizer_only()
    async def setup_groups(self, interaction: discord.Interaction[CopBot]) -> None:
        """Create or repair the stakeholder groups' roles and private channels."""
        assert interaction.guild is not None
        guild = interaction.guild
        require_structure_permissions(guild, "set up the stakeholder groups")
        await interaction.response.defer(ephemeral=True, thinking=True)
        added = await self.repo.add_defaults(guild.id, self.bot.clock.now())
        groups = await self.repo.all(guild.id)
        builder = await self._builder(guild)
        intro = f"Added the {plural(len(added), 'default group')}. " if added else ""
        report = await run_build(interaction, builder, [group_unit(g) for g in groups], before_refusal=intro)
        await self.refresh_pickers(guild)
        if report is None:
            return
        await interaction.edit_original_response(
            content=f"{intro}{report.summary()}\nStakeholder groups are ready: {plural(len(groups), 'group')}. "
            "Post a picker with `/groups picker` so members can choose."
        )

    @groups.command(name="add")
    @organizer_only()
    @app_commands.describe(
        name="The group's name, e.g. Teachers",
        description="One line about who belongs in it",
        emoji="An emoji shown next to the group",
        protected="Protected members' profiles are shown only to organizers and their school team",
    )
    async def add_group(
        self,
        interaction: discord.Interaction[CopBot],
        name: app_commands.Range[str, 1, 200],
        description: app_commands.Range[str, 0, 200] | None = None,
        emoji: app_commands.Range[str, 0, 64] | None = None,
        protected: bool = False,
    ) -> None:
        """Add a stakeholder group with its own role and private channel."""
        assert interaction.guild is not None
        guild = interaction.guild
        clean = clean_name(name, "group")
        about = " ".join((description or "").split())
        if len(about) > DESCRIPTION_LIMIT:
            raise UserError(f"The description is {len(about)} characters; keep it to {DESCRIPTION_LIMIT}.")
        mark = check_emoji(emoji, self.bot.get_emoji)
        if await self.repo.by_name(guild.id, clean):
            raise UserError(f"There's already a group called **{safe_text(clean, 100)}**.")
        builder = await self._builder(guild)
        known = [group_unit(g) for g in await self.repo.all(guild.id)]
        await builder.preflight([*known, Unit(0, clean, "", None, None)])
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            group = await self.repo.add(
                guild.id, clean, description=about, emoji=mark, protected=protected, now=self.bot.clock.now()
            )
        except DuplicateName:
            raise UserError(f"There's already a group called **{safe_text(clean, 100)}**.") from None
        shown = safe_text(clean, 100)
        units = [group_unit(g) for g in await self.repo.all(guild.id)]
        report = await run_build(
            interaction,
            builder,
            units,
            before_refusal=f"I added the group **{shown}**, but its role and channel aren't ready. ",
        )
        await self.refresh_pickers(guild)
        if report is None:
            return
        channel = report.channels.get(group.id)
        where = f" in **{safe_text(channel.category.name, 100)}**" if channel and channel.category else ""
        await interaction.edit_original_response(
            content=f"Added the group **{shown}** with its private channel "
            f"{channel.mention if channel else ''}{where}.{slug_note(clean)}{report.besides_one()}"
        )

    @groups.command(name="edit")
    @organizer_only()
    @app_commands.describe(
        name="The group to change",
        new_name="A new name (its role and channel are renamed too)",
        description="A new one-line description",
        emoji="A new emoji",
        protected="Whether members' profiles are shown only to organizers and their school team",
    )
    @app_commands.autocomplete(name=group_autocomplete)
    async def edit_group(
        self,
        interaction: discord.Interaction[CopBot],
        name: str,
        new_name: app_commands.Range[str, 1, 200] | None = None,
        description: app_commands.Range[str, 0, 200] | None = None,
        emoji: app_commands.Range[str, 0, 64] | None = None,
        protected: bool | None = None,
    ) -> None:
        """Rename a stakeholder group or change its description, emoji or protection."""
        assert interaction.guild is not None
        guild = interaction.guild
        group = await self._group(guild.id, name)
        fields: dict[str, Any] = {}
        if new_name is not None:
            fields["name"] = clean_name(new_name, "group")
            other = await self.repo.by_name(guild.id, fields["name"])
            if other is not None and other.id != group.id:
                raise UserError(f"There's already a group called **{safe_text(fields['name'], 100)}**.")
        if description is not None:
            about = " ".join(description.split())
            if len(about) > DESCRIPTION_LIMIT:
                raise UserError(
                    f"The description is {len(about)} characters; keep it to {DESCRIPTION_LIMIT}."
                )
            fields["description"] = about
        if emoji is not None:
            fields["emoji"] = check_emoji(emoji, self.bot.get_emoji)
        if protected is not None:
            fields["protected"] = protected
        if not fields:
            raise UserError("Nothing to change: give a new name, description, emoji or protected setting.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        if "name" in fields:
            role = guild.get_role(group.role_id) if group.role_id else None
            channel = guild.get_channel(group.channel_id) if group.channel_id else None
            try:
                if role is not None:
                    await role.edit(name=fields["name"], reason="copbot: group renamed")
                if isinstance(channel, discord.TextChannel):
                    await channel.edit(name=channel_slug(fields["name"]), reason="copbot: group renamed")
            except discord.Forbidden:
                raise UserError(forbidden_message("stakeholder group", "/groups edit")) from None
        try:
            updated = await self.repo.update(guild.id, group.id, **fields)
        except DuplicateName:
            raise UserError("Another group already has that name.") from None
        if updated is None:
            raise UserError("That group was removed meanwhile.")
        await self.refresh_pickers(guild)
        flag = " Its members' profiles are protected." if updated.protected else ""
        await interaction.edit_original_response(
            content=f"Updated **{safe_text(updated.name, 100)}** {updated.emoji or ''}: "
            f"{safe_text(updated.description or 'no description', 200)}.{flag}"
        )

    @groups.command(name="remove")
    @organizer_only()
    @app_commands.describe(name="The group to remove (its channel is archived, not deleted)")
    @app_commands.autocomplete(name=group_autocomplete)
    async def remove_group(self, interaction: discord.Interaction[CopBot], name: str) -> None:
        """Remove a stakeholder group: its channel is locked and archived, members lose the role."""
        assert interaction.guild is not None
        guild = interaction.guild
        group = await self._group(guild.id, name)
        count = len(await self.repo.member_ids(guild.id, group.id))

        async def forget() -> None:
            await self.repo.remove(guild.id, group.id)
            await self.refresh_pickers(guild)

        await confirm_and_archive(
            interaction,
            question=f"Remove the group **{safe_text(group.name, 100)}**? Its {plural(count, 'member')} lose the "
            "role; its channel is locked and renamed with an “archived-” prefix, and its messages are kept.",
            confirm_label="Remove group",
            name=group.name,
            what="stakeholder group",
            command="/groups remove",
            role_id=group.role_id,
            channel_id=group.channel_id,
            organizer_role_id=(await self.bot.guild_settings.get(guild.id)).organizer_role_id,
            forget=forget,
        )

    @groups.command(name="picker")
    @organizer_only()
    @app_commands.describe(channel="Where to post the picker (default: this channel)")
    async def post_picker(
        self, interaction: discord.Interaction[CopBot], channel: discord.TextChannel | None = None
    ) -> None:
        """Post a message from which members join or leave stakeholder groups themselves."""
        assert interaction.guild is not None
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise UserError("Choose a text channel for the picker.")
        require_bot_permissions(target, "view_channel", "send_messages", doing=f"post in {target.mention}")
        groups = await self.repo.all(interaction.guild.id)
        if not groups:
            raise UserError("There are no groups yet. Create them first with `/groups setup`.")
        message = await target.send(picker_text(groups), view=picker_view(groups))
        await self.repo.add_picker(interaction.guild.id, target.id, message.id, self.bot.clock.now())
        await interaction.response.send_message(
            f"Posted the group picker in {target.mention}: {message.jump_url}. It updates itself when groups "
            "change.",
            ephemeral=True,
        )

    # -- member commands --------------------------------------------------------------------------------

    @groups.command(name="join")
    @app_commands.guild_only()
    async def join(self, interaction: discord.Interaction[CopBot]) -> None:
        """Join one or more stakeholder groups and see their private channels."""
        assert interaction.guild is not None
        groups = await self.repo.all(interaction.guild.id)
        if not groups:
            raise UserError(
                "There are no stakeholder groups yet. An organizer can create them with `/groups setup`."
            )
        mine = set(await self.repo.unit_ids_of(interaction.guild.id, interaction.user.id))
        open_groups = [g for g in groups if g.id not in mine]
        if not open_groups:
            raise UserError("You're already in every group. Use `/groups leave` to leave one.")
        view = ChooseView(interaction.user.id, open_groups, join=True)
        view.interaction = interaction
        await interaction.response.send_message(
            "Which groups do you want to join?", view=view, ephemeral=True
        )

    @groups.command(name="leave")
    @app_commands.guild_only()
    async def leave(self, interaction: discord.Interaction[CopBot]) -> None:
        """Leave one or more of your stakeholder groups."""
        assert interaction.guild is not None
        mine = await self.repo.groups_of(interaction.guild.id, interaction.user.id)
        if not mine:
            raise UserError("You aren't in any stakeholder group. Join one with `/groups join`.")
        view = ChooseView(interaction.user.id, mine, join=False)
        view.interaction = interaction
        await interaction.response.send_message(
            "Which groups do you want to leave?", view=view, ephemeral=True
        )

    @groups.command(name="list")
    @app_commands.guild_only()
    async def list_groups(self, interaction: discord.Interaction[CopBot]) -> None:
        """Every stakeholder group with its member count and description."""
        assert interaction.guild is not None
        groups = await self.repo.all(interaction.guild.id)
        counts = await self.repo.member_counts(interaction.guild.id)
        lines = [
            f"{g.emoji or '•'} **{safe_text(g.name, 100)}** — {plural(counts.get(g.id, 0), 'member')}"
            f"{' · protected' if g.protected else ''}\n{safe_text(g.description, 200)}"
            for g in groups
        ]
        pages = paginate_lines(
            "Stakeholder groups",
            lines,
            per_page=10,
            empty="There are no stakeholder groups yet. An organizer can create them with `/groups setup`.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    @groups.command(name="members")
    @app_commands.guild_only()
    @app_commands.describe(group="The group whose members to list")
    @app_commands.autocomplete(group=group_autocomplete)
    async def members(self, interaction: discord.Interaction[CopBot], group: str) -> None:
        """Who is in a stakeholder group."""
        assert interaction.guild is not None
        guild = interaction.guild
        found = await self._group(guild.id, group)
        ids = await self.repo.member_ids(guild.id, found.id)
        if found.protected and interaction.user.id not in ids:
            try:
                await is_organizer(interaction)
            except app_commands.CheckFailure:
                raise UserError(
                    f"**{safe_text(found.name, 100)}** is a protected group: only its members and organizers "
                    "can see who is in it."
                ) from None
        lines = [_member_line(guild, user_id) for user_id in ids]
        pages = paginate_lines(
            f"{found.emoji or ''} {found.name} — {plural(len(ids), 'member')}".strip(),
            lines,
            per_page=20,
            empty="Nobody has joined this group yet.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    # -- keeping records in step with Discord -------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await self.repo.forget_role(role.guild.id, role.id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.repo.forget_channel(channel.guild.id, channel.id)


def _member_line(guild: discord.Guild, user_id: int) -> str:
    member = guild.get_member(user_id)
    if member is None:
        return f"<@{user_id}> (no longer in the server)"
    return f"{member.mention} — {safe_text(member.display_name, 80)}"


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Groups(bot))
