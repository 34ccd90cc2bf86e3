"""What follows a saved `/meeting edit`: cards redrawn or moved, Discord events kept in step, members told
of new times and of the later meetings a repeat change cancelled, and the organizer's reply."""

from __future__ import annotations

import logging
from datetime import datetime

import discord

from cogs.meetings import inputs
from cogs.meetings.base import MeetingsBase
from cogs.meetings.cards import REPEAT_TEXT, card_link, when_text
from cogs.meetings.events import sync_event
from cogs.meetings.notify import tell_members
from core.meetings.edits import EditPlan, EditResult
from core.meetings.reminders import REMINDED, TOLD_OF_CANCELLING
from core.meetings.series import MAX_OCCURRENCES
from core.text import plural, safe_text
from core.timeutil import discord_timestamp, local_description
from storage.meetings import Meeting

log = logging.getLogger(__name__)


class EditNotices(MeetingsBase):
    """The steps after an edit, for `scheduling.SchedulingCommands`."""

    async def after_edit(self, plan: EditPlan, result: EditResult, now: datetime) -> list[str]:
        """Cards, Discord events and messages to members after the edit was saved; the reply's lines."""
        meeting = plan.meeting
        fields = plan.edits[0][1]
        head = result.head(await self.repo.get(meeting.guild_id, meeting.id) or meeting)
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
                note = await self.attempt(updated, "post its card", self.publish(old.id))
            else:
                note = await self.attempt(updated, "update its card", self.render_card(updated.id))
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
            await self.tell_seats(result.seats)
            lines.append(
                f"{plural(len(result.seats), 'member')} moved from the waitlist to going, and were told."
            )
        if plan.repeat_changed:
            lines.extend(await self._tell_replaced(head, result, plan))
        return lines + notes

    async def _tell_everyone(self, head: Meeting, people: list[int], text: str, *, nonce: str) -> str | None:
        """Tell `people` in the meeting's channel whatever their reminder choice (a change they must hear
        of); a note for the organizer when Discord refused."""
        return await self.attempt(
            head,
            "tell the members in its channel",
            tell_members(self.bot, self.repo, head, people, text, nonce=nonce, respect_preferences=False),
        )

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
            people += [r.user_id for r in await self.repo.rsvps(item.id, REMINDED)]
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
        note = await self._tell_everyone(head, people, text, nonce=f"mtg-{head.id}-v{head.version}")
        if note:
            line += f"\n{note}"
        elif people:
            line += f"\nTold {plural(len(people), 'member')} who are going or maybe coming."
        return line

    async def _tell_replaced(self, head: Meeting, result: EditResult, plan: EditPlan) -> list[str]:
        """The later meetings a repeat change cancelled: cards, events, members told once."""
        people: list[int] = []
        notes: list[str] = []
        for cancelled in result.cancelled:
            note = await self.attempt(cancelled, "update its card", self.render_card(cancelled.id))
            if note and note not in notes:
                notes.append(note)
            people += [r.user_id for r in await self.repo.rsvps(cancelled.id, TOLD_OF_CANCELLING)]
            if cancelled.event_id is not None:
                note = await sync_event(self.bot, self.repo, cancelled, now=self.bot.clock.now())
                if note and note not in notes:
                    notes.append(note)
        people = list(dict.fromkeys(people))
        if result.cancelled:
            dates = [discord_timestamp(m.starts_at, "D") for m in result.cancelled]
            shown = ", ".join(dates[:6]) + (f" (+{len(dates) - 6} more)" if len(dates) > 6 else "")
            note = await self._tell_everyone(
                head,
                people,
                f"❌ The later meetings of **{safe_text(head.title)}** on {shown} are cancelled: "
                f"the series was changed. {card_link(head)}",
                nonce=f"mtg-rep-{head.id}-v{head.version}",
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
                lines.append(f"A series has at most {MAX_OCCURRENCES} meetings, so it stops there.")
        else:
            lines.append("No more meetings follow this one in its series.")
        note = await self.attempt(head, "update its card", self.render_card(head.id))
        if note and note not in notes:
            notes.append(note)
        return lines + notes
