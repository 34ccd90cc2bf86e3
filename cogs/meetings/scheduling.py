"""`/meeting schedule`, `edit` and `cancel`: the commands that change meetings, and what follows a change
(cards, Discord events, members told). The plans and the transactions are `core.meetings.edits`."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.arguments import GuildTime, TypedTime
from bot.checks import organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.options import Capacity, SeriesCount
from bot.permissions import require_bot_permissions, require_can_mention
from bot.reach import channel_for
from bot.ui import confirm
from cogs.meetings import inputs
from cogs.meetings.arguments import MeetingArg
from cogs.meetings.base import MeetingsBase
from cogs.meetings.cards import REPEAT_TEXT, card_link
from cogs.meetings.events import sync_event
from cogs.meetings.notices import EditNotices
from cogs.meetings.notify import tell_members
from core.meetings import edits
from core.meetings.reminders import TOLD_OF_CANCELLING
from core.text import plural, quote, safe_text
from core.timeutil import discord_timestamp, format_duration, local_description
from storage.guilds import Purpose
from storage.meetings import EditConflict, NewMeeting

log = logging.getLogger(__name__)
meeting = MeetingsBase.meeting


class SchedulingCommands(EditNotices):
    """The commands of `cogs.meetings.cog.Meetings` that schedule, change and cancel meetings."""

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
        when: app_commands.Transform[TypedTime, GuildTime],
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
        start = when.at
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
                f"{quote(when.text, 60)} is {local_description(start, zone)}: more than a year away. "
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

        first = await edits.schedule(
            self.repo,
            self.bot.scheduler,
            NewMeeting(
                guild_id=guild.id,
                title=title,
                starts_at=start,
                ends_at=start + length,
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
                repeat_rule=repeat_plan.rule() if repeat_plan else None,
            ),
            starts,
            now=now,
        )
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
        channel_id = await channel_for(self.bot, interaction.guild.id, Purpose.MEETINGS)
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
    @app_commands.rename(meeting="id")
    @app_commands.describe(
        meeting="The meeting (start typing its title)",
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
        meeting: MeetingArg,
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
        rows = (
            await self.repo.series(meeting.guild_id, meeting.series_id or meeting.id)
            if meeting.repeat_rule
            else []
        )
        later = edits.later_in_series(meeting, rows, now) if series and repeat is None else []
        with inputs.refused():
            plan = edits.plan_edit(meeting, changes, start, length, later)
            if repeat is not None:
                new_repeat = inputs.read_repeat(repeat, repeat_count, repeat_until, meeting.timezone, now)
                edits.plan_repeat(plan, new_repeat, rows or [meeting])
            elif repeat_count is not None or repeat_until:
                raise UserError("`repeat_count` and `repeat_until` go with `repeat`.")
        if not any(fields for _, fields in plan.edits) and repeat is None:
            raise UserError("Nothing to change: give at least one option, such as `when` or `location`.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            result = await edits.apply_edit(self.repo, self.bot.scheduler, plan, interaction.user.id, now=now)
        except EditConflict:
            raise UserError(
                "Another organizer changed this meeting at the same moment, so your change was not saved. "
                "Look at the card, then try again."
            ) from None
        lines = await self.after_edit(plan, result, now)
        await interaction.edit_original_response(content="\n".join(line for line in lines if line))

    @meeting.command(name="cancel")
    @organizer_only()
    @app_commands.rename(meeting="id")
    @app_commands.describe(
        meeting="The meeting (start typing its title)",
        reason="Why (shown to members)",
        series="For a repeating meeting: also cancel every later meeting of the series",
    )
    async def cancel(
        self,
        interaction: discord.Interaction[CopBot],
        meeting: MeetingArg,
        reason: app_commands.Range[str, 1, 500] | None = None,
        series: bool = False,
    ) -> None:
        """Cancel a meeting: the card says so, reminders stop and the people coming are told."""
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
            cancelled = await edits.cancel(self.repo, self.bot.scheduler, targets, reason, now=now)
        except EditConflict:
            raise UserError(
                "Another organizer changed this meeting at the same moment; look at the card and try again."
            ) from None
        told = 0
        notes: list[str] = []
        why = f" Reason: {safe_text(reason, 500)}" if reason else ""
        for updated in cancelled:
            card_note = await self.attempt(updated, "update its card", self.render_card(updated.id))
            people = [r.user_id for r in await self.repo.rsvps(updated.id, TOLD_OF_CANCELLING)]
            told_note = None
            if people:
                told_note = await self.attempt(
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
