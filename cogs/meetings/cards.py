"""The meeting card: its embed and its persistent buttons."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.formatting import EMBED_COLOUR
from bot.reach import jump_link
from cogs.meetings.buttons import MeetingButton
from core.text import fit_lines, plural, safe_text
from core.timeutil import discord_timestamp, format_duration
from storage.meetings import AgendaItem, Meeting, RsvpStatus, RsvpSummary

CARD_LISTED = 15  # members listed per status on the card; the rest are "+N more"
CANCELLED_COLOUR = discord.Colour.dark_grey()
REPEAT_TEXT = {
    "weekly": "every week",
    "biweekly": "every 2 weeks",
    "monthly": "every month on the same weekday",
}


def card_link(meeting: Meeting) -> str:
    """The link to the meeting's card, or "" before it is posted."""
    if meeting.message_id is None:
        return ""
    return jump_link(meeting.guild_id, meeting.channel_id, meeting.message_id)


def when_text(meeting: Meeting) -> str:
    return f"{discord_timestamp(meeting.starts_at, 'F')} ({discord_timestamp(meeting.starts_at, 'R')})"


def _people(user_ids: list[int], total: int, *, numbered: bool = False) -> str:
    if not total:
        return "Nobody yet"
    lines = [f"{i}. <@{u}>" if numbered else f"<@{u}>" for i, u in enumerate(user_ids, 1)]
    shown = fit_lines(lines, 1000)
    if total > len(user_ids) and "more" not in shown.rsplit("\n", 1)[-1]:
        shown += f"\n+{total - len(user_ids)} more"
    return shown


def card_embed(
    meeting: Meeting, summary: RsvpSummary, *, audience: str, agenda: list[AgendaItem], occurrence: str = ""
) -> discord.Embed:
    title = f"📅 {meeting.title}"
    if meeting.cancelled:
        title = f"❌ Cancelled: {meeting.title}"
    card = discord.Embed(
        title=title[:256],
        description=meeting.description or None,
        colour=CANCELLED_COLOUR if meeting.cancelled else EMBED_COLOUR,
    )
    if meeting.cancelled:
        reason = f" Reason: {safe_text(meeting.cancel_reason, 500)}" if meeting.cancel_reason else ""
        card.add_field(name="Cancelled", value=f"This meeting will not take place.{reason}", inline=False)
    card.add_field(name="When", value=when_text(meeting), inline=False)
    card.add_field(name="Duration", value=format_duration(meeting.duration))
    card.add_field(name="Location", value=meeting.location or "Not set")
    card.add_field(name="Audience", value=audience)
    if occurrence:
        card.add_field(name="Repeats", value=occurrence, inline=False)
    going = summary.count(RsvpStatus.GOING)
    seats = (
        f"{going} of {meeting.capacity} seats taken"
        if meeting.capacity
        else plural(going, "person", "people")
    )
    card.add_field(
        name=f"Going ({seats})",
        value=_people(summary.first.get(RsvpStatus.GOING, []), going),
        inline=False,
    )
    maybe = summary.count(RsvpStatus.MAYBE)
    card.add_field(name=f"Maybe ({maybe})", value=_people(summary.first.get(RsvpStatus.MAYBE, []), maybe))
    card.add_field(name="Can't go", value=str(summary.count(RsvpStatus.NO)))
    waiting = summary.count(RsvpStatus.WAITLIST)
    if waiting:
        card.add_field(
            name=f"Waitlist ({waiting}, in order)",
            value=_people(summary.first.get(RsvpStatus.WAITLIST, []), waiting, numbered=True),
            inline=False,
        )
    accepted = [item for item in agenda if item.accepted]
    if accepted:
        card.add_field(
            name="Agenda",
            value=fit_lines([f"• {safe_text(item.topic, 200)}" for item in accepted]),
            inline=False,
        )
    card.set_footer(text=f"Meeting #{meeting.id} · times are shown in your own time zone")
    return card


def card_view(meeting: Meeting, *, now: datetime) -> discord.ui.View:
    """Going / Maybe / Can't go / Add to calendar, and I'm here while check-in is open."""
    view = discord.ui.View(timeout=None)
    closed = meeting.cancelled or meeting.ends_at <= now
    for action, label, style in (
        ("going", "Going", discord.ButtonStyle.success),
        ("maybe", "Maybe", discord.ButtonStyle.primary),
        ("no", "Can't go", discord.ButtonStyle.secondary),
    ):
        view.add_item(MeetingButton("rsvp", meeting.id, action, label=label, style=style, disabled=closed))
    view.add_item(
        MeetingButton(
            "ics",
            meeting.id,
            label="Add to calendar",
            style=discord.ButtonStyle.secondary,
            disabled=meeting.cancelled,
            emoji="🗓️",
        )
    )
    if meeting.checkin_open(now):
        view.add_item(
            MeetingButton("here", meeting.id, label="I'm here", style=discord.ButtonStyle.success, row=1)
        )
    return view
