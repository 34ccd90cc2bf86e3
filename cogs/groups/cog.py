"""The `/groups` commands: organizers set up, add, edit and remove stakeholder groups and post pickers;
members join, leave, list them and see who is in one."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.checks import can_organize, organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.memberships import describe_change, memberships
from bot.permissions import require_bot_permissions
from bot.reach import jump_link
from bot.structure import Unit, require_structure_permissions
from bot.ui import Paginator, paginate_lines
from cogs._units import UnitCog, channel_slug, clean_name, forbidden_message
from cogs.groups.inputs import GroupArg, check_description, check_emoji, group_unit
from cogs.groups.picker import ChooseView, PickerSelect, picker_text, picker_view
from core.text import plural, safe_text
from core.units.visibility import may_see_members
from storage.groups import DuplicateName, Group, GroupRepository

log = logging.getLogger(__name__)

GroupOption = app_commands.Transform[Group, GroupArg]


class Groups(UnitCog[Group]):
    """Stakeholder groups: roles, private channels and the picker."""

    groups = app_commands.Group(name="groups", description="Stakeholder groups and their private channels.")

    category = "Stakeholder lounges"
    what = "group"
    archived = "stakeholder group"
    reason = "copbot: stakeholder groups"
    setup_command = "/groups setup"
    remove_command = "/groups remove"

    repo: GroupRepository

    def __init__(self, bot: CopBot) -> None:
        super().__init__(bot)
        self.repo = GroupRepository(bot.db)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PickerSelect)
        self.bot.personal_data.register(
            "stakeholder groups", export=self.repo.export_member, delete=self.repo.delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PickerSelect)
        self.bot.personal_data.unregister("stakeholder groups")

    def unit(self, row: Group) -> Unit:
        return group_unit(row)

    async def changed(self, guild: discord.Guild) -> None:
        await self.refresh_pickers(guild)

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

    async def on_component(self, interaction: discord.Interaction[CopBot], item: PickerSelect) -> None:
        """A pick in a posted picker (`picker.PickerSelect`): join the groups not yet joined, leave the others."""
        member = interaction.user
        if not isinstance(member, discord.Member):
            raise UserError("This picker works inside the server.")
        joined, left = await memberships(interaction.client).toggle_groups(member, item.chosen)
        await interaction.response.send_message(describe_change(joined, left), ephemeral=True)

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
        intro = f"Added the {plural(len(added), 'default group')}. " if added else ""
        report, groups = await self.build(interaction, before_refusal=intro)
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
        guild_id = interaction.guild.id
        clean = clean_name(name, "group")
        about = check_description(description or "")
        mark = check_emoji(emoji, self.bot.get_emoji)
        shown = safe_text(clean, 100)
        await self.add_unit(
            interaction,
            clean,
            lambda: self.repo.add(
                guild_id, clean, description=about, emoji=mark, protected=protected, now=self.bot.clock.now()
            ),
            duplicate=f"There's already a group called **{shown}**.",
            not_ready=f"I added the group **{shown}**, but its role and channel aren't ready. ",
            added=f"Added the group **{shown}** with its private channel ",
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
    async def edit_group(
        self,
        interaction: discord.Interaction[CopBot],
        name: GroupOption,
        new_name: app_commands.Range[str, 1, 200] | None = None,
        description: app_commands.Range[str, 0, 200] | None = None,
        emoji: app_commands.Range[str, 0, 64] | None = None,
        protected: bool | None = None,
    ) -> None:
        """Rename a stakeholder group or change its description, emoji or protection."""
        assert interaction.guild is not None
        guild = interaction.guild
        group = name
        fields: dict[str, Any] = {}
        if new_name is not None:
            fields["name"] = clean_name(new_name, "group")
            other = await self.repo.by_name(guild.id, fields["name"])
            if other is not None and other.id != group.id:
                raise UserError(f"There's already a group called **{safe_text(fields['name'], 100)}**.")
        if description is not None:
            fields["description"] = check_description(description)
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
    async def remove_group(self, interaction: discord.Interaction[CopBot], name: GroupOption) -> None:
        """Remove a stakeholder group: its channel is locked and archived, members lose the role."""
        assert interaction.guild is not None
        count = len(await self.repo.member_ids(interaction.guild.id, name.id))
        await self.remove_unit(
            interaction,
            name,
            question=f"Remove the group **{safe_text(name.name, 100)}**? Its {plural(count, 'member')} lose the "
            "role; its channel is locked and renamed with an “archived-” prefix, and its messages are kept.",
            confirm_label="Remove group",
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
            f"Posted the group picker in {target.mention}: {jump_link(interaction.guild.id, target.id, message.id)}. "
            "It updates itself when groups change.",
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
    async def members(self, interaction: discord.Interaction[CopBot], group: GroupOption) -> None:
        """Who is in a stakeholder group."""
        assert interaction.guild is not None
        guild = interaction.guild
        ids = await self.repo.member_ids(guild.id, group.id)
        if not await may_see_members(group, interaction.user.id, ids, lambda: can_organize(interaction)):
            raise UserError(
                f"**{safe_text(group.name, 100)}** is a protected group: only its members and organizers "
                "can see who is in it."
            )
        lines = [_member_line(guild, user_id) for user_id in ids]
        pages = paginate_lines(
            f"{group.emoji or ''} {group.name} — {plural(len(ids), 'member')}".strip(),
            lines,
            per_page=20,
            empty="Nobody has joined this group yet.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)


def _member_line(guild: discord.Guild, user_id: int) -> str:
    member = guild.get_member(user_id)
    if member is None:
        return f"<@{user_id}> (no longer in the server)"
    return f"{member.mention} — {safe_text(member.display_name, 80)}"
