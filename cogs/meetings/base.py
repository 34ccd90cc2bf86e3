"""What every part of the meetings cog shares: the `/meeting` group, the card (drawn, posted, redrawn), the
agenda list, telling members about seats, and the autocompletes."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import CopBot
from bot.formatting import embed
from bot.reach import jump_link, reach_member
from cogs.meetings.audience import Audiences
from cogs.meetings.buttons import MeetingButton
from cogs.meetings.cards import CARD_LISTED, REPEAT_TEXT, card_embed, card_link, card_view, when_text
from cogs.meetings.events import sync_event
from cogs.meetings.notify import meeting_channel
from cogs.meetings.refresher import CardRefresher
from cogs.meetings.visibility import can_see, sight_of
from core.scheduler import Cause, PermanentJobError, RetryableJobError
from core.text import fit_lines, human_list, plural, safe_text
from core.timeutil import discord_timestamp, local_description
from storage.meetings import Meeting, MeetingRepository, RsvpStatus

log = logging.getLogger(__name__)

LIST_LIMIT = 250
AGENDA_BUTTONS = 20
ANSWERS = {
    RsvpStatus.GOING: "You're **going** to",
    RsvpStatus.MAYBE: "You **might** come to",
    RsvpStatus.NO: "You **can't go** to",
}


class MeetingsBase(commands.Cog):
    """The state and the pieces the commands, clicks and jobs of `cogs.meetings.cog.Meetings` share."""

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

    async def _series_text(self, meeting: Meeting) -> str:
        if not meeting.repeat_rule:
            return ""
        position, total = await self.repo.series_position(meeting)
        return f"{REPEAT_TEXT.get(str(meeting.repeat_rule.get('every')), 'repeats')} · meeting {position} of {total}"

    async def card_parts(self, meeting: Meeting) -> tuple[discord.Embed, discord.ui.View]:
        summary = await self.repo.summary(meeting.id, first=CARD_LISTED)
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

    async def attempt(self, meeting: Meeting, what: str, step: Awaitable[object]) -> str | None:
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

    async def tell_seats(self, seats: dict[int, list[Meeting]]) -> None:
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

    async def redraw_agenda(self, meeting: Meeting) -> list[str]:
        """Show the meeting's agenda as it now is on its card and its public agenda lists; those Discord
        refused, for the member (a list that was deleted is forgotten)."""
        left: list[str] = []
        if meeting.message_id is not None:
            try:
                await self.render_card(meeting.id)
            except (discord.HTTPException, PermanentJobError, RetryableJobError) as exc:
                log.info("meeting %s: could not redraw the card: %s", meeting.id, exc)
                left.append(
                    f"the meeting card ({jump_link(meeting.guild_id, meeting.channel_id, meeting.message_id)})"
                )
        card, view = await self.agenda_message(meeting)
        for channel_id, message_id in await self.repo.agenda_posts(meeting.id):
            message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            try:
                await message.edit(embed=card, view=view)
            except discord.NotFound:
                await self.repo.forget_agenda_post(message_id)
            except discord.HTTPException as exc:
                log.info("meeting %s: could not redraw agenda list %s: %s", meeting.id, message_id, exc)
                left.append(f"an agenda list ({jump_link(meeting.guild_id, channel_id, message_id)})")
        return left

    async def agenda_message(self, meeting: Meeting) -> tuple[discord.Embed, discord.ui.View]:
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

    @staticmethod
    def member_name(guild: discord.Guild, user_id: int) -> str:
        member = guild.get_member(user_id)
        return member.display_name if member else "(left the server)"

    # -- autocomplete --------------------------------------------------------------------------------

    async def meeting_choices(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        guild_id = interaction.guild_id
        zone = await self.bot.guild_settings.timezone(guild_id)
        found = await (await sight_of(self.bot.db, interaction)).first_seen(
            lambda limit: self.repo.search(guild_id, current.strip(), now=self.bot.clock.now(), limit=limit),
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
