"""The `/meeting` commands that show meetings and answers: list, show, attendees, attendance, calendar files,
the agenda, and each member's and the server's reminder settings."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.checks import can_organize, organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.options import Id
from bot.spreadsheets import csv_file
from bot.ui import Paginator, paginate_lines
from cogs.meetings import inputs
from cogs.meetings.arguments import MeetingArg
from cogs.meetings.base import ANSWERS, LIST_LIMIT, MeetingsBase
from cogs.meetings.calendar import calendar_file, meeting_file
from cogs.meetings.cards import card_link
from cogs.meetings.visibility import sight_of
from core.meetings.rsvp import check_topic, takes_answers
from core.meetings.visibility import Visibility
from core.text import plural, quote, safe_text
from core.timeutil import discord_timestamp
from storage.meetings import CHECKIN_OPENS_BEFORE, Meeting, RsvpStatus

meeting = MeetingsBase.meeting
PER_PAGE = 10  # meetings on a page of /meeting list


class ListingCommands(MeetingsBase):
    """The commands of `cogs.meetings.cog.Meetings` that show meetings, answers, calendars and agendas."""

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
        sight = await sight_of(self.bot.db, interaction)
        guild_id, past = interaction.guild_id, when == "past"
        first = await self.listing_pages(guild_id, past=past, audience=chosen, sight=sight, limit=PER_PAGE)
        rest = None
        if len(first) > 1:  # more than a page: the rest is read if Next is clicked

            async def rest() -> list[discord.Embed]:
                return await self.listing_pages(guild_id, past=past, audience=chosen, sight=sight)

        await Paginator(interaction.user.id, first[:1], rest=rest).send(interaction)

    async def listing_pages(
        self,
        guild_id: int,
        *,
        past: bool,
        audience: tuple[str, int | None] | None = None,
        sight: Visibility | None = None,
        limit: int = LIST_LIMIT,
    ) -> list[discord.Embed]:
        """The first `limit` meetings `sight` may see (every one without a sight: for benchmarks), as pages;
        a page more when more are found."""
        now = self.bot.clock.now()

        async def fetch(limit: int) -> list[Meeting]:
            return await self.repo.listing(guild_id, now=now, past=past, audience=audience, limit=limit)

        if sight is None:
            found = await fetch(limit + 1)
        else:
            found = await sight.first_seen(fetch, limit + 1)
        going = await self.repo.going_counts([m.id for m in found[:limit]])
        lines = []
        for meeting in found[:limit]:
            state = " — **cancelled**" if meeting.cancelled else f" — {going.get(meeting.id, 0)} going"
            seats = f" of {meeting.capacity}" if meeting.capacity and not meeting.cancelled else ""
            lines.append(
                f"`#{meeting.id}` **{safe_text(meeting.title)}** · {discord_timestamp(meeting.starts_at, 'f')}"
                f" ({discord_timestamp(meeting.starts_at, 'R')}){state}{seats}"
            )
        if len(found) > limit:
            lines.append(f"Only the first {limit} are listed.")
        title = "Past meetings" if past else "Upcoming meetings"
        empty = (
            "No past meetings yet." if past else "No meetings are scheduled. Organizers: `/meeting schedule`."
        )
        return paginate_lines(title, lines, per_page=PER_PAGE, empty=empty)

    @meeting.command(name="show")
    @app_commands.rename(meeting="id")
    @app_commands.describe(meeting="The meeting (start typing its title)")
    async def show(self, interaction: discord.Interaction[CopBot], meeting: MeetingArg) -> None:
        """Show a meeting's card, with your own answer."""
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
    @app_commands.rename(meeting="id")
    @app_commands.describe(meeting="The meeting (start typing its title)")
    async def attendees(self, interaction: discord.Interaction[CopBot], meeting: MeetingArg) -> None:
        """Everyone who answered, in order (organizers also get a CSV file)."""
        assert interaction.guild is not None
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
        if await can_organize(interaction):
            rows = [["name", "user_id", "answer", "waitlist_position", "answered_at_utc"]]
            waiting = 0
            for answer in answers:
                waiting += answer.status is RsvpStatus.WAITLIST
                rows.append(
                    [
                        self.member_name(interaction.guild, answer.user_id),
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

    @meeting.command(name="attendance")
    @organizer_only()
    @app_commands.rename(meeting="id")
    @app_commands.describe(meeting="The meeting (start typing its title)")
    async def attendance(self, interaction: discord.Interaction[CopBot], meeting: MeetingArg) -> None:
        """Who said they would come, and who checked in (with a CSV file)."""
        assert interaction.guild is not None
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
                    self.member_name(interaction.guild, user_id),
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
    @app_commands.rename(meeting="id")
    @app_commands.describe(meeting="The meeting (start typing its title)")
    async def ics(self, interaction: discord.Interaction[CopBot], meeting: MeetingArg) -> None:
        """Get a calendar file (.ics) for one meeting (a series comes as one repeating event)."""
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
        upcoming = await (await sight_of(self.bot.db, interaction)).first_seen(
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
    @app_commands.rename(meeting="id")
    @app_commands.describe(
        meeting="The meeting (start typing its title)", topic="A topic you'd like to discuss"
    )
    async def agenda_suggest(
        self,
        interaction: discord.Interaction[CopBot],
        meeting: MeetingArg,
        topic: app_commands.Range[str, 1, inputs.TOPIC_LIMIT],
    ) -> None:
        """Suggest a topic for a meeting's agenda; members vote on suggestions."""
        if not takes_answers(meeting, self.bot.clock.now()):
            raise UserError("That meeting is over or cancelled, so it takes no more topics.")
        await self.audiences.check(meeting, interaction.user.id)
        text = inputs.check_text("topic", topic, inputs.TOPIC_LIMIT)
        with inputs.refused():
            check_topic(await self.repo.agenda(meeting.id), text)
        await self.repo.suggest(
            meeting.guild_id, meeting.id, interaction.user.id, text, now=self.bot.clock.now()
        )
        await interaction.response.send_message(
            f"Thanks! {quote(text, 100)} is suggested for **{safe_text(meeting.title)}**. Everyone can vote with "
            "`/meeting agenda`.",
            ephemeral=True,
        )

    @meeting.command(name="agenda")
    @app_commands.rename(meeting="id")
    @app_commands.describe(meeting="The meeting (start typing its title)")
    async def agenda(self, interaction: discord.Interaction[CopBot], meeting: MeetingArg) -> None:
        """Show suggested topics, most wanted first, with buttons to vote."""
        card, view = await self.agenda_message(meeting)
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
    @app_commands.rename(meeting="id")
    @app_commands.describe(
        meeting="The meeting (start typing its title)",
        topic="The suggested topic",
        pinned="On the agenda (default) or taken off it",
    )
    async def agenda_pin(
        self, interaction: discord.Interaction[CopBot], meeting: MeetingArg, topic: Id, pinned: bool = True
    ) -> None:
        """Put a suggested topic on the meeting card's agenda (or take it off)."""
        item = await self.repo.agenda_item(meeting.guild_id, topic)
        if item is None or item.meeting_id != meeting.id:
            raise UserError("Pick a topic suggested for this meeting from the list.")
        await self.repo.set_accepted(meeting.guild_id, item.id, pinned)
        await interaction.response.defer(ephemeral=True, thinking=True)
        note = await self.attempt(meeting, "update its card", self.render_card(meeting.id))
        where = "is now on the agenda on the meeting card" if pinned else "was taken off the agenda"
        text = f"{quote(item.topic, 100)} {where}."
        await interaction.edit_original_response(content=f"{text}\n{note}" if note else text)
