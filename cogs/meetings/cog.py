"""`/meeting`: schedule, RSVP with capacity and waitlist, reminders, Discord events, calendar files,
agenda and attendance. The cog is made of its parts: `scheduling` (schedule, edit, cancel), `listing` (the
commands that show things), `clicks` (buttons and the Discord event), `jobs` (scheduled jobs), all on
`base.MeetingsBase`; the rules are `core.meetings`."""

from __future__ import annotations

from typing import Any

# Imported first: the order of the subcommands Discord receives is the order they are declared in.
from cogs.meetings.scheduling import SchedulingCommands
from core.text import plural

# isort: split
from cogs.meetings.buttons import MeetingButton
from cogs.meetings.clicks import MeetingClicks
from cogs.meetings.jobs import MeetingJobs
from cogs.meetings.listing import ListingCommands
from core.meetings.rsvp import delete_member, seats_by_member
from core.personal_data import Deleted


class Meetings(SchedulingCommands, ListingCommands, MeetingClicks, MeetingJobs):
    """Meetings for the community: scheduling, RSVPs, reminders, calendars, agenda and attendance."""

    async def cog_load(self) -> None:
        self.register_jobs()
        self.bot.add_dynamic_items(MeetingButton)
        self.bot.personal_data.register(
            "meetings", export=self.repo.export_member, delete=self._delete_member
        )

    async def cog_unload(self) -> None:
        self.unregister_jobs()
        self.bot.remove_dynamic_items(MeetingButton)
        self.bot.personal_data.unregister("meetings")
        await self.cards.close()

    async def _delete_member(self, guild_id: int, user_id: int) -> Deleted:
        """`/profile delete`: the member's rows go; members promoted into freed seats are told and the
        cards that listed the member are redrawn."""
        deletion = await delete_member(self.repo, guild_id, user_id, now=self.bot.clock.now())
        for meeting_id in dict.fromkeys(deletion.answered):
            if meeting_id not in deletion.agenda:
                self.cards.request(meeting_id)
        for meeting_id, promoted in deletion.promoted.items():
            meeting = await self.repo.get(guild_id, meeting_id)
            if meeting is not None:
                await self.tell_seats(seats_by_member([(meeting, promoted)]))
        remains: list[str] = []
        for meeting_id in deletion.agenda:  # their topics leave the card and every posted agenda list now
            meeting = await self.repo.get(guild_id, meeting_id)
            if meeting is not None:
                remains += await self.redraw_agenda(meeting)
        topics = (f"your agenda topics from {plural(len(deletion.agenda), 'meeting')}",)
        return Deleted(deletion.removed, topics if deletion.agenda else (), tuple(remains))


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
    _command.autocomplete("meeting")(Meetings.meeting_choices)
_AUDIENCE_COMMANDS: list[Any] = [Meetings.schedule, Meetings.edit, Meetings.list_meetings]
for _command in _AUDIENCE_COMMANDS:
    _command.autocomplete("audience")(Meetings.audience_choices)
Meetings.agenda_pin.autocomplete("topic")(Meetings.agenda_choices)
