"""What an announcement looks like when posted, and the `announcement.post` job that posts it."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.delivery import resolve_channel, send_once
from bot.formatting import embed, format_late_note, safe_text
from bot.recurrence import Recurrence, in_cycle, occurrences
from core.scheduler import Cause, PermanentJobError, RetryableJobError, RunContext, StaleJob
from core.timeutil import discord_timestamp, local_description
from storage.announcements import Announcement, AnnouncementRepository, AnnouncementState, RunOutcome
from storage.jobs import Job
from storage.meetings import next_meetings

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

KIND = "announcement.post"
# An occurrence found later than this (the bot was offline) is skipped: a two-hour-old "good morning" helps no one.
GRACE = timedelta(hours=2)
CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
NO_MEETING = "no meeting scheduled"
PLACEHOLDERS = ("{date}", "{server}", "{next_meeting}")
_PLACEHOLDER_RE = re.compile(r"\{(date|server|next_meeting)\}", re.IGNORECASE)
_MASS_MENTION_RE = re.compile(r"@(everyone|here)", re.IGNORECASE)


# -- what the post looks like ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rendered:
    """A post ready for `channel.send(**rendered.message())`."""

    content: str | None
    card: discord.Embed | None
    allowed_mentions: discord.AllowedMentions

    def message(self) -> dict[str, Any]:
        message: dict[str, Any] = {"allowed_mentions": self.allowed_mentions}
        if self.content:
            message["content"] = self.content
        if self.card is not None:
            message["embed"] = self.card
        return message


def recurrence_of(announcement: Announcement) -> Recurrence | None:
    if announcement.trigger is None:
        return None
    return Recurrence(
        dict(announcement.trigger), announcement.repeat or "", every_weeks=announcement.every_weeks
    )


def fill_placeholders(text: str, *, when: datetime, zone: str, server: str, next_meeting: str) -> str:
    values = {
        "date": local_description(when, zone).rsplit(" ", 3)[0],  # "Monday, March 9, 2026"
        "server": safe_text(server, 100),
        "next_meeting": next_meeting,
    }
    return _PLACEHOLDER_RE.sub(lambda match: values[match.group(1).lower()], text)


def neutralise(text: str) -> str:
    """`@everyone`/`@here` typed in the text stay visible but can never ping (nor can role mentions:
    allowed_mentions only ever lets the chosen role through)."""
    return _MASS_MENTION_RE.sub("@\u200b\\1", text)


def ping_of(role_id: int | None, guild_id: int) -> tuple[str, discord.AllowedMentions]:
    """The mention that starts the post and the allowed_mentions that make exactly it ping."""
    if role_id is None:
        return "", discord.AllowedMentions.none()
    if role_id == guild_id:  # the @everyone role
        return "@everyone", discord.AllowedMentions(
            everyone=True, users=False, roles=False, replied_user=False
        )
    return f"<@&{role_id}>", discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(role_id)], replied_user=False
    )


def render(
    announcement: Announcement,
    *,
    when: datetime,
    server: str,
    next_meeting: str,
    late_for: datetime | None = None,
    fit: bool = True,
) -> Rendered:
    """The post for the occurrence at `when`; with `fit`, text is shortened to Discord's limits."""
    body = neutralise(
        fill_placeholders(
            announcement.body, when=when, zone=announcement.timezone, server=server, next_meeting=next_meeting
        )
    )
    mention, allowed = ping_of(announcement.ping_role_id, announcement.guild_id)
    late = f"-# {format_late_note(late_for)}" if late_for is not None else ""
    if announcement.title:
        description = _shorten(body, DESCRIPTION_LIMIT) if fit else body
        card = embed(neutralise(announcement.title)[:256], description)
        content = "\n".join(part for part in (mention, late) if part) or None
        return Rendered(content, card, allowed)
    fixed = len(mention) + len(late) + (1 if mention else 0) + (1 if late else 0)
    if fit:
        body = _shorten(body, CONTENT_LIMIT - fixed)
    return Rendered("\n".join(part for part in (mention, body, late) if part), None, allowed)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rendered_length(rendered: Rendered) -> tuple[int, int]:
    """(characters of content, characters of the card's description) — to check the limits."""
    description = rendered.card.description if rendered.card is not None else ""
    return len(rendered.content or ""), len(description or "")


NEXT_MEETING_LOOKAHEAD = 25  # meetings looked at for the next one everyone may see


def _everyone_sees(guild: discord.Guild, channel_id: int) -> bool:
    channel = guild.get_channel_or_thread(channel_id)
    return channel is not None and channel.permissions_for(guild.default_role).view_channel


async def next_meeting_text(bot: CopBot, guild_id: int, zone: str, at: datetime) -> str:
    """`{next_meeting}`: the title and local time of the guild's next meeting after `at`."""
    try:
        upcoming = await next_meetings(bot.db, guild_id, at, limit=NEXT_MEETING_LOOKAHEAD)
    except Exception:  # the post matters more than the placeholder
        log.exception("the next-meeting query failed; {next_meeting} says none is scheduled")
        return NO_MEETING
    # An announcement is read by everyone: a meeting for everyone that sits in a private channel (an
    # organizers' planning meeting) stays out of it, as the meeting visibility rule says.
    guild = bot.get_guild(guild_id)
    meeting = next((m for m in upcoming if guild is not None and _everyone_sees(guild, m.channel_id)), None)
    if meeting is None:
        return NO_MEETING
    return (
        f"{safe_text(meeting.title, 100)} — {local_description(meeting.starts_at, zone)} "
        f"({discord_timestamp(meeting.starts_at, 'R')})"
    )


# -- the job ---------------------------------------------------------------------------------------------


class Poster:
    """Runs `announcement.post` jobs: re-reads the announcement, posts once, records how it went."""

    def __init__(self, bot: CopBot, repo: AnnouncementRepository) -> None:
        self.bot = bot
        self.repo = repo

    async def describe(self, job: Job) -> str | None:
        """What the job would have posted, for organizers told it was skipped as too late."""
        announcement = await self.repo.get(job.guild_id, int(job.payload["announcement_id"]))
        if announcement is None or announcement.state is AnnouncementState.CANCELLED:
            return None
        guild = self.bot.get_guild(job.guild_id)
        public = guild is not None and _everyone_sees(guild, announcement.channel_id)
        # The notice is read by the whole server: a title meant for a private channel stays out of it.
        title = f" “{safe_text(announcement.title)}”" if announcement.title and public else ""
        return f"announcement #{announcement.id}{title} in <#{announcement.channel_id}>"

    async def run(self, job: Job, ctx: RunContext) -> None:
        announcement = await self.repo.get(job.guild_id, int(job.payload["announcement_id"]))
        manual = bool(job.payload.get("manual"))
        if announcement is None or announcement.state is AnnouncementState.CANCELLED:
            raise StaleJob("the announcement was cancelled")
        if not manual:
            await self._check_current(announcement, job)
            recurrence = recurrence_of(announcement)
            if recurrence is not None and not in_cycle(
                recurrence, job.scheduled_for, announcement.timezone, announcement.anchor
            ):
                await self._after_occurrence(announcement, job, ctx)
                return  # an off week of an every-N-weeks series: nothing to post
        try:
            # First: it waits for the server while the bot starts, so the server's name below is known.
            channel = await resolve_channel(self.bot, announcement.channel_id, guild_id=job.guild_id)
            guild = self.bot.get_guild(job.guild_id)
            rendered = render(
                announcement,
                when=job.scheduled_for,
                server=guild.name if guild and guild.name else "this server",
                next_meeting=await next_meeting_text(
                    self.bot, job.guild_id, announcement.timezone, job.scheduled_for
                ),
                late_for=job.scheduled_for if ctx.late and not manual else None,
            )
            sent = await send_once(channel, ctx.nonce, **rendered.message())
        except PermanentJobError as error:
            await self._failed(announcement, job, ctx, error.reason, manual=manual)
            raise await self._organizer_notice(announcement, job, error) from None
        except RetryableJobError as error:
            if ctx.attempt >= self.bot.scheduler.max_attempts:
                await self._failed(announcement, job, ctx, error.reason, manual=manual)
            raise
        await self.repo.record_run(
            announcement,
            job_id=job.id,
            scheduled_for=job.scheduled_for,
            outcome=RunOutcome.POSTED,
            channel_id=announcement.channel_id,
            message_id=sent.id,
            late=ctx.late,
            manual=manual,
            now=self.bot.clock.now(),
        )
        if not manual:
            await self._after_occurrence(announcement, job, ctx)

    async def _check_current(self, announcement: Announcement, job: Job) -> None:
        """A job left over from before a pause or an edit does nothing."""
        if announcement.state is not AnnouncementState.SCHEDULED:
            raise StaleJob(f"the announcement is {announcement.state.value}")
        current = (
            announcement.series_id == job.series_id
            if announcement.recurring
            else announcement.job_id == job.id
        )
        if not current:
            raise StaleJob("the announcement's schedule was changed")
        if announcement.until is not None and job.scheduled_for > announcement.until:
            await self._finish(announcement)
            raise StaleJob("past the announcement's end")

    async def _after_occurrence(self, announcement: Announcement, job: Job, ctx: RunContext) -> None:
        """A one-off is finished; a series with no run left before its end stops."""
        recurrence = recurrence_of(announcement)
        if recurrence is None:
            await self._finish(announcement)
            return
        if announcement.until is None:
            return
        later = occurrences(
            recurrence,
            announcement.timezone,
            after=job.scheduled_for,
            count=1,
            until=announcement.until,
            anchor=announcement.anchor,
            inclusive=False,
        )
        if not later:
            await self._finish(announcement)

    async def _finish(self, announcement: Announcement) -> None:
        now = self.bot.clock.now()
        async with self.bot.db.transaction():
            if announcement.series_id is not None:
                await self.bot.scheduler.cancel(
                    series_id=announcement.series_id, guild_id=announcement.guild_id
                )
            await self.repo.set_state(
                announcement.id, AnnouncementState.FINISHED, now=now, expect=(AnnouncementState.SCHEDULED,)
            )

    async def _failed(
        self, announcement: Announcement, job: Job, ctx: RunContext, reason: str, *, manual: bool
    ) -> None:
        await self.repo.record_run(
            announcement,
            job_id=job.id,
            scheduled_for=job.scheduled_for,
            outcome=RunOutcome.FAILED,
            channel_id=announcement.channel_id,
            error=reason,
            late=ctx.late,
            manual=manual,
            now=self.bot.clock.now(),
        )
        if not manual and announcement.recurring:
            await self._after_occurrence(announcement, job, ctx)

    async def _organizer_notice(
        self, announcement: Announcement, job: Job, error: PermanentJobError
    ) -> PermanentJobError:
        """Organizers hear of a broken announcement once, not at every occurrence that fails the same way."""
        previous = await self.repo.last_run(announcement.id, excluding_job=job.id)
        if previous is not None and previous.outcome is RunOutcome.FAILED:
            return PermanentJobError(error.reason)
        where = f"<#{announcement.channel_id}>"
        if error.cause is Cause.CHANNEL_DELETED:
            problem = f"the channel it was meant for ({where}) was deleted"
        elif error.cause is Cause.NOT_ALLOWED:
            problem = f"I'm not allowed to post in {where}: give my role **View Channel** and **Send Messages** there"
        else:
            problem = f"Discord would not accept it ({safe_text(error.reason, 200)})"
        follow_up = " Later occurrences will still be tried." if announcement.recurring else ""
        return PermanentJobError(
            error.reason,
            organizer_message=(
                f"announcement #{announcement.id} could not be posted: {problem}. Choose another channel with "
                f"`/announce edit id:{announcement.id} channel:`, or see `/announce history id:{announcement.id}`."
                f"{follow_up}"
            ),
        )
