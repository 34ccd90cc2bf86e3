"""What members click: the card's persistent buttons (`buttons.MeetingButton`: RSVP, calendar file, I'm
here, agenda votes) and "Interested" on the meeting's Discord event."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.client import CopBot
from bot.errors import UserError
from cogs.meetings.arguments import seen_meeting
from cogs.meetings.base import ANSWERS, MeetingsBase
from cogs.meetings.buttons import MeetingButton
from cogs.meetings.calendar import meeting_file
from cogs.meetings.cards import when_text
from cogs.meetings.inputs import refused
from cogs.meetings.visibility import can_see
from core.meetings.rsvp import CheckIn, answer, check_in_window, seats_by_member, takes_answers
from core.text import quote, safe_text
from core.timeutil import discord_timestamp
from storage.meetings import CHECKIN_OPENS_BEFORE, Meeting, RsvpStatus


class MeetingClicks(MeetingsBase):
    """The click handlers and event listeners of `cogs.meetings.cog.Meetings`."""

    async def on_component(self, interaction: discord.Interaction[CopBot], item: MeetingButton) -> None:
        """A click on a meeting card's persistent button (`buttons.MeetingButton`)."""
        action, ref, arg = item.action, item.ref, item.arg
        if action == "vote":
            await self._vote(interaction, ref)
            return
        meeting = await seen_meeting(interaction, ref)
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
        with refused():
            outcome = await answer(
                self.repo, self.audiences, meeting, interaction.user.id, choice, now=self.bot.clock.now()
            )
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
            await self.tell_seats(seats_by_member([(meeting, outcome.promoted)]))

    async def _check_in(self, interaction: discord.Interaction[CopBot], meeting: Meeting) -> None:
        now = self.bot.clock.now()
        if meeting.cancelled:
            raise UserError("This meeting was cancelled.")
        await self.audiences.check(meeting, interaction.user.id)
        window = check_in_window(meeting, now)
        if window is CheckIn.TOO_EARLY:
            opens = meeting.starts_at - CHECKIN_OPENS_BEFORE
            raise UserError(f"Check-in opens 15 minutes before the start, {discord_timestamp(opens, 'R')}.")
        if window is CheckIn.OVER:
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
        if not takes_answers(meeting, self.bot.clock.now()):
            raise UserError("This meeting is over or was cancelled, so its agenda no longer takes votes.")
        await self.audiences.check(meeting, interaction.user.id)
        voted = await self.repo.toggle_vote(interaction.guild_id, item_id, interaction.user.id)
        card, view = await self.agenda_message(meeting)
        await interaction.response.edit_message(embed=card, view=view)
        said = "Your vote for" if voted else "You took back your vote for"
        await interaction.followup.send(f"{said} {quote(item.topic, 100)} is recorded.", ephemeral=True)

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
