"""`/announce`: organizers schedule one-off and recurring announcements, previewed before they are saved."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_organizer, organizer_only
from bot.client import CopBot
from bot.errors import ErrorReportingModal, UserError
from bot.formatting import embed, fit_lines, plural, safe_text
from bot.options import Id
from bot.permissions import require_bot_permissions, require_can_mention
from bot.ui import ConfirmView, Paginator, add_field, confirm, paginate_lines
from core.scheduler import MISSED
from core.timeutil import discord_timestamp, local_description
from storage.announcements import (
    OPEN_STATES,
    Announcement,
    AnnouncementRepository,
    AnnouncementState,
    NewAnnouncement,
    Run,
    RunOutcome,
    Schedule,
)
from storage.guilds import Purpose

from .buttons import AnnouncementButton
from .plans import Plan, describe, make_plan, upcoming_runs
from .posting import (
    CONTENT_LIMIT,
    GRACE,
    KIND,
    PLACEHOLDERS,
    Poster,
    Rendered,
    next_meeting_text,
    render,
    rendered_length,
)

log = logging.getLogger(__name__)

DEFAULT_RECURRING_LIMIT = 25
TITLE_LIMIT = 256
SNIPPET = 60
TextHandler = Callable[["discord.Interaction[CopBot]", str | None, str], Awaitable[None]]


def _jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _snippet(announcement: Announcement, limit: int = SNIPPET) -> str:
    text = announcement.title or announcement.body
    return safe_text(" ".join(text.split()), limit)


@dataclass(frozen=True, slots=True)
class Draft:
    """What the command options said, waiting for the text from the modal."""

    guild_id: int
    author_id: int
    channel: discord.TextChannel
    ping_role_id: int | None
    plan: Plan
    zone: str


class MessageModal(ErrorReportingModal):
    """The announcement's text (and optional title), then `on_text` takes over."""

    def __init__(self, heading: str, on_text: TextHandler, *, title: str = "", body: str = "") -> None:
        super().__init__(title=heading[:45], timeout=15 * 60)
        self.on_text = on_text
        self.title_input: discord.ui.TextInput[MessageModal] = discord.ui.TextInput(
            custom_id="title",
            required=False,
            max_length=TITLE_LIMIT,
            default=title or None,
        )
        self.body_input: discord.ui.TextInput[MessageModal] = discord.ui.TextInput(
            custom_id="text",
            style=discord.TextStyle.paragraph,
            max_length=CONTENT_LIMIT,
            placeholder=f"You can use {', '.join(PLACEHOLDERS)}",
            default=body or None,
        )
        add_field(self, "Title (optional: posts it as a card)", self.title_input)
        add_field(self, "Message", self.body_input)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.on_text(interaction, self.title_input.value.strip() or None, self.body_input.value)


class Announcements(commands.Cog):
    """Scheduled announcements, one-off and recurring."""

    announce = app_commands.Group(name="announce", description="Schedule announcements, once or on a repeat.")

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.repo = AnnouncementRepository(bot.db)
        self.poster = Poster(bot, self.repo)
        self.recurring_limit = int(getattr(bot.settings, "announce_recurring_limit", DEFAULT_RECURRING_LIMIT))

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
        plan = make_plan(when=when, repeat=repeat, until=until, zone=zone, now=self.now())
        if plan.schedule.trigger is not None:
            await self._check_limit(guild.id)
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
        preview = _as_announcement(new, self.now())
        post = await self._check_length(preview, draft.plan.runs[0])
        view = ConfirmView(interaction.user.id, confirm_label="Schedule it", danger=False)
        view.interaction = interaction
        await interaction.response.send_message(
            **self._preview_message(
                post, preview, draft.plan.runs, draft.plan.description, heading="Preview"
            ),
            view=view,
            ephemeral=True,
        )
        await view.wait()
        answer = view.answer
        if answer is None:
            return
        if not view.confirmed:
            await answer.response.edit_message(content="Nothing was scheduled.", embeds=[], view=None)
            return
        try:
            announcement_id = await self._save(new)
        except UserError as exc:  # the click is what waits for an answer, not the form
            await answer.response.edit_message(content=str(exc), embeds=[], view=None)
            return
        saved = await self.repo.get(draft.guild_id, announcement_id)
        assert saved is not None
        runs = upcoming_runs(saved, now=self.now(), count=1)
        next_text = (
            f" First post {discord_timestamp(runs[0], 'F')} ({discord_timestamp(runs[0], 'R')})."
            if runs
            else ""
        )
        await answer.response.edit_message(
            content=(
                f"Scheduled announcement **#{announcement_id}** in {draft.channel.mention}, "
                f"{draft.plan.description}.{next_text} Manage it with `/announce show id:{announcement_id}`."
            ),
            embeds=[],
            view=None,
        )

    async def _save(self, new: NewAnnouncement) -> int:
        """Write the announcement and its job (or series) in one transaction."""
        now = self.now()
        if new.schedule.run_at is not None and new.schedule.run_at <= now:
            raise UserError(
                f"The time you chose ({discord_timestamp(new.schedule.run_at)}) passed while the preview was "
                "open. Run `/announce create` again with a later time."
            )
        async with self.bot.db.transaction():
            if new.schedule.trigger is not None:
                await self._check_limit(new.guild_id)
            announcement_id = await self.repo.create(new, now=now)
            saved = await self.repo.get(new.guild_id, announcement_id)
            assert saved is not None
            await self._schedule(saved, now)
        return announcement_id

    async def _schedule(self, announcement: Announcement, now: datetime) -> None:
        """Give the announcement its job (one-off) or series (recurring); inside the caller's transaction."""
        if announcement.trigger is None:
            assert announcement.run_at is not None
            job_id = await self.bot.scheduler.schedule(
                KIND,
                announcement.run_at,
                {"announcement_id": announcement.id},
                guild_id=announcement.guild_id,
                owner=announcement.owner,
            )
            await self.repo.set_jobs(announcement.id, job_id=job_id, series_id=None, now=now)
            return
        try:
            series_id = await self.bot.scheduler.recurring(
                KIND,
                announcement.trigger,
                {"announcement_id": announcement.id},
                guild_id=announcement.guild_id,
                owner=announcement.owner,
                timezone=announcement.timezone,
            )
        except ValueError:
            raise UserError("That schedule has no future runs. Check `repeat` and `until`.") from None
        await self.repo.set_jobs(announcement.id, job_id=None, series_id=series_id, now=now)

    # -- list, show, history -----------------------------------------------------------------------------

    @announce.command(name="list")
    @organizer_only()
    async def list_(self, interaction: discord.Interaction[CopBot]) -> None:
        """Upcoming and paused announcements, with when each posts next."""
        assert interaction.guild_id is not None
        now = self.now()
        await self.repo.close_spent_one_offs(interaction.guild_id, now=now)
        lines = [self._line(a, now) for a in await self.repo.list_open(interaction.guild_id)]
        pages = paginate_lines(
            "Announcements",
            lines,
            empty="No announcements are scheduled. Create one with `/announce create`.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    def _line(self, announcement: Announcement, now: datetime) -> str:
        if announcement.state is AnnouncementState.PAUSED:
            status = "**paused**"
        else:
            runs = upcoming_runs(announcement, now=now, count=1)
            status = (
                f"next {discord_timestamp(runs[0], 'f')} ({discord_timestamp(runs[0], 'R')})"
                if runs
                else "no further runs"
            )
        return (
            f"**#{announcement.id}** “{_snippet(announcement, 40)}” in <#{announcement.channel_id}> — "
            f"{describe(announcement)}; {status}"
        )

    @announce.command(name="show")
    @organizer_only()
    @app_commands.describe(id="The announcement's number (see /announce list)")
    async def show(self, interaction: discord.Interaction[CopBot], id: Id) -> None:
        """Show an announcement as it will look, its schedule and its next run times."""
        announcement = await self._get(interaction, id)
        now = self.now()
        runs = upcoming_runs(announcement, now=now)
        when = runs[0] if runs else (announcement.run_at or now)
        post = render(
            announcement,
            when=when,
            server=interaction.guild.name if interaction.guild else "",
            next_meeting=await next_meeting_text(
                self.bot, announcement.guild_id, announcement.timezone, when
            ),
        )
        heading = f"Announcement #{announcement.id} ({announcement.state.value})"
        message = self._preview_message(post, announcement, runs, describe(announcement), heading=heading)
        info = message["embeds"][-1]
        last = await self.repo.last_run(announcement.id)
        if last is not None:
            info.add_field(name="Last post", value=self._run_line(announcement, last), inline=False)
        if announcement.state in OPEN_STATES:
            message["view"] = self._actions(announcement)
        await interaction.response.send_message(**message, ephemeral=True)

    def _actions(self, announcement: Announcement) -> discord.ui.View:
        """Send now and Pause/Resume buttons that keep working after a restart."""
        view = discord.ui.View(timeout=None)
        view.add_item(AnnouncementButton("now", announcement.id))
        paused = announcement.state is AnnouncementState.PAUSED
        view.add_item(AnnouncementButton("resume" if paused else "pause", announcement.id))
        return view

    async def on_component(self, interaction: discord.Interaction[CopBot], item: AnnouncementButton) -> None:
        """A click on a persistent button (see buttons.py): organizers only, as the commands."""
        action, announcement_id = item.action, item.announcement_id
        await is_organizer(interaction)
        assert interaction.guild_id is not None
        act = {"now": self._send_now, "pause": self._pause, "resume": self._resume}[action]
        text = await act(interaction.guild_id, announcement_id)
        await interaction.response.send_message(text, ephemeral=True)

    @announce.command(name="history")
    @organizer_only()
    @app_commands.describe(id="The announcement's number (see /announce list)")
    async def history(self, interaction: discord.Interaction[CopBot], id: Id) -> None:
        """When each occurrence was posted, with links, and any that failed or were skipped."""
        announcement = await self._get(interaction, id)
        entries: list[tuple[datetime, str]] = [
            (run.finished_at, self._run_line(announcement, run))
            for run in await self.repo.runs(announcement.id)
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

    def _run_line(self, announcement: Announcement, run: Run) -> str:
        when = discord_timestamp(run.finished_at, "f")
        if run.outcome is RunOutcome.FAILED:
            return f"{when} — **failed**: {safe_text(run.error or 'unknown reason', 200)}"
        link = (
            f" — [open the post]({_jump_url(announcement.guild_id, run.channel_id, run.message_id)})"
            if run.message_id
            else ""
        )
        notes = []
        if run.manual:
            notes.append("sent with send-now")
        if run.late:
            notes.append(f"late, planned for {discord_timestamp(run.scheduled_for, 'f')}")
        extra = f" ({', '.join(notes)})" if notes else ""
        return f"{when} — posted in <#{run.channel_id}>{extra}{link}"

    # -- change ------------------------------------------------------------------------------------------

    @announce.command(name="edit")
    @organizer_only()
    @app_commands.describe(
        id="The announcement's number (see /announce list)",
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
        id: Id,
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
        announcement = await self._get(interaction, id)
        if announcement.state is AnnouncementState.CANCELLED:
            raise UserError(f"Announcement #{id} was cancelled. Create a new one with `/announce create`.")
        if ping is not None and remove_ping:
            raise UserError("Choose a `ping` role or `remove_ping`, not both.")
        target = channel
        if channel is not None:
            require_bot_permissions(
                channel, "view_channel", "send_messages", doing=f"post in {channel.mention}"
            )
        check_channel = channel or interaction.guild.get_channel(announcement.channel_id)
        if ping is not None and isinstance(check_channel, discord.TextChannel):
            self._check_ping(interaction.user, check_channel, ping)
        plan: Plan | None = None
        if when or repeat:
            zone = await self.bot.guild_settings.timezone(interaction.guild.id)
            plan = make_plan(when=when, repeat=repeat, until=until, zone=zone, now=self.now())
            reopens = not announcement.recurring or announcement.state is not AnnouncementState.SCHEDULED
            if plan.schedule.trigger is not None and reopens:
                await self._check_limit(interaction.guild.id)
        elif until:
            if not announcement.recurring:
                raise UserError("`until` only applies to repeating announcements.")
            zone = await self.bot.guild_settings.timezone(interaction.guild.id)
            plan = make_plan(when=None, repeat=announcement.repeat, until=until, zone=zone, now=self.now())
            # Same series, new end: every-N-weeks keeps counting weeks from where it started.
            plan = dataclasses.replace(
                plan, schedule=dataclasses.replace(plan.schedule, anchor=announcement.anchor)
            )
            if announcement.state is not AnnouncementState.SCHEDULED:
                await self._check_limit(interaction.guild.id)
        changes = _Changes(
            channel_id=target.id if target else None,
            ping_role_id=ping.id if ping else None,
            remove_ping=remove_ping,
            plan=plan,
        )
        if change_text or changes.empty:
            modal = MessageModal(
                f"Edit announcement #{id}",
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
        changes: _Changes,
        interaction: discord.Interaction[CopBot],
        title: str | None,
        body: str | None,
    ) -> None:
        assert interaction.guild_id is not None
        now = self.now()
        async with self.bot.db.transaction():
            current = await self._get(interaction, announcement_id)
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
            updated = await self._get(interaction, announcement_id)
            if text_changed:
                runs = upcoming_runs(updated, now=now, count=1) or [now]
                await self._check_length(updated, runs[0])
            if changes.plan is not None:
                await self.bot.scheduler.cancel(owner=updated.owner, guild_id=updated.guild_id, kind=KIND)
                await self._schedule(updated, now)
                updated = await self._get(interaction, announcement_id)
        runs = upcoming_runs(updated, now=now)
        when = runs[0] if runs else now
        post = render(
            updated,
            when=when,
            server=interaction.guild.name if interaction.guild else "",
            next_meeting=await next_meeting_text(self.bot, updated.guild_id, updated.timezone, when),
        )
        message = self._preview_message(
            post, updated, runs, describe(updated), heading=f"Announcement #{updated.id} updated"
        )
        await interaction.response.send_message(**message, ephemeral=True)

    @announce.command(name="pause")
    @organizer_only()
    @app_commands.describe(id="The announcement's number (see /announce list)")
    async def pause(self, interaction: discord.Interaction[CopBot], id: Id) -> None:
        """Stop posting an announcement for now; nothing it misses is posted later."""
        assert interaction.guild_id is not None
        await interaction.response.send_message(await self._pause(interaction.guild_id, id), ephemeral=True)

    async def _pause(self, guild_id: int, announcement_id: int) -> str:
        announcement = await self._find(guild_id, announcement_id)
        if announcement.state is not AnnouncementState.SCHEDULED:
            raise UserError(
                f"Announcement #{announcement_id} is {announcement.state.value}, so there is nothing to pause."
            )
        async with self.bot.db.transaction():
            await self.bot.scheduler.cancel(owner=announcement.owner, guild_id=guild_id, kind=KIND)
            await self.repo.set_state(announcement.id, AnnouncementState.PAUSED, now=self.now())
        return (
            f"Paused announcement **#{announcement_id}**. Nothing will be posted until you "
            f"`/announce resume id:{announcement_id}`; posts it would have made meanwhile are skipped, "
            "not sent all at once later."
        )

    @announce.command(name="resume")
    @organizer_only()
    @app_commands.describe(id="The announcement's number (see /announce list)")
    async def resume(self, interaction: discord.Interaction[CopBot], id: Id) -> None:
        """Start posting a paused announcement again, from its next run."""
        assert interaction.guild_id is not None
        await interaction.response.send_message(await self._resume(interaction.guild_id, id), ephemeral=True)

    async def _resume(self, guild_id: int, announcement_id: int) -> str:
        announcement = await self._find(guild_id, announcement_id)
        if announcement.state is not AnnouncementState.PAUSED:
            raise UserError(
                f"Announcement #{announcement_id} isn't paused (it is {announcement.state.value})."
            )
        now = self.now()
        if announcement.run_at is not None and announcement.run_at <= now:
            raise UserError(
                f"Announcement #{announcement_id} was due {discord_timestamp(announcement.run_at, 'f')}, while it "
                f"was paused, so it was skipped. Give it a new time with `/announce edit id:{announcement_id} when:`."
            )
        if announcement.recurring:
            await self._check_limit(guild_id)
        async with self.bot.db.transaction():
            await self.repo.set_state(announcement.id, AnnouncementState.SCHEDULED, now=now)
            resumed = await self._find(guild_id, announcement_id)
            runs = upcoming_runs(resumed, now=now, count=1)
            if not runs:
                raise UserError(
                    f"Announcement #{announcement_id} has no runs left before its end. "
                    "Change `until` with `/announce edit`."
                )
            await self._schedule(resumed, now)
        return (
            f"Resumed announcement **#{announcement_id}**. Next post {discord_timestamp(runs[0], 'F')} "
            f"({discord_timestamp(runs[0], 'R')})."
        )

    @announce.command(name="cancel")
    @organizer_only()
    @app_commands.describe(id="The announcement's number (see /announce list)")
    async def cancel(self, interaction: discord.Interaction[CopBot], id: Id) -> None:
        """Cancel an announcement for good; what was already posted stays."""
        announcement = await self._get(interaction, id)
        if announcement.state not in OPEN_STATES:
            raise UserError(f"Announcement #{id} is already {announcement.state.value}.")
        answer = await confirm(
            interaction,
            f"Cancel announcement **#{id}** (“{_snippet(announcement)}”, {describe(announcement)})? "
            "It will not be posted again.",
            declined="Kept: nothing was changed.",
            confirm_label="Cancel it",
        )
        if answer is None:
            return
        async with self.bot.db.transaction():
            changed = await self.repo.set_state(
                announcement.id, AnnouncementState.CANCELLED, now=self.now(), expect=OPEN_STATES
            )
            if changed:
                await self.bot.scheduler.cancel(
                    owner=announcement.owner, guild_id=announcement.guild_id, kind=KIND
                )
        if not changed:
            current = await self._get(interaction, id)
            await answer.response.edit_message(
                content=f"Announcement #{id} is already {current.state.value}, so nothing was changed.",
                view=None,
            )
            return
        await answer.response.edit_message(content=f"Cancelled announcement **#{id}**.", view=None)

    @announce.command(name="send-now")
    @organizer_only()
    @app_commands.describe(id="The announcement's number (see /announce list)")
    async def send_now(self, interaction: discord.Interaction[CopBot], id: Id) -> None:
        """Post an announcement right away; its schedule stays as it is."""
        assert interaction.guild_id is not None
        await interaction.response.send_message(
            await self._send_now(interaction.guild_id, id), ephemeral=True
        )

    async def _send_now(self, guild_id: int, announcement_id: int) -> str:
        announcement = await self._find(guild_id, announcement_id)
        if announcement.state is AnnouncementState.CANCELLED:
            raise UserError(f"Announcement #{announcement_id} was cancelled, so it can't be sent.")
        await self.bot.scheduler.schedule(
            KIND,
            self.now(),
            {"announcement_id": announcement.id, "manual": True},
            guild_id=guild_id,
            owner=announcement.owner,
        )
        return (
            f"Posting announcement **#{announcement_id}** in <#{announcement.channel_id}> now. Its schedule is "
            f"unchanged; `/announce history id:{announcement_id}` shows the link once it is out."
        )

    # -- autocomplete ------------------------------------------------------------------------------------

    @show.autocomplete("id")
    @history.autocomplete("id")
    @edit.autocomplete("id")
    @pause.autocomplete("id")
    @resume.autocomplete("id")
    @cancel.autocomplete("id")
    @send_now.autocomplete("id")
    async def id_autocomplete(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        found = await self.repo.search_ids(interaction.guild_id, current.strip().lstrip("#"))
        return [
            app_commands.Choice(
                name=f"#{a.id} {' '.join((a.title or a.body).split())[:60]} ({a.state.value})"[:100],
                value=a.id,
            )
            for a in found
        ]

    # -- shared checks and messages ----------------------------------------------------------------------

    async def _get(self, interaction: discord.Interaction[CopBot], announcement_id: int) -> Announcement:
        assert interaction.guild_id is not None
        return await self._find(interaction.guild_id, announcement_id)

    async def _find(self, guild_id: int, announcement_id: int) -> Announcement:
        found = await self.repo.get(guild_id, announcement_id)
        if found is None:
            raise UserError(
                f"There is no announcement #{announcement_id} in this server. `/announce list` shows them."
            )
        return found

    async def _channel(self, guild: discord.Guild, chosen: discord.TextChannel | None) -> discord.TextChannel:
        channel: object = chosen
        if channel is None:
            channel_id = (await self.bot.guild_settings.get(guild.id)).channels.get(Purpose.ANNOUNCEMENTS)
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

    async def _check_limit(self, guild_id: int) -> None:
        active = await self.repo.count_active_recurring(guild_id)
        if active >= self.recurring_limit:
            raise UserError(
                f"This server already has {plural(active, 'repeating announcement')} running, the most allowed "
                f"({self.recurring_limit}). Cancel or pause one first (`/announce list` shows them)."
            )

    async def _check_length(self, announcement: Announcement, when: datetime) -> Rendered:
        guild = self.bot.get_guild(announcement.guild_id)
        meeting = await next_meeting_text(self.bot, announcement.guild_id, announcement.timezone, when)
        full = render(
            announcement, when=when, server=guild.name if guild else "", next_meeting=meeting, fit=False
        )
        content, description = rendered_length(full)
        limit_hit = content - CONTENT_LIMIT if announcement.title is None else description - CONTENT_LIMIT
        if limit_hit > 0:
            raise UserError(
                f"With the ping and placeholders filled in, the announcement is {plural(limit_hit, 'character')} "
                f"over Discord's limit of {CONTENT_LIMIT}. Shorten it and try again."
            )
        return render(announcement, when=when, server=guild.name if guild else "", next_meeting=meeting)

    def _preview_message(
        self,
        post: Rendered,
        announcement: Announcement,
        runs: list[datetime],
        description: str,
        *,
        heading: str,
    ) -> dict[str, Any]:
        zone = announcement.timezone
        info = embed(heading, f"Posts in <#{announcement.channel_id}>, {description}.")
        role = announcement.ping_role_id
        info.add_field(
            name="Ping",
            value=("@everyone" if role == announcement.guild_id else f"<@&{role}>") if role else "No one",
        )
        info.add_field(name="Time zone", value=f"`{zone}`")
        if runs:
            lines = [f"{local_description(run, zone)} · {discord_timestamp(run, 'R')}" for run in runs]
            info.add_field(
                name="Next run" if len(runs) == 1 else f"Next {len(runs)} runs",
                value=fit_lines(lines),
                inline=False,
            )
        else:
            info.add_field(name="Next run", value="None scheduled", inline=False)
        embeds = [post.card, info] if post.card is not None else [info]
        return {"content": post.content or None, "embeds": embeds}

    # -- the bot left a guild -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.repo.cancel_guild(guild.id, now=self.now())


@dataclass(frozen=True, slots=True)
class _Changes:
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


def _as_announcement(new: NewAnnouncement, now: datetime) -> Announcement:
    """An unsaved announcement, for the preview."""
    schedule: Schedule = new.schedule
    return Announcement(
        id=0,
        guild_id=new.guild_id,
        author_id=new.author_id,
        channel_id=new.channel_id,
        title=new.title,
        body=new.body,
        ping_role_id=new.ping_role_id,
        run_at=schedule.run_at,
        repeat=schedule.repeat,
        trigger=schedule.trigger,
        every_weeks=schedule.every_weeks,
        anchor=schedule.anchor,
        until=schedule.until,
        timezone=new.timezone,
        state=AnnouncementState.SCHEDULED,
        job_id=None,
        series_id=None,
        created_at=now,
        updated_at=now,
    )
