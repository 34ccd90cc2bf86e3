"""The meetings' scheduled jobs on Discord: reminders, the start notice and the check-in window
(`core.meetings.reminders` decides whether each still makes sense and whom it reaches)."""

from __future__ import annotations

from datetime import timedelta

from cogs.meetings.base import MeetingsBase
from cogs.meetings.cards import card_link, when_text
from cogs.meetings.events import interested_members
from cogs.meetings.notify import public_name, tell_members
from core.meetings import reminders
from core.meetings.reminders import REMINDED, REMINDER_KIND, check_reminder, check_start, live, next_in_series
from core.scheduler import RunContext
from core.text import safe_text
from core.timeutil import format_duration
from storage.jobs import Job
from storage.meetings import Meeting


class MeetingJobs(MeetingsBase):
    """The job handlers of `cogs.meetings.cog.Meetings` (registered in its `cog_load`)."""

    def register_jobs(self) -> None:
        scheduler = self.bot.scheduler
        scheduler.register(
            REMINDER_KIND, self.run_reminder, grace=reminders.REMINDER_GRACE, describe=self.describe_job
        )
        scheduler.register(
            reminders.START_KIND, self.run_start, grace=reminders.START_GRACE, describe=self.describe_job
        )
        scheduler.register(reminders.CHECKIN_KIND, self.run_checkin, grace=reminders.CHECKIN_GRACE)

    def unregister_jobs(self) -> None:
        for kind in (REMINDER_KIND, reminders.START_KIND, reminders.CHECKIN_KIND):
            self.bot.scheduler.unregister(kind)

    async def describe_job(self, job: Job) -> str | None:
        """What a reminder or start notice was, for organizers told it was skipped as too late."""
        meeting = await self.repo.get_any(int(job.payload["meeting_id"]))
        if meeting is None or meeting.cancelled:
            return None  # nobody is waiting for it any more
        name = await public_name(self.bot, meeting)  # the notice is read by the whole server
        if job.kind == REMINDER_KIND:
            ahead = format_duration(timedelta(seconds=int(job.payload["offset"])))
            return f"the {ahead} reminder of {name}"
        return f"the start notice of {name}"

    async def _live(self, job: Job) -> Meeting:
        return live(await self.repo.get_any(int(job.payload["meeting_id"])))

    async def run_reminder(self, job: Job, ctx: RunContext) -> None:
        meeting = await self._live(job)
        check_reminder(meeting, int(job.payload["offset"]), job.scheduled_for, ctx.now)
        await self.publish(meeting.id)
        meeting = await self.repo.get_any(meeting.id) or meeting
        interested = await interested_members(self.bot, meeting)
        if interested is not None and await self.repo.sync_interested(
            meeting.guild_id, meeting.id, interested, now=ctx.now
        ):
            self.cards.request(meeting.id)
        people = [r.user_id for r in await self.repo.rsvps(meeting.id, REMINDED)]
        text = f"⏰ Reminder: **{safe_text(meeting.title)}** starts {when_text(meeting)}."
        if meeting.location:
            text += f" Where: {safe_text(meeting.location)}."
        if meeting.message_id:
            text += f" RSVP: {card_link(meeting)}"
        role = await self.audiences.role_id(meeting) if meeting.ping_audience else None
        await tell_members(self.bot, self.repo, meeting, people, text, nonce=ctx.nonce, role_id=role)

    async def run_start(self, job: Job, ctx: RunContext) -> None:
        meeting = await self._live(job)
        check_start(meeting, job.scheduled_for, ctx.now)
        self.cards.request(meeting.id)
        people = [r.user_id for r in await self.repo.rsvps(meeting.id, REMINDED)]
        text = f"▶️ **{safe_text(meeting.title)}** is starting now."
        if meeting.location:
            text += f" Where: {safe_text(meeting.location)}."
        text += " Click **I'm here** on the card to check in."
        if meeting.message_id:
            text += f" {card_link(meeting)}"
        await tell_members(self.bot, self.repo, meeting, people, text, nonce=ctx.nonce)
        # In a series, the next meeting's card goes up when this one starts.
        if meeting.repeat_rule:
            later = next_in_series(
                meeting, await self.repo.series(meeting.guild_id, meeting.series_id or meeting.id)
            )
            if later is not None:
                await self.publish(later.id)

    async def run_checkin(self, job: Job, ctx: RunContext) -> None:
        meeting = await self._live(job)
        await self.render_card(meeting.id)
        if job.payload.get("phase") == "close" and (stories := self.bot.get_cog("Stories")) is not None:
            await stories.meeting_ended(meeting.guild_id, meeting.id)  # type: ignore[attr-defined]  # value stories' prompts
