"""Introducing oneself: the two forms (Discord allows five inputs per form), the card, roles, the buttons.

Form 1: name, school or organization, stakeholder group (a select), role or title, STEM interests.
Form 2: what I can offer, what I'm looking for. Both re-open pre-filled, and the card is edited, never doubled.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import discord

from bot.client import CopBot
from bot.errors import ErrorReportingModal, UserError
from bot.memberships import memberships
from bot.persistent import PersistentItem
from bot.reach import channel_for
from bot.ui import add_field, form_id
from cogs.introductions.cards import (
    INTERESTS_LIMIT,
    NAME_LIMIT,
    NEEDS_LIMIT,
    ORGANIZATION_LIMIT,
    TITLE_LIMIT,
    card,
    check_intro,
    check_needs,
)
from core.profiles.directory import shown_in_full
from core.text import human_list, prefill, prefill_list, safe_text
from storage.groups import Group, GroupRepository
from storage.guilds import Purpose
from storage.profiles import Profile, ProfileRepository
from storage.schools import SchoolRepository, closest_names

log = logging.getLogger(__name__)


async def intro_channel(bot: CopBot, guild: discord.Guild) -> discord.TextChannel | None:
    """The introductions channel set with `/cop channel`, when it is a text channel the bot can find."""
    channel_id = await channel_for(bot, guild.id, Purpose.INTRODUCTIONS)
    channel = guild.get_channel(channel_id) if channel_id else None
    return channel if isinstance(channel, discord.TextChannel) else None


async def member_of(bot: CopBot, guild_id: int, user: discord.abc.User) -> discord.Member:
    """The member in that server; a UserError when they are no longer in it."""
    guild = bot.get_guild(guild_id)
    member = guild.get_member(user.id) if guild else None
    if member is None:
        raise UserError("You're no longer a member of that server, so your introduction wasn't saved.")
    return member


class IntroModal(ErrorReportingModal, title="Introduce yourself (1 of 2)"):
    """Name, school or organization, stakeholder group, role or title, interests."""

    def __init__(self, bot: CopBot, guild_id: int, groups: list[Group], profile: Profile | None) -> None:
        super().__init__(custom_id=form_id("intro:form1"), timeout=15 * 60)
        self.bot = bot
        self.guild_id = guild_id
        self.name: discord.ui.TextInput[IntroModal] = discord.ui.TextInput(
            custom_id="name",
            max_length=NAME_LIMIT,
            default=prefill(profile.name, NAME_LIMIT) if profile else None,
        )
        self.organization: discord.ui.TextInput[IntroModal] = discord.ui.TextInput(
            custom_id="organization",
            max_length=ORGANIZATION_LIMIT,
            default=prefill(profile.organization, ORGANIZATION_LIMIT) if profile else None,
        )
        add_field(self, "Your name", self.name)
        add_field(self, "School or organization", self.organization)
        self.group: discord.ui.Select[IntroModal] | None = None
        if groups:
            current = profile.group_id if profile else None
            self.group = discord.ui.Select(
                custom_id="group",
                placeholder="Choose your main group",
                options=[
                    discord.SelectOption(
                        label=g.name[:100], value=str(g.id), emoji=g.emoji or None, default=g.id == current
                    )
                    for g in groups[:25]
                ],
            )
            add_field(
                self,
                "Stakeholder group",
                self.group,
                description="Your main group; join more with /groups join",
            )
        self.title_input: discord.ui.TextInput[IntroModal] = discord.ui.TextInput(
            custom_id="title",
            required=False,
            max_length=TITLE_LIMIT,
            placeholder="e.g. 5th-grade science teacher",
            default=prefill(profile.title, TITLE_LIMIT) if profile else None,
        )
        self.interests: discord.ui.TextInput[IntroModal] = discord.ui.TextInput(
            custom_id="interests",
            required=False,
            max_length=INTERESTS_LIMIT,
            placeholder="robotics, coding, ecology",
            default=prefill_list(profile.interests, INTERESTS_LIMIT) if profile else None,
        )
        add_field(self, "Role or title", self.title_input)
        add_field(self, "STEM interests (comma separated)", self.interests)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        fields = check_intro(
            self.name.value, self.organization.value, self.title_input.value, self.interests.value
        )
        member = await member_of(self.bot, self.guild_id, interaction.user)
        chosen = self.group.values[0] if self.group is not None and self.group.values else None
        group = await GroupRepository(self.bot.db).get(self.guild_id, int(chosen)) if chosen else None
        schools = SchoolRepository(self.bot.db)
        school = await schools.by_name(self.guild_id, fields.organization)
        repo = ProfileRepository(self.bot.db)
        previous = await repo.get(self.guild_id, member.id, include_hidden=True)
        profile = await repo.save(
            Profile(
                self.guild_id,
                member.id,
                fields.name,
                fields.organization,
                school.id if school else None,
                group.id if group else None,
                fields.title,
                fields.interests,
            ),
            now=self.bot.clock.now(),
        )
        change = await memberships(self.bot).introduce(member, profile.group_id, profile.school_id)
        posted = await post_card(self.bot, member.guild, profile)
        notes = []
        if chosen and group is None:
            notes.append(
                "The group you picked was removed by an organizer just now; pick another with `/intro me`."
            )
        if school is None:
            near = closest_names(fields.organization, [s.name for s in await schools.all(self.guild_id)])
            if near:
                notes.append(
                    f"Is your school {human_list([f'**{safe_text(n, 80)}**' for n in near], 'or')}? "
                    "Join its team with `/schools join`."
                )
        if change.changed:
            notes.append(f"You're now in {human_list([f'**{safe_text(n, 100)}**' for n in change.changed])}.")
        if change.role_problem:
            notes.append(change.role_problem)
        verb = "updated" if previous else "posted"
        where = posted.text(f"Your introduction is {verb}")
        next_step = (
            "Next: tell people what you **can offer** and what you're **looking for** — that's how `/connect` "
            "finds you the right people."
        )
        lines = [f"Thanks, {safe_text(fields.name, 80)}! {where}", *notes, "", next_step]
        await interaction.followup.send(
            "\n".join(lines), view=needs_view(self.guild_id, member.id), ephemeral=True
        )


class NeedsModal(ErrorReportingModal, title="What you offer and seek (2 of 2)"):
    def __init__(self, bot: CopBot, guild_id: int, profile: Profile) -> None:
        super().__init__(custom_id=form_id("intro:form2"), timeout=15 * 60)
        self.bot = bot
        self.guild_id = guild_id
        self.offers: discord.ui.TextInput[NeedsModal] = discord.ui.TextInput(
            custom_id="offers",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=NEEDS_LIMIT,
            placeholder="Classroom visits, a robotics kit to lend, grant-writing help… (links welcome)",
            default=prefill(profile.offers, NEEDS_LIMIT),
        )
        self.seeks: discord.ui.TextInput[NeedsModal] = discord.ui.TextInput(
            custom_id="seeks",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=NEEDS_LIMIT,
            placeholder="A mentor in engineering, a business partner for our science fair…",
            default=prefill(profile.seeks, NEEDS_LIMIT),
        )
        add_field(self, "I can offer", self.offers)
        add_field(self, "I'm looking for", self.seeks)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        offers, seeks = check_needs(self.offers.value, self.seeks.value)
        member = await member_of(self.bot, self.guild_id, interaction.user)
        repo = ProfileRepository(self.bot.db)
        if not await repo.set_needs(self.guild_id, member.id, offers, seeks, now=self.bot.clock.now()):
            raise UserError("Your profile was deleted meanwhile. Introduce yourself again with `/intro me`.")
        profile = await repo.get(self.guild_id, member.id)
        assert profile is not None
        posted = await post_card(self.bot, member.guild, profile)
        await interaction.followup.send(
            f"Saved. {posted.text('Your card is updated')}\n"
            "Try `/connect` to see who can help with what you're looking for.",
            ephemeral=True,
        )


def _no_channel_note() -> str:
    return (
        "Your profile is saved, but there's no introductions channel for your card yet: an organizer can choose "
        "one with `/cop channel`."
    )


@dataclass(frozen=True, slots=True)
class CardPost:
    """Where the member's card now is, or (`problem`, for the member) why it isn't there."""

    link: str | None
    problem: str | None = None
    note: str | None = None  # said after the link

    def text(self, found: str) -> str:
        """`found: link` (and the note), else what went wrong; the profile is saved either way."""
        if self.link:
            return f"{found}: {self.link}" + (f" {self.note}" if self.note else "")
        return self.problem or _no_channel_note()


DISCORD_TROUBLE = (
    "Your profile is saved, but Discord had a problem with your card just now; send the form again later to "
    "update it."
)


async def post_card(bot: CopBot, guild: discord.Guild, profile: Profile) -> CardPost:
    """Post the card, or edit the one already posted. Whatever Discord says, the saved profile stays."""
    group = await GroupRepository(bot.db).get(guild.id, profile.group_id) if profile.group_id else None
    school = await SchoolRepository(bot.db).get(guild.id, profile.school_id) if profile.school_id else None
    protected = not await shown_in_full(ProfileRepository(bot.db), guild.id, profile.user_id)
    member = guild.get_member(profile.user_id)
    embed = card(
        profile,
        group=group.name if group else None,
        school=school.name if school else None,
        protected=protected,
        avatar_url=member.display_avatar.url if member and not protected else None,
    )
    repo = ProfileRepository(bot.db)
    stale: discord.TextChannel | None = None  # the old card's channel, which the bot can no longer use
    if profile.card_channel_id and profile.card_message_id:
        old = guild.get_channel(profile.card_channel_id)
        if isinstance(old, discord.TextChannel):
            try:
                message = await old.get_partial_message(profile.card_message_id).edit(embed=embed)
                return CardPost(message.jump_url)
            except discord.NotFound:
                pass  # deleted by hand: post a new one
            except discord.Forbidden as exc:  # 50001/50013: access to that channel was taken away
                log.info("cannot edit intro card %s in %s: %s", profile.card_message_id, old.id, exc)
                stale = old
            except discord.HTTPException as exc:
                log.warning("could not edit intro card %s: %s", profile.card_message_id, exc)
                return CardPost(None, DISCORD_TROUBLE)
    channel = await intro_channel(bot, guild)
    if channel is None:
        return CardPost(None)
    try:
        message = await channel.send(embed=embed)
    except discord.Forbidden:
        await memberships(bot).tell_organizers(
            guild,
            "intro-card",
            f"I can't post introduction cards in {channel.mention}: give my role **View Channels**, "
            "**Send Messages** and **Embed Links** there.",
        )
        return CardPost(
            None,
            f"Your profile is saved, but I'm not allowed to post your card in {channel.mention}. "
            "I've told the organizers; once they fix it, send the form again to post it.",
        )
    except discord.HTTPException as exc:
        log.warning("could not post the intro card of %s: %s", profile.user_id, exc)
        return CardPost(None, DISCORD_TROUBLE)
    await repo.set_card(guild.id, profile.user_id, channel.id, message.id)
    if stale is None:
        return CardPost(message.jump_url)
    if stale.id != channel.id:
        await memberships(bot).tell_organizers(
            guild,
            "intro-card-stale",
            f"I can no longer update introduction cards in {stale.mention} (my role lost access there), so "
            f"members who edit their introduction get a new card in {channel.mention}; their old cards stay as "
            "they were.",
        )
    return CardPost(
        message.jump_url,
        note="(I couldn't reach your earlier card any more, so this is a new one.)",
    )


async def open_intro(interaction: discord.Interaction[CopBot], guild_id: int) -> None:
    """Answer with the first form, pre-filled when the member introduced themselves before."""
    bot = interaction.client
    await member_of(bot, guild_id, interaction.user)
    groups = await GroupRepository(bot.db).all(guild_id)
    profile = await ProfileRepository(bot.db).get(guild_id, interaction.user.id, include_hidden=True)
    await interaction.response.send_modal(IntroModal(bot, guild_id, groups, profile))


class StartButton(
    PersistentItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"intro:start:(?P<guild>\d+)"
):
    """“Introduce yourself” under a welcome or a reminder; works after a restart and in DMs."""

    feature = "Introductions"

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Introduce yourself",
                emoji="👋",
                style=discord.ButtonStyle.primary,
                custom_id=f"intro:start:{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StartButton:
        return cls(int(match["guild"]))


class NeedsButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"intro:needs:(?P<guild>\d+):(?P<user>\d+)",
):
    """Opens the second form (offers and needs) for the member whose answer carries it, no one else."""

    feature = "Introductions"

    def __init__(self, guild_id: int, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Add what I offer and seek",
                style=discord.ButtonStyle.primary,
                custom_id=f"intro:needs:{guild_id}:{user_id}",
            )
        )
        self.guild_id = guild_id
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> NeedsButton:
        return cls(int(match["guild"]), int(match["user"]))


async def open_needs(interaction: discord.Interaction[CopBot], guild_id: int) -> None:
    bot = interaction.client
    profile = await ProfileRepository(bot.db).get(guild_id, interaction.user.id)
    if profile is None:
        raise UserError("Introduce yourself first with `/intro me`.")
    await interaction.response.send_modal(NeedsModal(bot, guild_id, profile))


def start_view(guild_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(StartButton(guild_id))
    return view


def needs_view(guild_id: int, user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NeedsButton(guild_id, user_id))
    return view
