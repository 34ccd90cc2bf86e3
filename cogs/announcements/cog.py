"""`/announce`: organizers schedule one-off and recurring announcements, previewed before they are saved.
The rules and the writes are the core's (`core.announcements`); this module reads Discord's options,
answers and previews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_organizer, organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.permissions import require_bot_permissions, require_can_mention
from bot.reach import channel_for
from bot.ui import Paginator, confirm, paginate_lines
from core.announcements.plans import Plan, describe, edit_plan, make_plan, unsaved, upcoming_runs
from core.announcements.runs import GRACE, KIND
from core.announcements.service import DEFAULT_RECURRING_LIMIT, AnnouncementService
from core.scheduler import MISSED
from core.text import plural
from core.timeutil import discord_timestamp
from storage.announcements import OPEN_STATES, Announcement, AnnouncementState, NewAnnouncement
from storage.guilds import Purpose

from .arguments import ID_HELP, AnnouncementArg, find, refusals
from .buttons import AnnouncementButton
from .cards import actions, list_line, preview_message, run_line, snippet
from .forms import MessageModal
from .posting import Poster
from .render import CONTENT_LIMIT, Rendered, next_meeting_text, render, rendered_length

__all__ = ["Announcements", "MessageModal"]


@dataclass(frozen=True, slots=True)
class Draft:
    """What the command options said, waiting for the text from the modal."""

    guild_id: int
    author_id: int
    channel: discord.TextChannel
    ping_role_id: int | None
    plan: Plan
    zone: str


@dataclass(frozen=True, slots=True)
class Changes:
    """What `/announce edit` changes besides the text."""

    channel_id: int | None
    ping_role_id: int | None
    remove_ping: bool
    plan: Plan | None

    @property
    def empty(self) -> bool:
        return (
            self.channel_id is None
            and self.ping_role_id is None
            and not self.remove_ping
            and self.plan is None
        )


class Announcements(commands.Cog):
    """Scheduled announcements, one-off and recurring."""

    announce = app_commands.Group(name="announce", description="Schedule announcements, once or on a repeat.")

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        limit = int(getattr(bot.settings, "announce_recurring_limit", DEFAULT_RECURRING_LIMIT))
        self.service = AnnouncementService(bot.db, bot.scheduler, bot.clock, recurring_limit=limit)
        self.repo = self.service.repo
        self.poster = Poster(bot, self.service)

    @property
    def recurring_limit(self) -> int:
        """Repeating announcements a guild may have running at once (the setting `announce_recurring_limit`)."""
        return self.service.recurring_limit

    @recurring_limit.setter
    def recurring_limit(self, value: int) -> None:
        self.service.recurring_limit = value

    async def cog_load(self) -> None:
        self.bot.scheduler.register(KIND, self.poster.run, grace=GRACE, describe=self.poster.describe)
        self.bot.add_dynamic_items(AnnouncementButton)
        self.bot.personal_data.register(
            "announcements", export=self.repo.export_author, delete=self.repo.forget_author
        )

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister(KIND)
        self.bot.remove_dynamic_items(AnnouncementButton)
        self.bot.personal_data.unregister("announcements")

    def now(self) -> datetime:
        return self.bot.clock.now()

    # -- create ------------------------------------------------------------------------------------------

    @announce.command(name="create")
    @organizer_only()
    @app_commands.describe(
        channel="Where to post (default: the announcements channel)",
        when="Post once at this time, e.g. 'tomorrow 9am' or '2026-12-03 16:00'",
        repeat="Post on a schedule, e.g. 'every Monday at 9:00' or 'first Tuesday of the month at 16:00'",
        until="For a repeating announcement: stop after this date and time",
        ping="A role to notify with each post (leave empty to ping no one)",
    )
    async def create(
        self,
        interaction: discord.Interaction[CopBot],
        channel: discord.TextChannel | None = None,
        when: app_commands.Range[str, 1, 100] | None = None,
        repeat: app_commands.Range[str, 1, 100] | None = None,
        until: app_commands.Range[str, 1, 100] | None = None,
        ping: discord.Role | None = None,
    ) -> None:
        """Schedule an announcement: you write it next, then see a preview and its next run times."""
        assert interaction.guild is not None
        guild = interaction.guild
        zone = await self.bot.guild_settings.timezone(guild.id)
        target = await self._channel(guild, channel)
        self._check_ping(interaction.user, target, ping)
        with refusals():
            plan = make_plan(when=when, repeat=repeat, until=until, zone=zone, now=self.now())
            if plan.schedule.trigger is not None:
                await self.service.check_limit(guild.id)
        draft = Draft(guild.id, interaction.user.id, target, ping.id if ping else None, plan, zone)
        modal = MessageModal("New announcement", partial(self._preview_new, draft))
        await interaction.response.send_modal(modal)

    async def _preview_new(
        self, draft: Draft, interaction: discord.Interaction[CopBot], title: str | None, body: str
    ) -> None:
        if title:
            require_bot_permissions(
                draft.channel, "embed_links", doing=f"post a card in {draft.channel.mention}"
            )
        new = NewAnnouncement(
            guild_id=draft.guild_id,
            author_id=draft.author_id,
            channel_id=draft.channel.id,
            title=title,
            body=body,
            ping_role_id=draft.ping_role_id,
            schedule=draft.plan.schedule,
            timezone=draft.zone,
        )
        preview = unsaved(new, self.now())
        post = await self._check_length(preview, draft.plan.runs[0])
        # The preview is the question: its card and buttons in one private message.
        question = preview_message(post, preview, draft.plan.runs, draft.plan.description, heading="Preview")
        answer = await confirm(
            interaction,
            question["content"],
            embeds=question["embeds"],
            declined="Nothing was scheduled.",
            confirm_label="Schedule it",
            danger=False,
        )
        if answer is None:
            return
        try:
            with refusals():
                saved = await self.service.save(new)
        except UserError as exc:  # the click is what waits for an answer, not the form
            await answer.response.edit_message(content=str(exc), embeds=[], view=None)
            return
        runs = upcoming_runs(saved, now=self.now(), count=1)
        next_text = (
            f" First post {discord_timestamp(runs[0], 'F')} ({discord_timestamp(runs[0], 'R')})."
            if runs
            else ""
        )
        await answer.response.edit_message(
            content=(
                f"Scheduled announcement **#{saved.id}** in {draft.channel.mention}, "
                f"{draft.plan.description}.{next_text} Manage it with `/announce show id:{saved.id}`."
            ),
            embeds=[],
            view=None,
        )

    # -- list, show, history -----------------------------------------------------------------------------

    @announce.command(name="list")
    @organizer_only()
    async def list_(self, interaction: discord.Interaction[CopBot]) -> None:
        """Upcoming and paused announcements, with when each posts next."""
        assert interaction.guild_id is not None
        now = self.now()
        await self.repo.close_spent_one_offs(interaction.guild_id, now=now)
        lines = [list_line(a, now) for a in await self.repo.list_open(interaction.guild_id)]
        pages = paginate_lines(
            "Announcements",
            lines,
            empty="No announcements are scheduled. Create one with `/announce create`.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    @announce.command(name="show")
    @organizer_only()
    @app_commands.rename(announcement="id")
    @app_commands.describe(announcement=ID_HELP)
    async def show(self, interaction: discord.Interaction[CopBot], announcement: AnnouncementArg) -> None:
        """Show an announcement as it will look, its schedule and its next run times."""
        now = self.now()
        runs = upcoming_runs(announcement, now=now)
        when = runs[0] if runs else (announcement.run_at or now)
        post = await self._render(announcement, when)
        heading = f"Announcement #{announcement.id} ({announcement.state.value})"
        message = preview_message(post, announcement, runs, describe(announcement), heading=heading)
        info = message["embeds"][-1]
        last = await self.repo.last_run(announcement.id)
        if last is not None:
            info.add_field(name="Last post", value=run_line(announcement, last), inline=False)
        if announcement.state in OPEN_STATES:
            message["view"] = actions(announcement)
        await interaction.response.send_message(**message, ephemeral=True)

    async def on_component(self, interaction: discord.Interaction[CopBot], item: AnnouncementButton) -> None:
        """A click on a persistent button (see buttons.py): organizers only, as the commands."""
        await is_organizer(interaction)  # refuses anyone else, saying who may
        assert interaction.guild_id is not None
        announcement = await find(self.bot.db, interaction.guild_id, item.announcement_id)
        act = {"now": self.service.send_now, "pause": self.service.pause, "resume": self.service.resume}
        with refusals():
            text = await act[item.action](announcement)
        await interaction.response.send_message(text, ephemeral=True)

    @announce.command(name="history")
    @organizer_only()
    @app_commands.rename(announcement="id")
    @app_commands.describe(announcement=ID_HELP)
    async def history(self, interaction: discord.Interaction[CopBot], announcement: AnnouncementArg) -> None:
        """When each occurrence was posted, with links, and any that failed or were skipped."""
        entries: list[tuple[datetime, str]] = [
            (run.finished_at, run_line(announcement, run)) for run in await self.repo.runs(announcement.id)
        ]
        for skipped in await self.repo.skipped(announcement, MISSED):
            entries.append(
                (
                    skipped.scheduled_for,
                    f"{discord_timestamp(skipped.scheduled_for, 'f')} — skipped: {skipped.reason}",
                )
            )
        entries.sort(key=lambda entry: entry[0], reverse=True)
        pages = paginate_lines(
            f"History of announcement #{announcement.id}",
            [line for _, line in entries],
            empty="It hasn't been posted yet.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    # -- change ------------------------------------------------------------------------------------------

    @announce.command(name="edit")
    @organizer_only()
    @app_commands.rename(announcement="id")
    @app_commands.describe(
        announcement=ID_HELP,
        channel="Post in this channel instead",
        when="Post once at this time instead",
        repeat="Post on this schedule instead, e.g. 'weekdays at 8am'",
        until="For a repeating announcement: stop after this date and time",
        ping="Notify this role instead",
        remove_ping="Stop notifying any role",
        change_text="Open the text to edit it (it opens anyway when no other change is given)",
    )
    async def edit(
        self,
        interaction: discord.Interaction[CopBot],
        announcement: AnnouncementArg,
        channel: discord.TextChannel | None = None,
        when: app_commands.Range[str, 1, 100] | None = None,
        repeat: app_commands.Range[str, 1, 100] | None = None,
        until: app_commands.Range[str, 1, 100] | None = None,
        ping: discord.Role | None = None,
        remove_ping: bool = False,
        change_text: bool = False,
    ) -> None:
        """Change an announcement's text, time, channel or ping; its schedule is recomputed."""
        assert interaction.guild is not None
        if announcement.state is AnnouncementState.CANCELLED:
            raise UserError(
                f"Announcement #{announcement.id} was cancelled. Create a new one with `/announce create`."
            )
        if ping is not None and remove_ping:
            raise UserError("Choose a `ping` role or `remove_ping`, not both.")
        if channel is not None:
            require_bot_permissions(
                channel, "view_channel", "send_messages", doing=f"post in {channel.mention}"
            )
        check_channel = channel or interaction.guild.get_channel(announcement.channel_id)
        if ping is not None and isinstance(check_channel, discord.TextChannel):
            self._check_ping(interaction.user, check_channel, ping)
        zone = await self.bot.guild_settings.timezone(interaction.guild.id)
        with refusals():
            plan, adds_series = edit_plan(
                announcement, when=when, repeat=repeat, until=until, zone=zone, now=self.now()
            )
            if adds_series:
                await self.service.check_limit(interaction.guild.id)
        changes = Changes(
            channel_id=channel.id if channel else None,
            ping_role_id=ping.id if ping else None,
            remove_ping=remove_ping,
            plan=plan,
        )
        if change_text or changes.empty:
            modal = MessageModal(
                f"Edit announcement #{announcement.id}",
                partial(self._apply_edit, announcement.id, changes),
                title=announcement.title or "",
                body=announcement.body,
            )
            await interaction.response.send_modal(modal)
            return
        await self._apply_edit(announcement.id, changes, interaction, None, None)

    async def _apply_edit(
        self,
        announcement_id: int,
        changes: Changes,
        interaction: discord.Interaction[CopBot],
        title: str | None,
        body: str | None,
    ) -> None:
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        now = self.now()
        async with self.bot.db.transaction():
            current = await find(self.bot.db, guild_id, announcement_id)
            if current.state is AnnouncementState.CANCELLED:  # meanwhile, while the form was open
                raise UserError(
                    f"Announcement #{announcement_id} was cancelled, so it can't be changed. "
                    "Create a new one with `/announce create`."
                )
            text_changed = body is not None
            await self.repo.update(
                current.id,
                now=now,
                channel_id=changes.channel_id,
                ping_role_id=changes.ping_role_id,
                clear_ping=changes.remove_ping,
                title=title if text_changed and title else None,
                clear_title=text_changed and not title,
                body=body,
                schedule=changes.plan.schedule if changes.plan else None,
            )
            updated = await find(self.bot.db, guild_id, announcement_id)
            if text_changed:
                runs = upcoming_runs(updated, now=now, count=1) or [now]
                await self._check_length(updated, runs[0])
            if changes.plan is not None:
                with refusals():
                    await self.service.replan(updated, now)
                updated = await find(self.bot.db, guild_id, announcement_id)
        runs = upcoming_runs(updated, now=now)
        post = await self._render(updated, runs[0] if runs else now)
        message = preview_message(
            post, updated, runs, describe(updated), heading=f"Announcement #{updated.id} updated"
        )
        await interaction.response.send_message(**message, ephemeral=True)

    @announce.command(name="pause")
    @organizer_only()
    @app_commands.rename(announcement="id")
    @app_commands.describe(announcement=ID_HELP)
    async def pause(self, interaction: discord.Interaction[CopBot], announcement: AnnouncementArg) -> None:
        """Stop posting an announcement for now; nothing it misses is posted later."""
        with refusals():
            text = await self.service.pause(announcement)
        await interaction.response.send_message(text, ephemeral=True)

    @announce.command(name="resume")
    @organizer_only()
    @app_commands.rename(announcement="id")
    @app_commands.describe(announcement=ID_HELP)
    async def resume(self, interaction: discord.Interaction[CopBot], announcement: AnnouncementArg) -> None:
        """Start posting a paused announcement again, from its next run."""
        with refusals():
            text = await self.service.resume(announcement)
        await interaction.response.send_message(text, ephemeral=True)

    @announce.command(name="cancel")
    @organizer_only()
    @app_commands.rename(announcement="id")
    @app_commands.describe(announcement=ID_HELP)
    async def cancel(self, interaction: discord.Interaction[CopBot], announcement: AnnouncementArg) -> None:
        """Cancel an announcement for good; what was already posted stays."""
        number = announcement.id
        if announcement.state not in OPEN_STATES:
            raise UserError(f"Announcement #{number} is already {announcement.state.value}.")
        answer = await confirm(
            interaction,
            f"Cancel announcement **#{number}** ({snippet(announcement)}, {describe(announcement)})? "
            "It will not be posted again.",
            declined="Kept: nothing was changed.",
            confirm_label="Cancel it",
        )
        if answer is None:
            return
        if not await self.service.cancel(announcement):
            current = await find(self.bot.db, announcement.guild_id, number)
            await answer.response.edit_message(
                content=f"Announcement #{number} is already {current.state.value}, so nothing was changed.",
                view=None,
            )
            return
        await answer.response.edit_message(content=f"Cancelled announcement **#{number}**.", view=None)

    @announce.command(name="send-now")
    @organizer_only()
    @app_commands.rename(announcement="id")
    @app_commands.describe(announcement=ID_HELP)
    async def send_now(self, interaction: discord.Interaction[CopBot], announcement: AnnouncementArg) -> None:
        """Post an announcement right away; its schedule stays as it is."""
        with refusals():
            text = await self.service.send_now(announcement)
        await interaction.response.send_message(text, ephemeral=True)

    # -- shared checks and rendering ---------------------------------------------------------------------

    async def _channel(self, guild: discord.Guild, chosen: discord.TextChannel | None) -> discord.TextChannel:
        channel: object = chosen
        if channel is None:
            channel_id = await channel_for(self.bot, guild.id, Purpose.ANNOUNCEMENTS)
            channel = guild.get_channel(channel_id) if channel_id else None
            if not isinstance(channel, discord.TextChannel):
                raise UserError(
                    "Choose a `channel` to post in, or set this server's announcements channel with `/cop channel`."
                )
        assert isinstance(channel, discord.TextChannel)
        require_bot_permissions(channel, "view_channel", "send_messages", doing=f"post in {channel.mention}")
        return channel

    def _check_ping(
        self, member: discord.Member | discord.User, channel: discord.TextChannel, role: discord.Role | None
    ) -> None:
        if role is None:
            return
        what = "notify @everyone" if role.is_default() else f"notify {role.mention} (it isn't mentionable)"
        require_can_mention(member, channel, role, doing=what)

    async def _render(self, announcement: Announcement, when: datetime) -> Rendered:
        """The post for the occurrence at `when`, as the job would make it."""
        return (await self._renders(announcement, when))[1]

    async def _renders(self, announcement: Announcement, when: datetime) -> tuple[Rendered, Rendered]:
        """The post at `when` in full, and fitted to Discord's limits."""
        guild = self.bot.get_guild(announcement.guild_id)
        meeting = await next_meeting_text(self.bot, announcement.guild_id, announcement.timezone, when)
        server = guild.name if guild else ""
        return (
            render(announcement, when=when, server=server, next_meeting=meeting, fit=False),
            render(announcement, when=when, server=server, next_meeting=meeting),
        )

    async def _check_length(self, announcement: Announcement, when: datetime) -> Rendered:
        """The post, fitted; refused when the filled-in text is over Discord's limit."""
        full, fitted = await self._renders(announcement, when)
        content, description = rendered_length(full)
        limit_hit = content - CONTENT_LIMIT if announcement.title is None else description - CONTENT_LIMIT
        if limit_hit > 0:
            raise UserError(
                f"With the ping and placeholders filled in, the announcement is {plural(limit_hit, 'character')} "
                f"over Discord's limit of {CONTENT_LIMIT}. Shorten it and try again."
            )
        return fitted

    # -- the bot left a guild -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.repo.cancel_guild(guild.id, now=self.now())
