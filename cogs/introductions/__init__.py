"""`/intro`: welcome new members, introductions (two short forms, a card, roles), reminders, leaving.

A member who leaves is hidden for a period (30 days by default; they may come back) and then every personal row
of theirs is deleted by a scheduled job, which re-reads the profile first (they may have returned).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import organizer_only
from bot.client import CopBot
from bot.delivery import job_guild
from bot.errors import UserError
from bot.formatting import human_list, plural
from bot.memberships import memberships
from bot.permissions import permission_label, require_bot_permissions
from cogs.introductions.cards import check_welcome, welcome_text
from cogs.introductions.flow import NeedsButton, StartButton, open_intro, open_needs, post_card, start_view
from core.personal_data import Deleted
from core.scheduler import RunContext
from storage.guilds import Purpose
from storage.jobs import Job
from storage.profiles import IntroSettings, ProfileRepository

log = logging.getLogger(__name__)

PURGE_KIND = "profile.purge"
PURGE_GRACE = timedelta(days=365)  # a purge found late still runs: the promise is deletion
REMIND_BATCH = 20  # mentions per reminder message in the channel
REMIND_TEXT = (
    "Hello from **{server}**! You joined but haven't introduced yourself yet. It takes under a minute and helps "
    "teachers, families and partners find you. Press the button below to start."
)


def purge_owner(departure_id: int) -> str:
    # The job names the departure, not the member: once it has run, no trace of the member remains.
    return f"departure:{departure_id}"


class Introductions(commands.Cog):
    """Welcome, introductions and reminders."""

    intro = app_commands.Group(
        name="intro", description="Introduce yourself to the community.", guild_only=True
    )

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.profiles = ProfileRepository(bot.db)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(StartButton, NeedsButton)
        self.bot.scheduler.register(PURGE_KIND, self.purge, grace=PURGE_GRACE)
        self.bot.personal_data.register(
            "profile", export=self.profiles.export_member, delete=self._delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(StartButton, NeedsButton)
        self.bot.scheduler.unregister(PURGE_KIND)
        self.bot.personal_data.unregister("profile")

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
        welcome: app_commands.Range[str, 1, 2000] | None = None,
        dm_welcome: bool | None = None,
        hidden_days: app_commands.Range[int, 1, 365] | None = None,
    ) -> None:
        """Show or change the welcome text, welcome DMs and how long departed members' profiles are kept."""
        assert interaction.guild is not None
        current = await self.profiles.settings(interaction.guild.id)
        changed = IntroSettings(
            current.guild_id,
            check_welcome(welcome) if welcome is not None else current.welcome,
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
        introduced = await self.profiles.introduced_ids(guild.id)
        skipped = set() if again else await self.profiles.reminded_ids(guild.id)
        waiting = [m for m in guild.members if not m.bot and m.id not in introduced and m.id not in skipped]
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
        channel_id = (await self.bot.guild_settings.get(guild.id)).channels.get(Purpose.INTRODUCTIONS)
        channel = guild.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.TextChannel):
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
        departure = await self.profiles.return_of(guild.id, member.id)
        if departure is not None:
            await self.bot.scheduler.cancel(owner=purge_owner(departure), guild_id=guild.id)
            await memberships(self.bot).restore(member)
            profile = await self.profiles.get(guild.id, member.id)
            if profile is not None:
                await post_card(self.bot, guild, profile)
                return  # introduced before: no second welcome
        settings = await self.profiles.settings(guild.id)
        text = welcome_text(settings.welcome, member)
        channel_id = (await self.bot.guild_settings.get(guild.id)).channels.get(Purpose.INTRODUCTIONS)
        channel = guild.get_channel(channel_id) if channel_id else None
        if isinstance(channel, discord.TextChannel):
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
        guild_id, user_id = payload.guild_id, payload.user.id
        now = self.bot.clock.now()
        if payload.user.bot:
            return
        async with self.bot.db.transaction():
            departure = await self.profiles.depart(guild_id, user_id, now)
            days = (await self.profiles.settings(guild_id)).hidden_days
            await self.bot.scheduler.schedule(
                PURGE_KIND,
                now + timedelta(days=days),
                {"departure": departure},
                guild_id=guild_id,
                owner=purge_owner(departure),
            )
        profile = await self.profiles.get(guild_id, user_id, include_hidden=True)
        guild = self.bot.get_guild(guild_id)
        if guild is not None and profile is not None:
            await _retire_card(guild, profile.card_channel_id, profile.card_message_id, delete=False)

    async def _delete_member(self, guild_id: int, user_id: int) -> Deleted:
        """The member's intro card, the welcome and reminders that mention them (best effort), then their rows."""
        profile = await self.profiles.get(guild_id, user_id, include_hidden=True)
        posts: list[str] = []
        remains: list[str] = []
        if profile is not None and profile.card_channel_id and profile.card_message_id:
            link = _link(guild_id, profile.card_channel_id, profile.card_message_id)
            if await self._take_down(profile.card_channel_id, profile.card_message_id, "intro card"):
                posts.append("your intro card")
            else:
                remains.append(f"your intro card ({link})")
        reminders = 0
        for post in await self.profiles.posts_of(guild_id, user_id):
            link = _link(guild_id, post.channel_id, post.message_id)
            others = [u for u in await self.profiles.mentioned_in(post.message_id) if u != user_id]
            if post.kind == "remind" and others:  # a reminder to several members: only their mention goes
                done = await self._take_down(
                    post.channel_id, post.message_id, "reminder", content=remind_mentions(others)
                )
            else:
                done = await self._take_down(post.channel_id, post.message_id, post.kind)
            if post.kind == "welcome":
                (posts if done else remains).append("your welcome message" + ("" if done else f" ({link})"))
            elif done:
                reminders += 1
            else:
                remains.append(f"a reminder that mentions you ({link})")
        if reminders:
            posts.append(f"your mention in {plural(reminders, 'reminder')}")
        rows = await self.profiles.delete_member(guild_id, user_id)
        return Deleted(rows, tuple(posts), tuple(remains))

    async def _take_down(
        self, channel_id: int, message_id: int, what: str, *, content: str | None = None
    ) -> bool:
        """Delete one of copbot's messages (or replace its content); whether it is gone (or changed)."""
        message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        try:
            if content is None:
                await message.delete()
            else:
                await message.edit(content=content, allowed_mentions=discord.AllowedMentions.none())
        except discord.NotFound:
            return content is None  # deleted already; a reminder that is gone no longer mentions anyone
        except discord.HTTPException as exc:  # 50001/50013: no access any more; 5xx: Discord had trouble
            log.info("could not take down %s %s: %s", what, message_id, exc)
            return False
        return True

    async def purge(self, job: Job, ctx: RunContext) -> None:
        """The hidden period is over: delete everything about the member, unless they came back."""
        user_id = await self.profiles.departure(job.guild_id, int(job.payload["departure"]))
        if user_id is None:
            return  # back in the server, or deleted already
        # Waits for the server while the bot starts; None: the bot is not in it any more.
        guild = await job_guild(self.bot, job.guild_id)
        if guild is not None and guild.get_member(user_id) is not None:
            await self.profiles.return_of(job.guild_id, user_id)  # came back while the bot was away
            return
        removed = await self.bot.personal_data.delete(job.guild_id, user_id)  # the card too
        log.info("purged the data of a departed member in %s: %s", job.guild_id, removed)


def remind_mentions(user_ids: list[int]) -> str:
    """The reminder posted in the introductions channel for members whose DMs are closed."""
    return " ".join(f"<@{u}>" for u in user_ids) + " — welcome! Please take a minute to introduce yourself."


def _link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


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


async def _retire_card(
    guild: discord.Guild, channel_id: int | None, message_id: int | None, *, delete: bool
) -> None:
    """Delete the intro card, or replace it with a short note while the member is away."""
    channel = guild.get_channel(channel_id) if channel_id else None
    if not isinstance(channel, discord.TextChannel) or message_id is None:
        return
    message = channel.get_partial_message(message_id)
    try:
        if delete:
            await message.delete()
        else:
            await message.edit(
                embed=discord.Embed(
                    description="This member has left the server; their introduction is hidden."
                )
            )
    except discord.HTTPException as exc:
        log.info("could not update intro card %s: %s", message_id, exc)


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Introductions(bot))
