"""`/profile`, `/directory` and `/connect`: members' cards, finding people, and who can help whom."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.arguments import TextArgument
from bot.checks import can_organize
from bot.client import CopBot
from bot.errors import UserError
from bot.formatting import embed
from bot.memberships import memberships
from bot.reach import reach_member
from bot.ui import OwnedView, Paginator, confirm, paginate_lines
from cogs.groups.inputs import find_group
from cogs.introductions.cards import card, literal
from cogs.introductions.flow import intro_channel
from core.profiles import directory as seen
from core.profiles.matching import SHOWN, TOPIC_LIMIT, Match, record, suggest
from core.text import human_list, quote, safe_text
from storage.groups import GroupRepository
from storage.profiles import SNIPPET_END, SNIPPET_START, DirectoryQuery, Profile, ProfileRepository, Viewer
from storage.schools import SchoolRepository

log = logging.getLogger(__name__)

PER_PAGE = 10
REMAINS_SHOWN = 10  # messages named after `/profile delete` that could not be taken off Discord


@dataclass(frozen=True, slots=True)
class GroupFilter:
    typed: str  # as the member typed it, shown back with the other filters
    group_id: int


class DirectoryGroup(TextArgument):
    """`/directory group`: a stakeholder group of this server, by name, refused as everywhere else
    (`cogs.groups.inputs.find_group`)."""

    min_length, max_length = 1, 100

    async def transform(self, interaction: discord.Interaction[CopBot], value: str) -> GroupFilter:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        found = await find_group(GroupRepository(interaction.client.db), interaction.guild_id, value)
        return GroupFilter(value, found.id)


async def viewer_of(interaction: discord.Interaction[CopBot]) -> Viewer:
    """Who is looking, for the directory's rule (`core.profiles.directory`)."""
    return Viewer(interaction.user.id, await can_organize(interaction))


def snippet_text(raw: str | None, profile: Profile) -> str:
    """A directory line's second line: the matched words in bold, else what the member offers or seeks."""
    if raw:
        shown = literal(raw).replace(SNIPPET_START, "**").replace(SNIPPET_END, "**")
        return shown[:160]
    return literal(seen.summary(profile))


class Profiles(commands.Cog):
    """Profiles, the member directory and matching."""

    profile = app_commands.Group(
        name="profile", description="Your profile and other members' cards.", guild_only=True
    )

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.profiles = ProfileRepository(bot.db)
        self.groups = GroupRepository(bot.db)
        self.schools = SchoolRepository(bot.db)

    async def _names(self, guild_id: int) -> tuple[dict[int, str], dict[int, str]]:
        groups = {g.id: g.name for g in await self.groups.all(guild_id)}
        schools = {s.id: s.name for s in await self.schools.all(guild_id)}
        return groups, schools

    # -- /profile ----------------------------------------------------------------------------------------

    @profile.command(name="view")
    @app_commands.describe(member="Whose card to show (default: yours)")
    async def view(
        self, interaction: discord.Interaction[CopBot], member: discord.Member | None = None
    ) -> None:
        """Show a member's profile card (only you see it)."""
        assert interaction.guild is not None
        target = member or interaction.user
        found = await self.profiles.get(interaction.guild.id, target.id)
        if found is None:
            if target.id == interaction.user.id:
                raise UserError("You haven't introduced yourself yet. Start with `/intro me`.")
            raise UserError(f"{safe_text(target.display_name, 60)} hasn't introduced themselves yet.")
        if not await seen.can_see(self.profiles, found, await viewer_of(interaction)):
            raise UserError(
                "That member's profile is protected: only organizers and their school team can see it."
            )
        groups, schools = await self._names(interaction.guild.id)
        shown = card(
            found,
            group=groups.get(found.group_id) if found.group_id else None,
            school=schools.get(found.school_id) if found.school_id else None,
            protected=False,
            avatar_url=target.display_avatar.url,
        )
        await interaction.response.send_message(embed=shown, ephemeral=True)

    @profile.command(name="delete")
    async def delete(self, interaction: discord.Interaction[CopBot]) -> None:
        """Delete your profile, your intro card, the roles copbot gave you and all copbot data about you."""
        assert interaction.guild is not None
        guild = interaction.guild
        answer = await confirm(
            interaction,
            "Delete **everything copbot keeps about you** in this server: your profile and intro card, your "
            "stakeholder groups and school team (and their roles), and your data in every other feature? "
            "This can't be undone.",
            declined="Nothing was deleted.",
            confirm_label="Delete my data",
        )
        if answer is None:
            return
        await answer.response.edit_message(content="Deleting…", view=None)
        member = guild.get_member(interaction.user.id)
        roles = await memberships(self.bot).remove_everything(member) if member else []
        erased = await self.bot.personal_data.erase(guild.id, interaction.user.id)
        lines = list(erased.posts)  # each feature's handler took its posts off Discord: "your intro card"
        if roles:
            lines.append(f"the roles of {human_list([f'**{safe_text(n, 80)}**' for n in roles])}")
        lines += [
            f"{feature} ({count} {'record' if count == 1 else 'records'})"
            for feature, count in erased.removed.items()
        ]
        text = "Deleted " + human_list(lines) + "." if lines else "copbot had no data about you here."
        if erased.remains:
            shown = list(erased.remains[:REMAINS_SHOWN])
            if len(erased.remains) > REMAINS_SHOWN:
                shown.append(f"{len(erased.remains) - REMAINS_SHOWN} more")
            text += (
                f"\n\nI couldn't remove {human_list(shown)} from Discord: I can't reach them there any more, or "
                "Discord refused. Ask an organizer to delete them; your data in copbot is deleted all the same."
            )
        await answer.edit_original_response(content=text[:2000])

    @profile.command(name="export")
    async def export(self, interaction: discord.Interaction[CopBot]) -> None:
        """Download everything copbot keeps about you in this server, as a JSON file."""
        assert interaction.guild is not None
        data = await self.bot.personal_data.export(interaction.guild.id, interaction.user.id)
        document = {
            "server": interaction.guild.name,
            "user_id": str(interaction.user.id),
            "exported_at": self.bot.clock.now().isoformat(),
            "data": data,
        }
        payload = json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()
        await interaction.response.send_message(
            "Here is everything copbot keeps about you in this server."
            if data
            else "copbot keeps no data about you here.",
            file=discord.File(io.BytesIO(payload), filename="my-copbot-data.json"),
            ephemeral=True,
        )

    # -- /directory --------------------------------------------------------------------------------------

    async def group_choices(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        return [
            app_commands.Choice(name=g.name[:100], value=g.name[:100])
            for g in await self.groups.all(interaction.guild_id)
            if current.casefold() in g.name.casefold()
        ][:25]

    async def school_choices(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        names = await self.profiles.organizations_like(interaction.guild_id, current)
        for school in await self.schools.search(interaction.guild_id, current):
            if school.name.casefold() not in {n.casefold() for n in names}:
                names.append(school.name)
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]

    async def interest_choices(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        found = await seen.interests_for(
            self.profiles, interaction.guild_id, current, await viewer_of(interaction)
        )
        return [app_commands.Choice(name=i[:100], value=i[:100]) for i in found]

    @app_commands.command(name="directory")
    @app_commands.guild_only()
    @app_commands.describe(
        group="Only members of this stakeholder group",
        school="Only members of this school or organization",
        interest="Only members with this STEM interest",
        offering="Words in what they can offer",
        seeking="Words in what they're looking for",
        text="Words anywhere in their profile",
    )
    @app_commands.autocomplete(group=group_choices, school=school_choices, interest=interest_choices)
    async def directory(
        self,
        interaction: discord.Interaction[CopBot],
        group: app_commands.Transform[GroupFilter, DirectoryGroup] | None = None,
        school: app_commands.Range[str, 1, 100] | None = None,
        interest: app_commands.Range[str, 1, 100] | None = None,
        offering: app_commands.Range[str, 1, 200] | None = None,
        seeking: app_commands.Range[str, 1, 200] | None = None,
        text: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Find members by group, school, interest, what they offer or seek, or any words."""
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        query = DirectoryQuery(group.group_id if group else None, school, interest, offering, seeking, text)
        page = await seen.search(self.profiles, guild_id, query, await viewer_of(interaction))
        groups, schools = await self._names(guild_id)
        lines = [
            f"**{literal(e.profile.name)}** (<@{e.profile.user_id}>) · "
            f"{literal(groups.get(e.profile.group_id or 0, 'no group'))} · "
            f"{literal(schools.get(e.profile.school_id or 0) or e.profile.organization or '—')}"
            f"\n{snippet_text(e.snippet, e.profile)}"
            for e in page.entries
        ]
        filters = [
            f"{k}: {safe_text(v, 40)}"
            for k, v in (
                ("group", group.typed if group else None),
                ("school", school),
                ("interest", interest),
                ("offering", offering),
                ("seeking", seeking),
                ("text", text),
            )
            if v
        ]
        found = len(page.entries)
        title = f"Directory — {found} {'member' if found == 1 else 'members'}"
        if page.more:
            title = f"Directory — more than {found} members (the first {found} shown; add a filter to narrow)"
        pages = paginate_lines(
            title,
            lines,
            per_page=PER_PAGE,
            empty="Nobody matches"
            + (f" {'; '.join(filters)}" if filters else "")
            + ". Try fewer or other words.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    # -- /connect ------------------------------------------------------------------------------------------

    @app_commands.command(name="connect")
    @app_commands.guild_only()
    @app_commands.describe(topic="What you need help with (default: “I'm looking for” in your profile)")
    async def connect(
        self,
        interaction: discord.Interaction[CopBot],
        topic: app_commands.Range[str, 1, TOPIC_LIMIT] | None = None,
    ) -> None:
        """Who can help me? Members whose offers match what you're looking for, other sectors first."""
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        found = await suggest(self.profiles, guild_id, interaction.user.id, topic, limit=SHOWN)
        need, matches = found.need, found.matches
        if not need:
            raise UserError(
                "Tell me what you're looking for: use `/connect topic:…`, or add it to your profile with "
                "`/intro needs`."
            )
        if not matches:
            raise UserError(
                f"Nobody's profile matches {quote(need, 80)} yet. Try other words, or browse `/directory`."
            )
        groups, schools = await self._names(guild_id)
        lines = []
        for number, match in enumerate(matches, start=1):
            profile = found.profiles[match.user_id]
            group = groups.get(profile.group_id or 0)
            where = schools.get(profile.school_id or 0) or profile.organization
            lines.append(
                f"**{number}. {literal(profile.name)}** (<@{profile.user_id}>) · {literal(group or 'no group')} · "
                f"{literal(where or '—')}\n↳ {literal('; '.join(match.reasons(group)))}"
            )
        result = embed(f"Who can help with {quote(need, 60)}", "\n".join(lines)[:4096])
        result.set_footer(text="Press a number to be introduced: I'll send them a message about you.")
        view = ConnectView(self, interaction.user.id, need, matches, found.profiles)
        view.interaction = interaction
        await interaction.response.send_message(embed=result, view=view, ephemeral=True)

    async def introduce(
        self, interaction: discord.Interaction[CopBot], need: str, match: Match, profile: Profile
    ) -> str:
        """Tell the match about the seeker (DM, else a mention in the introductions channel) and record it."""
        guild = interaction.guild
        assert guild is not None
        groups, _ = await self._names(guild.id)
        await record(
            self.profiles,
            guild.id,
            interaction.user.id,
            need,
            match,
            group_name=groups.get(profile.group_id or 0),
            now=self.bot.clock.now(),
        )
        seeker = interaction.user
        text = (
            f"👋 {seeker.mention} would like to connect with you about “{literal(need[:TOPIC_LIMIT])}” — "
            f"copbot matched them with what you can offer. Say hello!"
        )
        reached = await reach_member(
            self.bot,
            match.user_id,
            text,
            fallback=partial(intro_channel, self.bot, guild),
            try_dm=guild.get_member(match.user_id) is not None,
            joiner=" — ",
            also_mention=[seeker.id],
        )
        if reached.by_dm:
            return f"I sent {literal(profile.name)} a message about you. They may reach out soon — or say hello first!"
        if isinstance(reached.channel, discord.TextChannel):
            return f"{literal(profile.name)} doesn't accept direct messages, so I introduced you in {reached.channel.mention}."
        return f"I couldn't reach {literal(profile.name)} — write to them directly: <@{match.user_id}>."


class ConnectView(OwnedView):
    """One button per match: “introduce me”."""

    def __init__(
        self, cog: Profiles, owner_id: int, need: str, matches: list[Match], profiles: dict[int, Profile]
    ) -> None:
        super().__init__(owner_id)
        for number, match in enumerate(matches, start=1):
            button: discord.ui.Button[ConnectView] = discord.ui.Button(
                label=f"Introduce me to {number}", style=discord.ButtonStyle.secondary
            )
            button.callback = self._make(cog, need, match, profiles[match.user_id], button)  # type: ignore[method-assign]
            self.add_item(button)

    def _make(
        self, cog: Profiles, need: str, match: Match, profile: Profile, button: discord.ui.Button[Any]
    ) -> Any:
        async def callback(interaction: discord.Interaction[CopBot]) -> None:
            button.disabled = True
            await interaction.response.edit_message(view=self)
            await interaction.followup.send(
                await cog.introduce(interaction, need, match, profile), ephemeral=True
            )

        return callback


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Profiles(bot))
