"""`/meeting`: schedule, RSVP with capacity and waitlist, reminders, Discord events, calendar files,
agenda and attendance."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.calendar_files import moved_occurrences, occurrences
from bot.checks import is_organizer, organizer_only
from bot.client import CopBot
from bot.errors import NotOrganizer, UserError
from bot.formatting import embed, fit_lines, human_list, plural, safe_text
from bot.options import Capacity, Id, SeriesCount
from bot.permissions import require_bot_permissions, require_can_mention
from bot.reach import reach_member
from bot.spreadsheets import csv_file
from bot.ui import Paginator, confirm, paginate_lines
from cogs.meetings import inputs
from cogs.meetings.audience import Audiences
from cogs.meetings.buttons import MeetingButton
from cogs.meetings.calendar import calendar_file, meeting_file
from cogs.meetings.cards import REPEAT_TEXT, card_embed, card_link, card_view, when_text
from cogs.meetings.events import interested_members, sync_event
from cogs.meetings.notify import meeting_channel, public_name, tell_members
from cogs.meetings.refresher import CardRefresher
from cogs.meetings.visibility import Sight, can_see, sight_of
from core.personal_data import Deleted
from core.scheduler import Cause, PermanentJobError, RetryableJobError, RunContext, StaleJob
from core.timeutil import discord_timestamp, format_duration, local_description
from storage.guilds import Purpose
from storage.jobs import Job
from storage.meetings import (
    CHECKIN_OPENS_BEFORE,
    EditConflict,
    Meeting,
    MeetingClosed,
    MeetingRepository,
    NewMeeting,
    RsvpStatus,
)

log = logging.getLogger(__name__)


def _unknown(meeting_id: int) -> UserError:
    """The answer for a meeting id that doesn't exist here, or that the member may not see."""
    return UserError(
        f"There is no meeting #{meeting_id} in this server. Start typing its title and pick it from the list."
    )


REMINDER_KIND = "meeting.reminder"
START_KIND = "meeting.start"
CHECKIN_KIND = "meeting.checkin"
REMINDER_GRACE = timedelta(days=1)  # the handler also refuses any reminder once the meeting started
START_GRACE = timedelta(hours=1)
CHECKIN_GRACE = timedelta(days=1)
LIST_LIMIT = 250
AGENDA_BUTTONS = 20
ANSWERS = {
    RsvpStatus.GOING: "You're **going** to",
    RsvpStatus.MAYBE: "You **might** come to",
    RsvpStatus.NO: "You **can't go** to",
}


@dataclass
class EditPlan:
    """What `/meeting edit` will change: fields per meeting (this one first), and a new repeat's effect."""

    meeting: Meeting
    edits: list[tuple[Meeting, dict[str, Any]]]
    replaced: list[Meeting] = field(default_factory=list)  # later meetings a new repeat replaces
    new_starts: list[datetime] = field(default_factory=list)  # the meetings a new repeat adds
    repeat_changed: bool = False
    capped: bool = False  # the new repeat was cut at the 52-meeting cap


@dataclass
class EditResult:
    updated: list[Meeting] = field(default_factory=list)
    cancelled: list[Meeting] = field(default_factory=list)
    created: list[Meeting] = field(default_factory=list)
    seats: dict[int, list[Meeting]] = field(default_factory=dict)  # member -> meetings they got a seat in

    def head(self, meeting: Meeting) -> Meeting:
        """The edited meeting as saved (`meeting` itself when none of its fields changed)."""
        return next((m for m in self.updated if m.id == meeting.id), meeting)


class Meetings(commands.Cog):
    """Meetings for the community: scheduling, RSVPs, reminders, calendars, agenda and attendance."""

    meeting = app_commands.Group(
        name="meeting",
        description="Meetings: schedule, RSVP, reminders, calendar files, agenda, attendance.",
        guild_only=True,
    )

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.repo = MeetingRepository(bot.db)
        self.audiences = Audiences(bot.db)
        self.cards = CardRefresher(self.render_card)
        self._publishing: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def cog_load(self) -> None:
        self.bot.scheduler.register(
            REMINDER_KIND, self.run_reminder, grace=REMINDER_GRACE, describe=self._describe_job
        )
        self.bot.scheduler.register(
            START_KIND, self.run_start, grace=START_GRACE, describe=self._describe_job
        )
        self.bot.scheduler.register(CHECKIN_KIND, self.run_checkin, grace=CHECKIN_GRACE)
        self.bot.add_dynamic_items(MeetingButton)
        self.bot.personal_data.register(
            "meetings",
            export=self.repo.export_member,
            delete=self._delete_member,
        )

    async def cog_unload(self) -> None:
        for kind in (REMINDER_KIND, START_KIND, CHECKIN_KIND):
            self.bot.scheduler.unregister(kind)
        self.bot.remove_dynamic_items(MeetingButton)
        self.bot.personal_data.unregister("meetings")
        await self.cards.close()

    # -- shared pieces -------------------------------------------------------------------------------

    async def _meeting(self, guild_id: int | None, meeting_id: int) -> Meeting:
        assert guild_id is not None
        found = await self.repo.get(guild_id, meeting_id)
        if found is None:
            raise _unknown(meeting_id)
        return found

    async def _seen(self, interaction: discord.Interaction[CopBot], meeting_id: int) -> Meeting:
        """The meeting, if the member may see it (`cogs.meetings.visibility`); else the unknown-id answer."""
        found = await self.repo.get(interaction.guild_id, meeting_id) if interaction.guild_id else None
        if found is None or not await can_see(self.bot.db, found, interaction):
            raise _unknown(meeting_id)
        return found

    @staticmethod
    async def _seen_only(
        sight: Sight, fetch: Callable[[int], Awaitable[list[Meeting]]], limit: int
    ) -> list[Meeting]:
        """Up to `limit` meetings the viewer may see, reading further while hidden ones took the places."""
        batch = limit
        while True:
            found = await fetch(batch)
            seen = [m for m in found if await sight.can_see(m)]
            if len(seen) >= limit or len(found) < batch:
                return seen[:limit]
            batch *= 4

    async def _series_text(self, meeting: Meeting) -> str:
        if not meeting.repeat_rule:
            return ""
        position, total = await self.repo.series_position(meeting)
        return f"{REPEAT_TEXT.get(str(meeting.repeat_rule.get('every')), 'repeats')} · meeting {position} of {total}"

    async def card_parts(self, meeting: Meeting) -> tuple[discord.Embed, discord.ui.View]:
        summary = await self.repo.summary(meeting.id, first=15)
        agenda = await self.repo.agenda(meeting.id)
        card = card_embed(
            meeting,
            summary,
            audience=await self.audiences.label(meeting),
            agenda=agenda,
            occurrence=await self._series_text(meeting),
        )
        return card, card_view(meeting, now=self.bot.clock.now())

    async def render_card(self, meeting_id: int) -> None:
        meeting = await self.repo.get_any(meeting_id)
        if meeting is None or meeting.message_id is None:
            return
        card, view = await self.card_parts(meeting)
        message = self.bot.get_partial_messageable(meeting.channel_id).get_partial_message(meeting.message_id)
        try:
            await message.edit(embed=card, view=view)
        except discord.NotFound:
            log.info("the card of meeting %s was deleted; posting it again", meeting_id)
            await self.repo.forget_card(meeting_id)
            await self.publish(meeting_id)

    async def _attempt(self, meeting: Meeting, what: str, step: Awaitable[object]) -> str | None:
        """A Discord step after an organizer's change was saved: a note for them when Discord refused it
        (a deleted channel, a missing permission), instead of an error that says nothing was changed."""
        try:
            await step
        except (PermanentJobError, RetryableJobError, discord.HTTPException) as exc:
            log.warning("meeting %s: could not %s: %s", meeting.id, what, exc)
            if (
                isinstance(exc, PermanentJobError)
                and exc.organizer_message
                and exc.cause is Cause.CHANNEL_DELETED
            ):
                reason = exc.organizer_message
            elif isinstance(exc, discord.Forbidden | PermanentJobError):
                reason = f"give my role **View Channel**, **Send Messages** and **Embed Links** in <#{meeting.channel_id}>"
            else:
                reason = "Discord did not answer; it will be tried again at the next change"
            return f"⚠️ The change is saved, but I couldn't {what}: {reason.rstrip('.')}."
        return None

    async def publish(self, meeting_id: int) -> str | None:
        """Post the card and create the Discord event if not done yet; a note for organizers, if any."""
        async with self._publishing[meeting_id]:
            meeting = await self.repo.get_any(meeting_id)
            if meeting is None:
                return None
            if meeting.message_id is None:
                channel = await meeting_channel(self.bot, self.repo, meeting)
                meeting = await self.repo.get_any(meeting_id) or meeting
                card, view = await self.card_parts(meeting)
                message = await channel.send(embed=card, view=view, nonce=f"mtg-card-{meeting.id}")
                await self.repo.set_link(meeting.id, message_id=message.id)
            if meeting.event_id is None and not meeting.cancelled:
                return await sync_event(self.bot, self.repo, meeting, now=self.bot.clock.now())
        return None

    async def _schedule_jobs(self, meeting: Meeting, now: datetime) -> None:
        """Reminders, the start notice and the check-in window (inside the caller's transaction)."""
        scheduler, owner, guild_id = self.bot.scheduler, meeting.owner, meeting.guild_id
        for offset in meeting.reminder_offsets:
            due = meeting.starts_at - timedelta(seconds=offset)
            if due > now:
                await scheduler.schedule(
                    REMINDER_KIND,
                    due,
                    {"meeting_id": meeting.id, "offset": offset},
                    guild_id=guild_id,
                    owner=owner,
                )
        if meeting.starts_at > now:  # an edit while it runs (a longer duration) must not announce it again
            await scheduler.schedule(
                START_KIND, meeting.starts_at, {"meeting_id": meeting.id}, guild_id=guild_id, owner=owner
            )
        opens = meeting.starts_at - CHECKIN_OPENS_BEFORE
        if opens > now:
            await scheduler.schedule(
                CHECKIN_KIND,
                opens,
                {"meeting_id": meeting.id, "phase": "open"},
                guild_id=guild_id,
                owner=owner,
            )
        await scheduler.schedule(
            CHECKIN_KIND,
            meeting.ends_at,
            {"meeting_id": meeting.id, "phase": "close"},
            guild_id=guild_id,
            owner=owner,
        )

    async def _tell_promoted(self, meeting: Meeting, promoted: tuple[int, ...]) -> None:
        await self._tell_seats({user_id: [meeting] for user_id in promoted})

    async def _tell_seats(self, seats: dict[int, list[Meeting]]) -> None:
        """Tell each member promoted from a waitlist, once, about every meeting they now have a seat in
        (by DM, or with a mention in the meeting's channel when their DMs are closed)."""
        for user_id, meetings in seats.items():
            first = meetings[0]
            when = when_text(first)
            if len(meetings) > 1:
                when = human_list([discord_timestamp(m.starts_at, "f") for m in meetings[:10]])
                if len(meetings) > 10:
                    when += f" (+{len(meetings) - 10} more)"
            text = (
                f"🎉 A seat opened up: you're now **going** to **{safe_text(first.title)}**, "
                f"{when}. {card_link(first)}"
            )
            if not await reach_member(
                self.bot, user_id, text, fallback=partial(meeting_channel, self.bot, self.repo, first)
            ):
                log.warning("could not tell %s about their seat in meeting %s", user_id, first.id)

    async def _delete_member(self, guild_id: int, user_id: int) -> Deleted:
        """`/profile delete`: the member's rows go; members promoted into freed seats are told and the
        cards that listed the member are redrawn."""
        deletion = await self.repo.delete_member(guild_id, user_id, now=self.bot.clock.now())
        for meeting_id in dict.fromkeys(deletion.answered):
            if meeting_id not in deletion.agenda:
                self.cards.request(meeting_id)
        for meeting_id, promoted in deletion.promoted.items():
            meeting = await self.repo.get(guild_id, meeting_id)
            if meeting is not None:
                await self._tell_promoted(meeting, promoted)
        remains: list[str] = []
        for meeting_id in deletion.agenda:  # their topics leave the card and every posted agenda list now
            meeting = await self.repo.get(guild_id, meeting_id)
            if meeting is not None:
                remains += await self._redraw_agenda(meeting)
        topics = (f"your agenda topics from {plural(len(deletion.agenda), 'meeting')}",)
        return Deleted(deletion.removed, topics if deletion.agenda else (), tuple(remains))

    async def _redraw_agenda(self, meeting: Meeting) -> list[str]:
        """Show the meeting's agenda as it now is on its card and its public agenda lists; those Discord
        refused, for the member (a list that was deleted is forgotten)."""
        left: list[str] = []
        link = "https://discord.com/channels/{}/{}/{}"
        if meeting.message_id is not None:
            try:
                await self.render_card(meeting.id)
            except (discord.HTTPException, PermanentJobError, RetryableJobError) as exc:
                log.info("meeting %s: could not redraw the card: %s", meeting.id, exc)
                left.append(
                    f"the meeting card ({link.format(meeting.guild_id, meeting.channel_id, meeting.message_id)})"
                )
        card, view = await self._agenda_message(meeting)
        for channel_id, message_id in await self.repo.agenda_posts(meeting.id):
            message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            try:
                await message.edit(embed=card, view=view)
            except discord.NotFound:
                await self.repo.forget_agenda_post(message_id)
            except discord.HTTPException as exc:
                log.info("meeting %s: could not redraw agenda list %s: %s", meeting.id, message_id, exc)
                left.append(f"an agenda list ({link.format(meeting.guild_id, channel_id, message_id)})")
        return left

    # -- jobs ----------------------------------------------------------------------------------------

    async def _describe_job(self, job: Job) -> str | None:
        """What a reminder or start notice was, for organizers told it was skipped as too late."""
        meeting = await self.repo.get_any(int(job.payload["meeting_id"]))
        if meeting is None or meeting.cancelled:
            return None  # nobody is waiting for it any more
        name = await public_name(self.bot, meeting)  # the notice is read by the whole server
        if job.kind == REMINDER_KIND:
            ahead = format_duration(timedelta(seconds=int(job.payload["offset"])))
            return f"the {ahead} reminder of {name}"
        return f"the start notice of {name}"

    async def _live(self, job: Job, now: datetime) -> Meeting:
        meeting = await self.repo.get_any(int(job.payload["meeting_id"]))
        if meeting is None:
            raise StaleJob("the meeting was deleted")
        if meeting.cancelled:
            raise StaleJob("the meeting was cancelled")
        return meeting

    async def run_reminder(self, job: Job, ctx: RunContext) -> None:
        meeting = await self._live(job, ctx.now)
        if ctx.now >= meeting.starts_at:
            raise StaleJob("the meeting had already started", missed=True)
        planned = meeting.starts_at - timedelta(seconds=int(job.payload["offset"]))
        if abs((planned - job.scheduled_for).total_seconds()) > 1:
            raise StaleJob("the meeting was moved")
        await self.publish(meeting.id)
        meeting = await self.repo.get_any(meeting.id) or meeting
        interested = await interested_members(self.bot, meeting)
        if interested is not None and await self.repo.sync_interested(
            meeting.guild_id, meeting.id, interested, now=ctx.now
        ):
            self.cards.request(meeting.id)
        people = [r.user_id for r in await self.repo.rsvps(meeting.id, [RsvpStatus.GOING, RsvpStatus.MAYBE])]
        text = f"⏰ Reminder: **{safe_text(meeting.title)}** starts {when_text(meeting)}."
        if meeting.location:
            text += f" Where: {safe_text(meeting.location)}."
        if meeting.message_id:
            text += f" RSVP: {card_link(meeting)}"
        role = await self.audiences.role_id(meeting) if meeting.ping_audience else None
        await tell_members(self.bot, self.repo, meeting, people, text, nonce=ctx.nonce, role_id=role)

    async def run_start(self, job: Job, ctx: RunContext) -> None:
        meeting = await self._live(job, ctx.now)
        if ctx.now >= meeting.ends_at:
            raise StaleJob("the meeting was already over", missed=True)
        if abs((meeting.starts_at - job.scheduled_for).total_seconds()) > 1:
            raise StaleJob("the meeting was moved")
        self.cards.request(meeting.id)
        people = [r.user_id for r in await self.repo.rsvps(meeting.id, [RsvpStatus.GOING, RsvpStatus.MAYBE])]
        text = f"▶️ **{safe_text(meeting.title)}** is starting now."
        if meeting.location:
            text += f" Where: {safe_text(meeting.location)}."
        text += " Click **I'm here** on the card to check in."
        if meeting.message_id:
            text += f" {card_link(meeting)}"
        await tell_members(self.bot, self.repo, meeting, people, text, nonce=ctx.nonce)
        await self._publish_next(meeting, ctx.now)

    async def _publish_next(self, meeting: Meeting, now: datetime) -> None:
        """In a series, the next meeting's card goes up when this one starts."""
        if not meeting.repeat_rule:
            return
        for later in await self.repo.series(meeting.guild_id, meeting.series_id or meeting.id):
            if later.starts_at > meeting.starts_at and not later.cancelled:
                await self.publish(later.id)
                return

    async def run_checkin(self, job: Job, ctx: RunContext) -> None:
        meeting = await self._live(job, ctx.now)
        await self.render_card(meeting.id)

    # -- buttons -------------------------------------------------------------------------------------

    async def on_component(self, interaction: discord.Interaction[CopBot], item: MeetingButton) -> None:
        """A click on a meeting card's persistent button (`buttons.MeetingButton`)."""
        action, ref, arg = item.action, item.ref, item.arg
        if action == "vote":
            await self._vote(interaction, ref)
            return
        meeting = await self._seen(interaction, ref)
        if action == "rsvp" and arg is not None:
            await self._rsvp(interaction, meeting, RsvpStatus(arg))
        elif action == "ics":
            await interaction.response.send_message(
                f"Here is **{safe_text(meeting.title)}** for your calendar: open the file to add it "
                "(Google Calendar: Settings → Import; Outlook and Apple Calendar: open it).",
                file=await meeting_file(self.repo, meeting, now=self.bot.clock.now()),
                ephemeral=True,
            )
        elif action == "here":
            await self._check_in(interaction, meeting)

    async def _rsvp(
        self, interaction: discord.Interaction[CopBot], meeting: Meeting, choice: RsvpStatus
    ) -> None:
        if meeting.cancelled:
            raise UserError("This meeting was cancelled, so it no longer takes answers.")
        await self.audiences.check(meeting, interaction.user.id)
        try:
            outcome = await self.repo.rsvp(
                meeting.guild_id, meeting.id, interaction.user.id, choice, now=self.bot.clock.now()
            )
        except MeetingClosed:
            raise UserError("This meeting is over or was cancelled, so it no longer takes answers.") from None
        title = safe_text(meeting.title)
        if outcome.status is RsvpStatus.WAITLIST:
            text = (
                f"**{title}** is full, so you're on the waitlist: number **{outcome.waitlist_position}** in line. "
                "If a seat frees up you'll get it automatically and I'll tell you."
            )
        else:
            text = f"{ANSWERS[outcome.status]} **{title}**, {when_text(meeting)}."
            if outcome.previous == outcome.status:
                text = f"You had already answered that. {text}"
            if outcome.status is not RsvpStatus.NO:
                text += " You'll get reminders; change how with `/meeting reminders`."
        await interaction.response.send_message(text, ephemeral=True)
        self.cards.request(meeting.id)
        if outcome.promoted:
            await self._tell_promoted(meeting, outcome.promoted)

    async def _check_in(self, interaction: discord.Interaction[CopBot], meeting: Meeting) -> None:
        now = self.bot.clock.now()
        if meeting.cancelled:
            raise UserError("This meeting was cancelled.")
        await self.audiences.check(meeting, interaction.user.id)
        if now < meeting.starts_at - CHECKIN_OPENS_BEFORE:
            opens = meeting.starts_at - CHECKIN_OPENS_BEFORE
            raise UserError(f"Check-in opens 15 minutes before the start, {discord_timestamp(opens, 'R')}.")
        if now >= meeting.ends_at:
            raise UserError("This meeting is over, so check-in is closed.")
        new = await self.repo.check_in(meeting.guild_id, meeting.id, interaction.user.id, now=now)
        text = "Welcome! You're checked in." if new else "You were already checked in. Welcome!"
        await interaction.response.send_message(f"{text} (**{safe_text(meeting.title)}**)", ephemeral=True)

    async def _vote(self, interaction: discord.Interaction[CopBot], item_id: int) -> None:
        assert interaction.guild_id is not None
        item = await self.repo.agenda_item(interaction.guild_id, item_id)
        meeting = await self.repo.get(interaction.guild_id, item.meeting_id) if item else None
        if item is None or meeting is None or not await can_see(self.bot.db, meeting, interaction):
            raise UserError("That topic was removed.")  # as for a topic of a meeting the member can't see
        if meeting.cancelled or self.bot.clock.now() >= meeting.ends_at:
            raise UserError("This meeting is over or was cancelled, so its agenda no longer takes votes.")
        await self.audiences.check(meeting, interaction.user.id)
        voted = await self.repo.toggle_vote(interaction.guild_id, item_id, interaction.user.id)
        card, view = await self._agenda_message(meeting)
        await interaction.response.edit_message(embed=card, view=view)
        said = "Your vote for" if voted else "You took back your vote for"
        await interaction.followup.send(f"{said} “{safe_text(item.topic)}” is recorded.", ephemeral=True)

    # -- autocomplete --------------------------------------------------------------------------------

    async def meeting_choices(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        guild_id = interaction.guild_id
        zone = await self.bot.guild_settings.timezone(guild_id)
        found = await self._seen_only(
            await sight_of(self.bot.db, interaction),
            lambda limit: self.repo.search(guild_id, current.strip(), limit=limit),
            25,
        )
        choices = []
        for meeting in found:
            state = " (cancelled)" if meeting.cancelled else ""
            when = local_description(meeting.starts_at, zone)
            label = f"#{meeting.id} {meeting.title}{state} — {when}"
            choices.append(app_commands.Choice(name=label[:100], value=meeting.id))
        return choices

    async def audience_choices(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        return await self.audiences.choices(interaction.guild_id, current)

    async def agenda_choices(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[int]]:
        meeting_id = getattr(interaction.namespace, "id", None)
        if interaction.guild_id is None or not isinstance(meeting_id, int):
            return []
        meeting = await self.repo.get(interaction.guild_id, meeting_id)
        if meeting is None or not await can_see(self.bot.db, meeting, interaction):
            return []  # never another community's topics, nor those of a meeting the member can't see
        items = await self.repo.agenda(meeting_id)
        typed = current.strip().lower()
        return [
            app_commands.Choice(
                name=f"{'✅ ' if i.accepted else ''}{i.topic} ({plural(i.votes, 'vote')})"[:100], value=i.id
            )
            for i in items
            if typed in i.topic.lower()
        ][:25]

    # -- commands --------------------------------------------------------------------------------------

    @meeting.command(name="schedule")
    @organizer_only()
    @app_commands.describe(
        title="What the meeting is called (up to 100 characters)",
        when="When it starts, e.g. 2026-12-03 16:00, next Thursday 4pm, or a time from the date picker",
        duration="How long it lasts, e.g. 1h or 90m (default 1 hour; at most 24 hours)",
        ends="Or: when it ends, instead of a duration",
        location="Where: a place, a link, or a voice channel",
        description="What it is about (up to 1000 characters)",
        channel="Where to post the meeting card (default: the meetings channel)",
        audience="Who it is for: everyone, one stakeholder group or one school team",
        capacity="How many seats (leave empty for no limit); extra people join a waitlist",
        reminders="When to remind people before it starts, e.g. 1w,1d,1h (default: this server's setting)",
        repeat="Whether it repeats",
        repeat_count="How many meetings in the series (2 to 52)",
        repeat_until="Or: the last date of the series",
        ping_audience="Mention the audience's role in reminders (only for a group or school meeting)",
    )
    @app_commands.choices(
        repeat=[app_commands.Choice(name=text, value=key) for key, text in inputs.REPEATS.items()]
    )
    async def schedule(
        self,
        interaction: discord.Interaction[CopBot],
        title: app_commands.Range[str, 1, inputs.TITLE_LIMIT],
        when: app_commands.Range[str, 1, 100],
        duration: app_commands.Range[str, 1, 40] | None = None,
        ends: app_commands.Range[str, 1, 100] | None = None,
        location: app_commands.Range[str, 1, inputs.LOCATION_LIMIT] | None = None,
        description: app_commands.Range[str, 1, inputs.DESCRIPTION_LIMIT] | None = None,
        channel: discord.TextChannel | None = None,
        audience: str | None = None,
        capacity: Capacity | None = None,
        reminders: app_commands.Range[str, 1, 200] | None = None,
        repeat: str | None = None,
        repeat_count: SeriesCount | None = None,
        repeat_until: app_commands.Range[str, 1, 100] | None = None,
        ping_audience: bool = False,
    ) -> None:
        """Schedule a meeting: posts a card with RSVP buttons, sets reminders and a Discord event."""
        assert interaction.guild is not None
        guild = interaction.guild
        now = self.bot.clock.now()
        zone = await self.bot.guild_settings.timezone(guild.id)
        title = inputs.check_text("title", title, inputs.TITLE_LIMIT)
        if not title:
            raise UserError("Please give the meeting a title.")
        description = inputs.check_text("description", description, inputs.DESCRIPTION_LIMIT)
        location = inputs.check_text("location", location, inputs.LOCATION_LIMIT)
        start = inputs.read_when(when, zone, now)
        if ends and duration:
            raise UserError("Give either a duration or an end time, not both.")
        length = inputs.read_end(ends, start, zone, now) if ends else inputs.read_length(duration or "1h")
        capacity = inputs.check_capacity(capacity)
        offsets = inputs.read_offsets(reminders) if reminders else await self.repo.default_offsets(guild.id)
        repeat_plan = inputs.read_repeat(repeat, repeat_count, repeat_until, zone, now)
        starts = inputs.series_starts(start, zone, repeat_plan)
        audience_kind, audience_id = await self.audiences.read(guild.id, audience)
        if ping_audience and audience_kind == "all":
            raise UserError(
                "`ping_audience` mentions a group's or school's role; this meeting is for everyone."
            )
        private = await self.audiences.private_channel(guild, (audience_kind, audience_id), channel)
        target = private or channel or await self._default_channel(interaction)
        require_bot_permissions(
            target,
            "view_channel",
            "send_messages",
            "embed_links",
            doing=f"post the meeting card in {target.mention}",
        )
        if ping_audience:
            audience_role = guild.get_role(
                await self.audiences.role_of(guild.id, audience_kind, audience_id) or 0
            )
            if audience_role is not None:
                require_can_mention(
                    interaction.user,
                    target,
                    audience_role,
                    doing=f"mention {audience_role.mention} in reminders",
                )

        responder = interaction
        if start - now >= inputs.FAR_AWAY:
            click = await confirm(
                interaction,
                f"“{safe_text(when, 60)}” is {local_description(start, zone)}: more than a year away. "
                "Schedule it anyway?",
                declined="Not scheduled. Run `/meeting schedule` again with another time.",
                confirm_label="Schedule it",
                danger=False,
            )
            if click is None:
                return
            responder = click
            await click.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)

        async with self.bot.db.transaction():
            first: Meeting | None = None
            for occurrence in starts:
                created = await self.repo.create(
                    NewMeeting(
                        guild_id=guild.id,
                        title=title,
                        starts_at=occurrence,
                        ends_at=occurrence + length,
                        timezone=zone,
                        channel_id=target.id,
                        created_by=interaction.user.id,
                        description=description,
                        location=location,
                        audience_kind=audience_kind,
                        audience_id=audience_id,
                        ping_audience=ping_audience,
                        capacity=capacity,
                        reminder_offsets=offsets,
                        series_id=first.id if first else None,
                        repeat_rule=repeat_plan.rule() if repeat_plan else None,
                    ),
                    now=now,
                )
                first = first or created
                await self._schedule_jobs(created, now)
        assert first is not None
        note = await self.publish(first.id)
        first = await self.repo.get_any(first.id) or first
        kept, dropped = inputs.split_offsets(offsets, start, now)
        lines = [
            f"Scheduled **{safe_text(title)}** (meeting #{first.id}) for **{local_description(start, zone)}** "
            f"({discord_timestamp(start, 'R')}), lasting {format_duration(length)}.",
            f"The card is in <#{first.channel_id}>: {card_link(first)}",
            f"Reminders: {inputs.offsets_text(kept)} before it starts."
            if kept
            else "No reminders will be sent.",
        ]
        if dropped:
            lines.append(f"Dropped reminders that would fall in the past: {inputs.offsets_text(dropped)}.")
        if repeat_plan:
            lines.append(
                f"Repeats {REPEAT_TEXT[repeat_plan.every]}: {plural(len(starts), 'meeting')}, the last on "
                f"{local_description(starts[-1], zone)}. Each card is posted when the one before starts."
            )
        if note:
            lines.append(note)
        await responder.edit_original_response(content="\n".join(lines), view=None)

    async def _default_channel(self, interaction: discord.Interaction[CopBot]) -> discord.TextChannel:
        assert interaction.guild is not None
        settings = await self.bot.guild_settings.get(interaction.guild.id)
        channel_id = settings.channels.get(Purpose.MEETINGS)
        channel = interaction.guild.get_channel(channel_id) if channel_id else None
        if isinstance(channel, discord.TextChannel):
            return channel
        if isinstance(interaction.channel, discord.TextChannel):
            return interaction.channel
        raise UserError(
            "Choose a `channel` for the meeting card, or set a meetings channel with `/cop channel`."
        )

    @meeting.command(name="edit")
    @organizer_only()
    @app_commands.rename(meeting_id="id")
    @app_commands.describe(
        meeting_id="The meeting (start typing its title)",
        title="A new title",
        when="A new start time (reminders move with it and members are told)",
        duration="A new length, e.g. 90m",
        location="A new place, link or voice channel",
        description="A new description",
        channel="Move the card to this channel",
        capacity="A new number of seats (a larger one promotes people from the waitlist)",
        reminders="New reminder offsets, e.g. 1d,1h",
        audience="A new audience",
        series="For a repeating meeting: also change every later meeting of the series",
        remove_capacity="Remove the seat limit: everyone on the waitlist becomes Going",
        repeat="Make it repeat, change how, or stop it (replaces the later meetings of the series)",
        repeat_count="With repeat: how many meetings from this one on (2 to 52)",
        repeat_until="With repeat: or the last date of the series",
    )
    @app_commands.choices(
        repeat=[app_commands.Choice(name=text, value=key) for key, text in inputs.REPEATS.items()]
    )
    async def edit(
        self,
        interaction: discord.Interaction[CopBot],
        meeting_id: Id,
        title: app_commands.Range[str, 1, inputs.TITLE_LIMIT] | None = None,
        when: app_commands.Range[str, 1, 100] | None = None,
        duration: app_commands.Range[str, 1, 40] | None = None,
        location: app_commands.Range[str, 1, inputs.LOCATION_LIMIT] | None = None,
        description: app_commands.Range[str, 1, inputs.DESCRIPTION_LIMIT] | None = None,
        channel: discord.TextChannel | None = None,
        capacity: Capacity | None = None,
        reminders: app_commands.Range[str, 1, 200] | None = None,
        audience: str | None = None,
        series: bool = False,
        remove_capacity: bool = False,
        repeat: str | None = None,
        repeat_count: SeriesCount | None = None,
        repeat_until: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Change a meeting (or it and the later meetings of its series); a new time moves reminders."""
        assert interaction.guild is not None
        meeting = await self._seen(interaction, meeting_id)
        now = self.bot.clock.now()
        if meeting.cancelled:
            raise UserError("That meeting was cancelled; schedule a new one instead.")
        if meeting.ends_at <= now:
            raise UserError("That meeting is already over, so it can't be changed.")
        if series and not meeting.repeat_rule:
            raise UserError("That meeting doesn't repeat; leave `series` off to change it.")
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = inputs.check_text("title", title, inputs.TITLE_LIMIT)
        if description is not None:
            changes["description"] = inputs.check_text("description", description, inputs.DESCRIPTION_LIMIT)
        if location is not None:
            changes["location"] = inputs.check_text("location", location, inputs.LOCATION_LIMIT)
        if capacity is not None and remove_capacity:
            raise UserError("Give a new `capacity` or `remove_capacity`, not both.")
        if capacity is not None:
            changes["capacity"] = inputs.check_capacity(capacity)
        if remove_capacity:
            if meeting.capacity is None:
                raise UserError("That meeting has no seat limit to remove.")
            changes["capacity"] = None
        if reminders is not None:
            changes["reminder_offsets"] = inputs.read_offsets(reminders)
        if audience is not None:
            changes["audience_kind"], changes["audience_id"] = await self.audiences.read(
                interaction.guild.id, audience
            )
        if audience is not None or channel is not None:
            chosen = channel
            current = interaction.guild.get_channel(meeting.channel_id)
            if chosen is None and isinstance(current, discord.TextChannel):
                hidden = not current.permissions_for(interaction.guild.default_role).view_channel
                chosen = current if hidden else None  # a private channel stays; a public one is left
            audience_now = (
                str(changes.get("audience_kind", meeting.audience_kind)),
                changes.get("audience_id", meeting.audience_id),
            )
            private = await self.audiences.private_channel(interaction.guild, audience_now, chosen)
            if private is not None and channel is None and private.id != meeting.channel_id:
                channel = private  # the card moves into the protected group's lounge
        if channel is not None and channel.id != meeting.channel_id:
            require_bot_permissions(
                channel, "view_channel", "send_messages", "embed_links", doing=f"post in {channel.mention}"
            )
            changes["channel_id"] = channel.id
        start = inputs.read_when(when, meeting.timezone, now) if when else None
        length = inputs.read_length(duration) if duration else None
        # A new repeat replaces the later meetings, so `series` changes only this one then.
        plan = await self._plan_edit(meeting, changes, start, length, series and repeat is None, now)
        if repeat is not None:
            await self._plan_repeat(
                plan, inputs.read_repeat(repeat, repeat_count, repeat_until, meeting.timezone, now), now
            )
        elif repeat_count is not None or repeat_until:
            raise UserError("`repeat_count` and `repeat_until` go with `repeat`.")
        if not any(fields for _, fields in plan.edits) and repeat is None:
            raise UserError("Nothing to change: give at least one option, such as `when` or `location`.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            result = await self._apply_edit(plan, interaction.user.id, now)
        except EditConflict:
            raise UserError(
                "Another organizer changed this meeting at the same moment, so your change was not saved. "
                "Look at the card, then try again."
            ) from None
        lines = await self._after_edit(plan, result, now)
        await interaction.edit_original_response(content="\n".join(line for line in lines if line))

    async def _plan_edit(
        self,
        meeting: Meeting,
        changes: dict[str, Any],
        start: datetime | None,
        length: timedelta | None,
        series: bool,
        now: datetime,
    ) -> EditPlan:
        """The fields to change on this meeting and, with `series`, on each later one that has not started."""
        targets = [meeting]
        if series:
            targets += [
                m
                for m in await self.repo.series(meeting.guild_id, meeting.series_id or meeting.id)
                if m.starts_at > meeting.starts_at and m.starts_at > now and not m.cancelled
            ]
        new_start = start or meeting.starts_at
        starts = [new_start]
        if len(targets) > 1:
            starts += (
                moved_occurrences(
                    meeting.starts_at,
                    new_start,
                    meeting.timezone,
                    str((meeting.repeat_rule or {}).get("every")),
                    [m.starts_at for m in targets[1:]],
                    limit=2 * inputs.MAX_OCCURRENCES,
                )
                if start is not None
                else [m.starts_at for m in targets[1:]]
            )
        edits: list[tuple[Meeting, dict[str, Any]]] = []
        for target, begins in zip(targets, starts, strict=True):
            fields = dict(changes)
            if begins != target.starts_at:
                fields["starts_at"] = begins
            if start is not None or length is not None:
                fields["ends_at"] = begins + (length or target.duration)
            edits.append((target, fields))
        return EditPlan(meeting, edits)

    async def _plan_repeat(self, plan: EditPlan, repeat: inputs.Repeat | None, now: datetime) -> None:
        """A new repeat replaces the later meetings: they are cancelled (and leave the series) and new ones
        follow this meeting's new time; `none` just cancels them."""
        meeting = plan.meeting
        if repeat is None and not meeting.repeat_rule:
            raise UserError("That meeting doesn't repeat, so there is nothing to stop.")
        members = (
            await self.repo.series(meeting.guild_id, meeting.series_id or meeting.id)
            if meeting.repeat_rule
            else [meeting]
        )
        earlier = [m for m in members if m.id != meeting.id and m.starts_at <= meeting.starts_at]
        plan.replaced = [m for m in members if m.id != meeting.id and m.starts_at > meeting.starts_at]
        fields = plan.edits[0][1]
        if repeat is None:
            if not earlier:
                fields["repeat_rule"] = None  # the series is now this one meeting
            plan.repeat_changed = True
            return
        room = inputs.MAX_OCCURRENCES - len(earlier)
        if repeat.count is not None and repeat.count > room:
            raise UserError(
                f"A series has at most {inputs.MAX_OCCURRENCES} meetings and {plural(len(earlier), 'meeting')} "
                f"of this one came before it, so `repeat_count` can be at most {room}."
            )
        start = fields.get("starts_at", meeting.starts_at)
        starts = occurrences(
            start, meeting.timezone, repeat.every, count=repeat.count, until=repeat.until, limit=room
        )
        if len(starts) < 2:
            raise UserError("That repeat ends before a second meeting: choose a later `repeat_until`.")
        fields["repeat_rule"] = repeat.rule()
        plan.new_starts = starts[1:]
        plan.capped = repeat.count is None and len(starts) == room
        plan.repeat_changed = True

    async def _apply_edit(self, plan: EditPlan, organizer_id: int, now: datetime) -> EditResult:
        """One transaction: every change checked against the version read, jobs moved with their meetings."""
        result = EditResult()
        async with self.bot.db.transaction():
            for target, fields in plan.edits:
                if not fields:
                    continue
                updated, promoted = await self.repo.update(target, now=now, **fields)
                result.updated.append(updated)
                for user_id in promoted:
                    result.seats.setdefault(user_id, []).append(updated)
                if {"starts_at", "ends_at", "reminder_offsets"} & set(fields):
                    await self.bot.scheduler.cancel(owner=target.owner, guild_id=target.guild_id)
                    await self._schedule_jobs(updated, now)
            head = result.head(plan.meeting)
            for old in plan.replaced:
                gone: dict[str, Any] = {"series_id": None, "repeat_rule": None}
                if not old.cancelled:
                    gone |= {"state": "cancelled", "cancel_reason": "The series was changed."}
                    await self.bot.scheduler.cancel(owner=old.owner, guild_id=old.guild_id)
                cancelled, _ = await self.repo.update(old, now=now, **gone)
                if not old.cancelled:
                    result.cancelled.append(cancelled)
            for begins in plan.new_starts:
                created = await self.repo.create(
                    NewMeeting(
                        guild_id=head.guild_id,
                        title=head.title,
                        starts_at=begins,
                        ends_at=begins + head.duration,
                        timezone=head.timezone,
                        channel_id=head.channel_id,
                        created_by=organizer_id,
                        description=head.description,
                        location=head.location,
                        audience_kind=head.audience_kind,
                        audience_id=head.audience_id,
                        ping_audience=head.ping_audience,
                        capacity=head.capacity,
                        reminder_offsets=head.reminder_offsets,
                        series_id=head.series_id or head.id,
                        repeat_rule=head.repeat_rule,
                    ),
                    now=now,
                )
                await self._schedule_jobs(created, now)
                result.created.append(created)
        return result

    async def _after_edit(self, plan: EditPlan, result: EditResult, now: datetime) -> list[str]:
        """Cards, Discord events and messages to members after the edit was saved; the reply's lines."""
        meeting = plan.meeting
        fields = plan.edits[0][1]
        head = result.head(await self._meeting(meeting.guild_id, meeting.id))
        lines = [f"Updated **{safe_text(head.title)}** (meeting #{head.id})."]
        if len(result.updated) > 1:
            lines.append(
                f"The change also applies to the {plural(len(result.updated) - 1, 'later meeting')}."
            )
        notes: list[str] = []
        before = {target.id: target for target, _ in plan.edits}
        for updated in result.updated:
            old = before[updated.id]
            if updated.channel_id != old.channel_id and old.message_id is not None:
                card = self.bot.get_partial_messageable(old.channel_id).get_partial_message(old.message_id)
                try:
                    await card.delete()
                except discord.HTTPException:
                    log.info("could not delete the old card of meeting %s", old.id)
                await self.repo.forget_card(old.id)
                note = await self._attempt(updated, "post its card", self.publish(old.id))
            else:
                note = await self._attempt(updated, "update its card", self.render_card(updated.id))
            if note and note not in notes:
                notes.append(note)
            if updated.id == meeting.id or old.event_id is not None:
                note = await sync_event(self.bot, self.repo, updated, now=now)
                if note and note not in notes:
                    notes.append(note)
        if "channel_id" in fields:
            lines.append(f"The card moved to <#{fields['channel_id']}>.")
        moved = [u for u in result.updated if u.starts_at != before[u.id].starts_at]
        if moved:
            lines.append(await self._tell_moved(head, moved, now))
        if result.seats:
            await self._tell_seats(result.seats)
            lines.append(
                f"{plural(len(result.seats), 'member')} moved from the waitlist to going, and were told."
            )
        if plan.repeat_changed:
            lines.extend(await self._tell_replaced(head, result, plan))
        return lines + notes

    async def _tell_moved(self, head: Meeting, moved: list[Meeting], now: datetime) -> str:
        """One message for everyone going to (or maybe coming to) any moved meeting."""
        first = moved[0]
        line = f"It now starts **{local_description(first.starts_at, first.timezone)}**; reminders moved."
        if len(moved) > 1:
            line = (
                f"{plural(len(moved), 'meeting')} moved, the first now **"
                f"{local_description(first.starts_at, first.timezone)}**; their reminders moved."
            )
        _, dropped = inputs.split_offsets(first.reminder_offsets, first.starts_at, now)
        if dropped:
            line += f"\nDropped reminders that would fall in the past: {inputs.offsets_text(dropped)}."
        people: list[int] = []
        for item in moved:
            people += [
                r.user_id for r in await self.repo.rsvps(item.id, [RsvpStatus.GOING, RsvpStatus.MAYBE])
            ]
        people = list(dict.fromkeys(people))
        if len(moved) == 1:
            text = f"🔁 **{safe_text(first.title)}** has moved: it now starts {when_text(first)}. {card_link(first)}"
        else:
            times = [discord_timestamp(m.starts_at, "f") for m in moved]
            shown = ", ".join(times[:6]) + (f" (+{len(times) - 6} more)" if len(times) > 6 else "")
            text = (
                f"🔁 **{safe_text(first.title)}** has moved: {plural(len(moved), 'meeting')} of the series "
                f"now start at new times: {shown}. {card_link(head)}"
            )
        note = await self._attempt(
            head,
            "tell the members in its channel",
            tell_members(
                self.bot,
                self.repo,
                head,
                people,
                text,
                nonce=f"mtg-{head.id}-v{head.version}",
                respect_preferences=False,
            ),
        )
        if note:
            line += f"\n{note}"
        elif people:
            line += f"\nTold {plural(len(people), 'member')} who are going or maybe coming."
        return line

    async def _tell_replaced(self, head: Meeting, result: EditResult, plan: EditPlan) -> list[str]:
        """The later meetings a repeat change cancelled: cards, events, members told once."""
        people: list[int] = []
        notes: list[str] = []
        waiting = [RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.WAITLIST]
        for cancelled in result.cancelled:
            note = await self._attempt(cancelled, "update its card", self.render_card(cancelled.id))
            if note and note not in notes:
                notes.append(note)
            people += [r.user_id for r in await self.repo.rsvps(cancelled.id, waiting)]
            if cancelled.event_id is not None:
                note = await sync_event(self.bot, self.repo, cancelled, now=self.bot.clock.now())
                if note and note not in notes:
                    notes.append(note)
        people = list(dict.fromkeys(people))
        if result.cancelled:
            dates = [discord_timestamp(m.starts_at, "D") for m in result.cancelled]
            shown = ", ".join(dates[:6]) + (f" (+{len(dates) - 6} more)" if len(dates) > 6 else "")
            note = await self._attempt(
                head,
                "tell the members in its channel",
                tell_members(
                    self.bot,
                    self.repo,
                    head,
                    people,
                    f"❌ The later meetings of **{safe_text(head.title)}** on {shown} are cancelled: "
                    f"the series was changed. {card_link(head)}",
                    nonce=f"mtg-rep-{head.id}-v{head.version}",
                    respect_preferences=False,
                ),
            )
            if note and note not in notes:
                notes.append(note)
                people = []
        lines = []
        if result.cancelled:
            lines.append(
                f"Cancelled the {plural(len(result.cancelled), 'later meeting')} of the old series; "
                f"{plural(len(people), 'member')} told."
            )
        if result.created:
            every = REPEAT_TEXT.get(str((head.repeat_rule or {}).get("every")), "")
            last = result.created[-1]
            lines.append(
                f"Repeats {every}: added {plural(len(result.created), 'meeting')} after this one, the last on "
                f"{local_description(last.starts_at, last.timezone)}. Each card is posted when the one before starts."
            )
            if plan.capped:
                lines.append(f"A series has at most {inputs.MAX_OCCURRENCES} meetings, so it stops there.")
        else:
            lines.append("No more meetings follow this one in its series.")
        note = await self._attempt(head, "update its card", self.render_card(head.id))
        if note and note not in notes:
            notes.append(note)
        return lines + notes

    @meeting.command(name="cancel")
    @organizer_only()
    @app_commands.rename(meeting_id="id")
    @app_commands.describe(
        meeting_id="The meeting (start typing its title)",
        reason="Why (shown to members)",
        series="For a repeating meeting: also cancel every later meeting of the series",
    )
    async def cancel(
        self,
        interaction: discord.Interaction[CopBot],
        meeting_id: Id,
        reason: app_commands.Range[str, 1, 500] | None = None,
        series: bool = False,
    ) -> None:
        """Cancel a meeting: the card says so, reminders stop and the people coming are told."""
        meeting = await self._seen(interaction, meeting_id)
        now = self.bot.clock.now()
        if meeting.cancelled:
            raise UserError("That meeting is already cancelled.")
        if meeting.ends_at <= now:
            raise UserError("That meeting is already over.")
        if series and not meeting.repeat_rule:
            raise UserError("That meeting doesn't repeat; leave `series` off to cancel it.")
        targets = [meeting]
        if series:
            targets += [
                m
                for m in await self.repo.series(meeting.guild_id, meeting.series_id or meeting.id)
                if m.starts_at > meeting.starts_at and not m.cancelled
            ]
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            async with self.bot.db.transaction():
                cancelled = []
                for target in targets:
                    updated, _ = await self.repo.update(
                        target, now=now, state="cancelled", cancel_reason=reason
                    )
                    await self.bot.scheduler.cancel(owner=target.owner, guild_id=target.guild_id)
                    cancelled.append(updated)
        except EditConflict:
            raise UserError(
                "Another organizer changed this meeting at the same moment; look at the card and try again."
            ) from None
        told = 0
        notes: list[str] = []
        why = f" Reason: {safe_text(reason, 500)}" if reason else ""
        for updated in cancelled:
            card_note = await self._attempt(updated, "update its card", self.render_card(updated.id))
            waiting = [RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.WAITLIST]
            people = [r.user_id for r in await self.repo.rsvps(updated.id, waiting)]
            told_note = None
            if people:
                told_note = await self._attempt(
                    updated,
                    "tell the members in its channel",
                    tell_members(
                        self.bot,
                        self.repo,
                        updated,
                        people,
                        f"❌ **{safe_text(updated.title)}** ({discord_timestamp(updated.starts_at, 'F')}) "
                        f"is cancelled.{why}",
                        nonce=f"mtg-cancel-{updated.id}",
                        respect_preferences=False,
                    ),
                )
            told += 0 if told_note else len(people)
            event_note = await sync_event(self.bot, self.repo, updated, now=now)
            for note in (card_note, told_note, event_note):
                if note and note not in notes:
                    notes.append(note)
        what = f"**{safe_text(meeting.title)}**"
        if len(cancelled) > 1:
            what += f" and the {plural(len(cancelled) - 1, 'later meeting')} of its series"
        lines = [f"Cancelled {what}. {plural(told, 'member')} told; its reminders are stopped.", *notes]
        await interaction.edit_original_response(content="\n".join(lines))

    @meeting.command(name="list")
    @app_commands.describe(
        when="Upcoming (default) or past meetings", audience="Only meetings for this audience"
    )
    @app_commands.choices(
        when=[
            app_commands.Choice(name="Upcoming", value="upcoming"),
            app_commands.Choice(name="Past", value="past"),
        ]
    )
    async def list_meetings(
        self, interaction: discord.Interaction[CopBot], when: str = "upcoming", audience: str | None = None
    ) -> None:
        """List upcoming or past meetings."""
        assert interaction.guild_id is not None
        chosen = await self.audiences.read(interaction.guild_id, audience) if audience else None
        pages = await self.listing_pages(
            interaction.guild_id,
            past=when == "past",
            audience=chosen,
            sight=await sight_of(self.bot.db, interaction),
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    async def listing_pages(
        self,
        guild_id: int,
        *,
        past: bool,
        audience: tuple[str, int | None] | None = None,
        sight: Sight | None = None,
    ) -> list[discord.Embed]:
        """The meetings `sight` may see (every one without a sight: for benchmarks), as pages."""
        now = self.bot.clock.now()

        async def fetch(limit: int) -> list[Meeting]:
            return await self.repo.listing(guild_id, now=now, past=past, audience=audience, limit=limit)

        if sight is None:
            found = await fetch(LIST_LIMIT + 1)
        else:
            found = await self._seen_only(sight, fetch, LIST_LIMIT + 1)
        going = await self.repo.going_counts([m.id for m in found[:LIST_LIMIT]])
        lines = []
        for meeting in found[:LIST_LIMIT]:
            state = " — **cancelled**" if meeting.cancelled else f" — {going.get(meeting.id, 0)} going"
            seats = f" of {meeting.capacity}" if meeting.capacity and not meeting.cancelled else ""
            lines.append(
                f"`#{meeting.id}` **{safe_text(meeting.title)}** · {discord_timestamp(meeting.starts_at, 'f')}"
                f" ({discord_timestamp(meeting.starts_at, 'R')}){state}{seats}"
            )
        if len(found) > LIST_LIMIT:
            lines.append(f"Only the first {LIST_LIMIT} are listed.")
        title = "Past meetings" if past else "Upcoming meetings"
        empty = (
            "No past meetings yet." if past else "No meetings are scheduled. Organizers: `/meeting schedule`."
        )
        return paginate_lines(title, lines, per_page=10, empty=empty)

    @meeting.command(name="show")
    @app_commands.rename(meeting_id="id")
    @app_commands.describe(meeting_id="The meeting (start typing its title)")
    async def show(self, interaction: discord.Interaction[CopBot], meeting_id: Id) -> None:
        """Show a meeting's card, with your own answer."""
        meeting = await self._seen(interaction, meeting_id)
        card, _ = await self.card_parts(meeting)
        mine = await self.repo.rsvp_of(meeting.id, interaction.user.id)
        answer = {None: "You haven't answered yet.", RsvpStatus.WAITLIST: "You're on the waitlist."}.get(
            mine, f"{ANSWERS.get(mine, '')} this meeting." if mine else ""
        )
        link = card_link(meeting)
        await interaction.response.send_message(
            f"{answer} {f'Answer on the card: {link}' if link else ''}".strip(), embed=card, ephemeral=True
        )

    @meeting.command(name="attendees")
    @app_commands.rename(meeting_id="id")
    @app_commands.describe(meeting_id="The meeting (start typing its title)")
    async def attendees(self, interaction: discord.Interaction[CopBot], meeting_id: Id) -> None:
        """Everyone who answered, in order (organizers also get a CSV file)."""
        assert interaction.guild is not None
        meeting = await self._seen(interaction, meeting_id)
        answers = await self.repo.rsvps(meeting.id)
        sections: list[str] = []
        for status, heading in (
            (RsvpStatus.GOING, "Going"),
            (RsvpStatus.WAITLIST, "Waitlist (in order)"),
            (RsvpStatus.MAYBE, "Maybe"),
            (RsvpStatus.NO, "Can't go"),
        ):
            people = [a for a in answers if a.status is status]
            sections.append(f"**{heading} ({len(people)})**")
            sections.extend(f"{i}. <@{a.user_id}>" for i, a in enumerate(people, 1))
        pages = paginate_lines(f"Who answered: {meeting.title}"[:256], sections, per_page=25)
        await Paginator(interaction.user.id, pages).send(interaction)
        if await self._quiet_organizer(interaction):
            rows = [["name", "user_id", "answer", "waitlist_position", "answered_at_utc"]]
            waiting = 0
            for answer in answers:
                waiting += answer.status is RsvpStatus.WAITLIST
                rows.append(
                    [
                        self._name(interaction.guild, answer.user_id),
                        str(answer.user_id),
                        answer.status.value,
                        str(waiting) if answer.status is RsvpStatus.WAITLIST else "",
                        answer.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
                    ]
                )
            await interaction.followup.send(
                "The full list as a spreadsheet (CSV):",
                file=csv_file(rows, f"attendees-meeting-{meeting.id}.csv"),
                ephemeral=True,
            )

    async def _quiet_organizer(self, interaction: discord.Interaction[CopBot]) -> bool:
        try:
            return await is_organizer(interaction)
        except NotOrganizer:
            return False

    @staticmethod
    def _name(guild: discord.Guild, user_id: int) -> str:
        member = guild.get_member(user_id)
        return member.display_name if member else "(left the server)"

    @meeting.command(name="attendance")
    @organizer_only()
    @app_commands.rename(meeting_id="id")
    @app_commands.describe(meeting_id="The meeting (start typing its title)")
    async def attendance(self, interaction: discord.Interaction[CopBot], meeting_id: Id) -> None:
        """Who said they would come, and who checked in (with a CSV file)."""
        assert interaction.guild is not None
        meeting = await self._seen(interaction, meeting_id)
        answers = {a.user_id: a.status for a in await self.repo.rsvps(meeting.id)}
        here = await self.repo.checkins(meeting.id)
        people = list(dict.fromkeys([*answers, *here]))
        going = [u for u in people if answers.get(u) is RsvpStatus.GOING]
        came = [u for u in going if u in here]
        walk_ins = [u for u in here if answers.get(u) is not RsvpStatus.GOING]
        summary = (
            f"**{len(here)}** checked in. Of {plural(len(going), 'member')} going, {len(came)} came"
            f"{f' ({round(100 * len(came) / len(going))}%)' if going else ''}; "
            f"{plural(len(walk_ins), 'person', 'people')} came without saying Going."
        )
        if not here and meeting.starts_at - CHECKIN_OPENS_BEFORE > self.bot.clock.now():
            summary += " Check-in opens 15 minutes before the start."
        lines = [summary, ""]
        for user_id in people:
            answer = answers.get(user_id)
            lines.append(
                f"<@{user_id}> — {answer.value if answer else 'no answer'} · "
                f"{'✅ checked in ' + discord_timestamp(here[user_id], 't') if user_id in here else '— not checked in'}"
            )
        pages = paginate_lines(f"Attendance: {meeting.title}"[:256], lines, per_page=20)
        await Paginator(interaction.user.id, pages).send(interaction)
        rows = [["name", "user_id", "answer", "checked_in", "checked_in_at_utc"]]
        for user_id in people:
            answer = answers.get(user_id)
            rows.append(
                [
                    self._name(interaction.guild, user_id),
                    str(user_id),
                    answer.value if answer else "",
                    "yes" if user_id in here else "no",
                    here[user_id].strftime("%Y-%m-%d %H:%M:%S") if user_id in here else "",
                ]
            )
        await interaction.followup.send(
            "Attendance as a spreadsheet (CSV):",
            file=csv_file(rows, f"attendance-meeting-{meeting.id}.csv"),
            ephemeral=True,
        )

    @meeting.command(name="reminders")
    @app_commands.describe(mode="How you want meeting reminders")
    @app_commands.choices(
        mode=[
            app_commands.Choice(name="In the meeting channel, with a mention (default)", value="channel"),
            app_commands.Choice(name="By direct message", value="dm"),
            app_commands.Choice(name="Off", value="off"),
        ]
    )
    async def reminders(self, interaction: discord.Interaction[CopBot], mode: str) -> None:
        """Choose how you get reminders for meetings you're going to or might attend."""
        assert interaction.guild_id is not None
        if mode not in ("dm", "channel", "off"):
            raise UserError("Choose dm, channel or off.")
        await self.repo.set_reminder_mode(interaction.guild_id, interaction.user.id, mode)
        text = {
            "dm": "You'll get meeting reminders by direct message. If your DMs are closed, I'll mention you in the meeting channel instead.",
            "channel": "You'll get meeting reminders in the meeting channel, with a mention.",
            "off": "Meeting reminders are off for you. You'll still hear if a meeting you answered is moved or cancelled.",
        }[mode]
        await interaction.response.send_message(text, ephemeral=True)

    @meeting.command(name="settings")
    @organizer_only()
    @app_commands.describe(reminders="Default reminder offsets for new meetings, e.g. 1w,1d,1h")
    async def settings(
        self,
        interaction: discord.Interaction[CopBot],
        reminders: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Show or change meeting settings for this server (default reminders)."""
        assert interaction.guild_id is not None
        if reminders is not None:
            await self.repo.set_default_offsets(interaction.guild_id, inputs.read_offsets(reminders))
        current = await self.repo.default_offsets(interaction.guild_id)
        said = "Saved. " if reminders is not None else ""
        await interaction.response.send_message(
            f"{said}New meetings remind people {inputs.offsets_text(current)} before they start "
            "(organizers can choose other times per meeting with `reminders`).",
            ephemeral=True,
        )

    @meeting.command(name="ics")
    @app_commands.rename(meeting_id="id")
    @app_commands.describe(meeting_id="The meeting (start typing its title)")
    async def ics(self, interaction: discord.Interaction[CopBot], meeting_id: Id) -> None:
        """Get a calendar file (.ics) for one meeting (a series comes as one repeating event)."""
        meeting = await self._seen(interaction, meeting_id)
        await interaction.response.send_message(
            f"**{safe_text(meeting.title)}** for your calendar: open the file to add it.",
            file=await meeting_file(self.repo, meeting, now=self.bot.clock.now()),
            ephemeral=True,
        )

    @meeting.command(name="calendar")
    async def calendar(self, interaction: discord.Interaction[CopBot]) -> None:
        """Get one calendar file (.ics) with every upcoming meeting."""
        assert interaction.guild is not None
        guild_id, now = interaction.guild.id, self.bot.clock.now()
        upcoming = await self._seen_only(
            await sight_of(self.bot.db, interaction),
            lambda limit: self.repo.listing(guild_id, now=now, include_cancelled=False, limit=limit),
            LIST_LIMIT,
        )
        if not upcoming:
            raise UserError("There are no upcoming meetings to put in a calendar yet.")
        await interaction.response.send_message(
            f"All {plural(len(upcoming), 'upcoming meeting')} in one calendar file: open it to add them.",
            file=calendar_file(upcoming, f"{interaction.guild.name} meetings", now=self.bot.clock.now()),
            ephemeral=True,
        )

    @meeting.command(name="agenda-suggest")
    @app_commands.rename(meeting_id="id")
    @app_commands.describe(
        meeting_id="The meeting (start typing its title)", topic="A topic you'd like to discuss"
    )
    async def agenda_suggest(
        self,
        interaction: discord.Interaction[CopBot],
        meeting_id: Id,
        topic: app_commands.Range[str, 1, inputs.TOPIC_LIMIT],
    ) -> None:
        """Suggest a topic for a meeting's agenda; members vote on suggestions."""
        meeting = await self._seen(interaction, meeting_id)
        if meeting.cancelled or meeting.ends_at <= self.bot.clock.now():
            raise UserError("That meeting is over or cancelled, so it takes no more topics.")
        await self.audiences.check(meeting, interaction.user.id)
        text = inputs.check_text("topic", topic, inputs.TOPIC_LIMIT)
        if not text:
            raise UserError("Please write the topic.")
        existing = await self.repo.agenda(meeting.id)
        if any(item.topic.casefold() == text.casefold() for item in existing):
            raise UserError("That topic was already suggested: vote for it with `/meeting agenda`.")
        if len(existing) >= 100:
            raise UserError(
                "This meeting already has 100 suggested topics; vote for those with `/meeting agenda`."
            )
        await self.repo.suggest(
            meeting.guild_id, meeting.id, interaction.user.id, text, now=self.bot.clock.now()
        )
        await interaction.response.send_message(
            f"Thanks! “{safe_text(text)}” is suggested for **{safe_text(meeting.title)}**. Everyone can vote with "
            "`/meeting agenda`.",
            ephemeral=True,
        )

    async def _agenda_message(self, meeting: Meeting) -> tuple[discord.Embed, discord.ui.View]:
        items = await self.repo.agenda(meeting.id)
        lines = [
            f"{i}. {'✅ ' if item.accepted else ''}{safe_text(item.topic, 200)} — {plural(item.votes, 'vote')}"
            for i, item in enumerate(items, 1)
        ]
        card = embed(
            f"Agenda ideas: {meeting.title}"[:256],
            fit_lines(lines, 4000) if lines else "No topics yet. Suggest one with `/meeting agenda-suggest`.",
        )
        card.set_footer(
            text="Most wanted first. Click a number to vote (click again to take it back). ✅ = on the agenda."
        )
        view = discord.ui.View(timeout=None)
        for i, item in enumerate(items[:AGENDA_BUTTONS], 1):
            view.add_item(
                MeetingButton("vote", item.id, label=f"👍 {i}", style=discord.ButtonStyle.secondary)
            )
        return card, view

    @meeting.command(name="agenda")
    @app_commands.rename(meeting_id="id")
    @app_commands.describe(meeting_id="The meeting (start typing its title)")
    async def agenda(self, interaction: discord.Interaction[CopBot], meeting_id: Id) -> None:
        """Show suggested topics, most wanted first, with buttons to vote."""
        meeting = await self._seen(interaction, meeting_id)
        card, view = await self._agenda_message(meeting)
        # Posted for all to vote only in the meeting's own channel, read by those who may see it; elsewhere
        # (where others could read its topics) it is for the member alone.
        private = interaction.channel_id != meeting.channel_id
        sent = await interaction.response.send_message(embed=card, view=view, ephemeral=private)
        if not private and sent.message_id is not None and interaction.channel_id is not None:
            # redrawn if a member whose topic it shows deletes their data
            await self.repo.record_agenda_post(
                meeting.guild_id, meeting.id, interaction.channel_id, sent.message_id
            )

    @meeting.command(name="agenda-pin")
    @organizer_only()
    @app_commands.rename(meeting_id="id")
    @app_commands.describe(
        meeting_id="The meeting (start typing its title)",
        topic="The suggested topic",
        pinned="On the agenda (default) or taken off it",
    )
    async def agenda_pin(
        self, interaction: discord.Interaction[CopBot], meeting_id: Id, topic: Id, pinned: bool = True
    ) -> None:
        """Put a suggested topic on the meeting card's agenda (or take it off)."""
        meeting = await self._seen(interaction, meeting_id)
        item = await self.repo.agenda_item(meeting.guild_id, topic)
        if item is None or item.meeting_id != meeting.id:
            raise UserError("Pick a topic suggested for this meeting from the list.")
        await self.repo.set_accepted(meeting.guild_id, item.id, pinned)
        await interaction.response.defer(ephemeral=True, thinking=True)
        note = await self._attempt(meeting, "update its card", self.render_card(meeting.id))
        where = "is now on the agenda on the meeting card" if pinned else "was taken off the agenda"
        text = f"“{safe_text(item.topic)}” {where}."
        await interaction.edit_original_response(content=f"{text}\n{note}" if note else text)

    # -- Discord event mirror ------------------------------------------------------------------------------

    async def _open_meeting_of(self, event: discord.ScheduledEvent, user: discord.User) -> Meeting | None:
        """The meeting an "Interested" click is about, while it still takes answers."""
        meeting = await self.repo.by_event(event.guild_id, event.id)
        if meeting is None or user.bot or meeting.cancelled or meeting.ends_at <= self.bot.clock.now():
            return None
        return meeting

    @commands.Cog.listener()
    async def on_scheduled_event_user_add(self, event: discord.ScheduledEvent, user: discord.User) -> None:
        meeting = await self._open_meeting_of(event, user)
        if meeting is not None and await self.repo.add_interested(
            meeting.guild_id, meeting.id, [user.id], now=self.bot.clock.now()
        ):
            self.cards.request(meeting.id)

    @commands.Cog.listener()
    async def on_scheduled_event_user_remove(self, event: discord.ScheduledEvent, user: discord.User) -> None:
        meeting = await self._open_meeting_of(event, user)
        if meeting is not None and await self.repo.remove_interested(meeting.id, [user.id]):
            self.cards.request(meeting.id)

    @commands.Cog.listener()
    async def on_scheduled_event_delete(self, event: discord.ScheduledEvent) -> None:
        meeting = await self.repo.by_event(event.guild_id, event.id)
        if meeting is not None:
            await self.repo.set_link(meeting.id, clear_event=True)


_MEETING_ID_COMMANDS: list[Any] = [
    Meetings.edit,
    Meetings.cancel,
    Meetings.show,
    Meetings.attendees,
    Meetings.attendance,
    Meetings.ics,
    Meetings.agenda_suggest,
    Meetings.agenda,
    Meetings.agenda_pin,
]
for _command in _MEETING_ID_COMMANDS:
    _command.autocomplete("meeting_id")(Meetings.meeting_choices)
_AUDIENCE_COMMANDS: list[Any] = [Meetings.schedule, Meetings.edit, Meetings.list_meetings]
for _command in _AUDIENCE_COMMANDS:
    _command.autocomplete("audience")(Meetings.audience_choices)
Meetings.agenda_pin.autocomplete("topic")(Meetings.agenda_choices)
