"""The Introductions cog: `/intro` commands, welcoming members who join, hiding those who leave, and the
intro buttons (`on_component`)."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.memberships import memberships
from bot.permissions import permission_label, require_bot_permissions
from cogs.introductions.cards import WelcomeText, welcome_text
from cogs.introductions.flow import (
    NeedsButton,
    StartButton,
    intro_channel,
    open_intro,
    open_needs,
    post_card,
    start_view,
)
from cogs.introductions.posts import MemberPosts, remind_mentions
from cogs.introductions.purge import Purger
from core.profiles.departures import PURGE_GRACE, PURGE_KIND, come_back, leave
from core.profiles.reminders import remind_audience
from core.text import human_list, plural
from storage.profiles import IntroSettings, ProfileRepository

log = logging.getLogger(__name__)

REMIND_BATCH = 20  # mentions per reminder message in the channel
REMIND_TEXT = (
    "Hello from **{server}**! You joined but haven't introduced yourself yet. It takes under a minute and helps "
    "teachers, families and partners find you. Press the button below to start."
)


class Introductions(commands.Cog):
    """Welcome, introductions and reminders."""

    intro = app_commands.Group(
        name="intro", description="Introduce yourself to the community.", guild_only=True
    )

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.profiles = ProfileRepository(bot.db)
        self.posts = MemberPosts(bot, self.profiles)
        self.purger = Purger(bot)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(StartButton, NeedsButton)
        self.bot.scheduler.register(PURGE_KIND, self.purger.run, grace=PURGE_GRACE)
        self.bot.personal_data.register(
            "profile", export=self.profiles.export_member, delete=self.posts.delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(StartButton, NeedsButton)
        self.bot.scheduler.unregister(PURGE_KIND)
        self.bot.personal_data.unregister("profile")

    async def on_component(self, interaction: discord.Interaction[CopBot], item: Any) -> None:
        """A click on “Introduce yourself” (`StartButton`) or “Add what I offer and seek” (`NeedsButton`)."""
        if isinstance(item, StartButton):
            await open_intro(interaction, item.guild_id)
        elif isinstance(item, NeedsButton):
            if interaction.user.id != item.user_id:
                raise UserError("This button is for someone else. Use `/intro me` for your own introduction.")
            await open_needs(interaction, item.guild_id)

    # -- members ------------------------------------------------------------------------------------------

    @intro.command(name="me")
    async def intro_me(self, interaction: discord.Interaction[CopBot]) -> None:
        """Introduce yourself (or edit your introduction): who you are, your school and your group."""
        assert interaction.guild_id is not None
        await open_intro(interaction, interaction.guild_id)

    @intro.command(name="needs")
    async def intro_needs(self, interaction: discord.Interaction[CopBot]) -> None:
        """Say what you can offer and what you're looking for (step 2 of your introduction)."""
        assert interaction.guild_id is not None
        await open_needs(interaction, interaction.guild_id)

    # -- organizers ---------------------------------------------------------------------------------------

    @intro.command(name="settings")
    @organizer_only()
    @app_commands.describe(
        welcome="Welcome text; {member} mentions the newcomer and {server} is the server's name",
        dm_welcome="Also send the welcome by direct message",
        hidden_days="Days a departed member's profile stays hidden before it is deleted",
    )
    async def settings(
        self,
        interaction: discord.Interaction[CopBot],
        welcome: app_commands.Transform[str, WelcomeText] | None = None,
        dm_welcome: bool | None = None,
        hidden_days: app_commands.Range[int, 1, 365] | None = None,
    ) -> None:
        """Show or change the welcome text, welcome DMs and how long departed members' profiles are kept."""
        assert interaction.guild is not None
        current = await self.profiles.settings(interaction.guild.id)
        changed = IntroSettings(
            current.guild_id,
            current.welcome if welcome is None else welcome,
            current.dm_welcome if dm_welcome is None else dm_welcome,
            current.hidden_days if hidden_days is None else hidden_days,
        )
        if changed != current:
            await self.profiles.save_settings(changed)
        me = interaction.guild.get_member(interaction.user.id)
        preview = welcome_text(changed.welcome, me) if me else ""
        await interaction.response.send_message(
            f"**Welcome** (as a newcomer will see it):\n>>> {preview}\n\n"
            f"Welcome DMs: **{'on' if changed.dm_welcome else 'off'}**. Profiles of members who leave are hidden "
            f"for **{plural(changed.hidden_days, 'day')}**, then deleted.",
            ephemeral=True,
        )

    @intro.command(name="remind")
    @organizer_only()
    @app_commands.describe(again="Also remind members who were reminded before")
    async def remind(self, interaction: discord.Interaction[CopBot], again: bool = False) -> None:
        """Remind members who joined but haven't introduced themselves (by DM, or a mention if DMs are closed)."""
        assert interaction.guild is not None
        guild = interaction.guild
        await interaction.response.defer(ephemeral=True, thinking=True)
        people = {m.id: m for m in guild.members if not m.bot}
        waiting = [people[u] for u in await remind_audience(self.profiles, guild.id, people, again=again)]
        if not waiting:
            await interaction.edit_original_response(
                content="Everyone has introduced themselves or was already reminded. "
                "Use `again: True` to remind those again."
            )
            return
        text = REMIND_TEXT.replace("{server}", discord.utils.escape_markdown(guild.name))
        closed: list[discord.Member] = []
        for number, member in enumerate(waiting, start=1):
            try:
                await member.send(text, view=start_view(guild.id))
            except discord.Forbidden:  # 50007: DMs closed
                closed.append(member)
            except discord.HTTPException as exc:
                log.info("could not DM %s: %s", member.id, exc)
                closed.append(member)
            else:  # recorded at once: a failure further on must not DM them again on the next run
                await self.profiles.mark_reminded(guild.id, [member.id], now=self.bot.clock.now())
            if number % 10 == 0:
                await interaction.edit_original_response(content=f"Reminding… {number}/{len(waiting)}")
        by_dm = len(waiting) - len(closed)
        parts = [f"Reminded {plural(by_dm, 'member')} by direct message."]
        if closed:
            parts.append(
                f"{plural(len(closed), 'member')} had direct messages closed: "
                + await self._mention_in_channel(guild, closed)
            )
        await interaction.edit_original_response(content=" ".join(parts))

    async def _mention_in_channel(self, guild: discord.Guild, members: list[discord.Member]) -> str:
        """Mention members whose DMs are closed in the introductions channel; what happened, for the organizer."""
        channel = await intro_channel(self.bot, guild)
        if channel is None:
            return "there's no introductions channel to mention them in (`/cop channel`)."
        done = 0
        for start in range(0, len(members), REMIND_BATCH):
            batch = members[start : start + REMIND_BATCH]
            try:
                sent = await channel.send(
                    remind_mentions([m.id for m in batch]),
                    view=start_view(guild.id),
                    allowed_mentions=discord.AllowedMentions(users=batch),
                )
            except discord.HTTPException as exc:
                log.info("could not mention members in %s: %s", channel.id, exc)
                return _mention_failed(channel, exc, done, len(members))
            await self.profiles.record_post(guild.id, [m.id for m in batch], "remind", channel.id, sent.id)
            await self.profiles.mark_reminded(guild.id, [m.id for m in batch], now=self.bot.clock.now())
            done += len(batch)
        return f"I mentioned them in {channel.mention}."

    # -- joining and leaving --------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if member.bot:
            return
        guild = member.guild
        if await come_back(self.profiles, self.bot.scheduler, guild.id, member.id):
            await memberships(self.bot).restore(member)
            profile = await self.profiles.get(guild.id, member.id)
            if profile is not None:
                await post_card(self.bot, guild, profile)
                return  # introduced before: no second welcome
        settings = await self.profiles.settings(guild.id)
        text = welcome_text(settings.welcome, member)
        channel = await intro_channel(self.bot, guild)
        if channel is not None:
            try:
                require_bot_permissions(channel, "view_channel", "send_messages", doing="post welcomes")
                sent = await channel.send(
                    text, view=start_view(guild.id), allowed_mentions=discord.AllowedMentions(users=[member])
                )
            except (UserError, discord.HTTPException) as exc:
                log.warning("could not welcome %s in %s: %s", member.id, guild.id, exc)
            else:  # taken down with the member's data
                await self.profiles.record_post(guild.id, [member.id], "welcome", channel.id, sent.id)
        if settings.dm_welcome:
            try:
                await member.send(text, view=start_view(guild.id))
            except discord.HTTPException as exc:  # 50007: DMs closed; the channel welcome is enough
                log.info("welcome DM to %s not delivered: %s", member.id, exc)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        if payload.user.bot:
            return
        guild_id, user_id = payload.guild_id, payload.user.id
        await leave(
            self.bot.db, self.profiles, self.bot.scheduler, guild_id, user_id, now=self.bot.clock.now()
        )
        await self.posts.hide_card(guild_id, user_id)


def _mention_failed(channel: discord.TextChannel, error: discord.HTTPException, done: int, total: int) -> str:
    """Why members could not be mentioned and what to do; they stay unreminded, so a re-run reaches them."""
    whom = "them" if done == 0 else f"the last {total - done}"
    again = "then run `/intro remind` again: it reaches only members who haven't been reminded yet."
    if isinstance(error, discord.Forbidden):
        have = channel.permissions_for(channel.guild.me)
        missing = [name for name in ("view_channel", "send_messages") if not getattr(have, name)]
        labels = human_list(
            [f"**{permission_label(m)}**" for m in missing or ["view_channel", "send_messages"]]
        )
        return (
            f"I'm not allowed to post in {channel.mention}, so I couldn't mention {whom}: give my role {labels} "
            f"there (channel settings → Permissions), {again}"
        )
    return f"Discord didn't accept my message in {channel.mention}, so I couldn't mention {whom}. Wait a few minutes, {again}"
