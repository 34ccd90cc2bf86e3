"""What organizers see of an announcement: the preview with its next runs, a line of `/announce list`, a line
of its history, and the persistent Send now / Pause / Resume buttons of `/announce show`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord

from bot.formatting import embed
from bot.reach import jump_link
from core.announcements.plans import describe, upcoming_runs
from core.text import fit_lines, quote, safe_text
from core.timeutil import discord_timestamp, local_description
from storage.announcements import Announcement, AnnouncementState, Run, RunOutcome

from .buttons import AnnouncementButton
from .render import Rendered

SNIPPET = 60


def snippet(announcement: Announcement, limit: int = SNIPPET) -> str:
    """Its title (or text) on one line, quoted."""
    return quote(" ".join((announcement.title or announcement.body).split()), limit)


def preview_message(
    post: Rendered, announcement: Announcement, runs: list[datetime], description: str, *, heading: str
) -> dict[str, Any]:
    """The post as it will look, with a card of where, whom it pings, the zone and the next runs."""
    zone = announcement.timezone
    info = embed(heading, f"Posts in <#{announcement.channel_id}>, {description}.")
    role = announcement.ping_role_id
    info.add_field(
        name="Ping",
        value=("@everyone" if role == announcement.guild_id else f"<@&{role}>") if role else "No one",
    )
    info.add_field(name="Time zone", value=f"`{zone}`")
    if runs:
        lines = [f"{local_description(run, zone)} · {discord_timestamp(run, 'R')}" for run in runs]
        info.add_field(
            name="Next run" if len(runs) == 1 else f"Next {len(runs)} runs",
            value=fit_lines(lines),
            inline=False,
        )
    else:
        info.add_field(name="Next run", value="None scheduled", inline=False)
    embeds = [post.card, info] if post.card is not None else [info]
    return {"content": post.content or None, "embeds": embeds}


def list_line(announcement: Announcement, now: datetime) -> str:
    """One announcement in `/announce list`: what, where, how often and when next."""
    if announcement.state is AnnouncementState.PAUSED:
        status = "**paused**"
    else:
        runs = upcoming_runs(announcement, now=now, count=1)
        status = (
            f"next {discord_timestamp(runs[0], 'f')} ({discord_timestamp(runs[0], 'R')})"
            if runs
            else "no further runs"
        )
    return (
        f"**#{announcement.id}** {snippet(announcement, 40)} in <#{announcement.channel_id}> — "
        f"{describe(announcement)}; {status}"
    )


def run_line(announcement: Announcement, run: Run) -> str:
    """One posting in the history: when, where, a link to the post, or why it failed."""
    when = discord_timestamp(run.finished_at, "f")
    if run.outcome is RunOutcome.FAILED:
        return f"{when} — **failed**: {safe_text(run.error or 'unknown reason', 200)}"
    link = (
        f" — [open the post]({jump_link(announcement.guild_id, run.channel_id, run.message_id)})"
        if run.message_id
        else ""
    )
    notes = []
    if run.manual:
        notes.append("sent with send-now")
    if run.late:
        notes.append(f"late, planned for {discord_timestamp(run.scheduled_for, 'f')}")
    extra = f" ({', '.join(notes)})" if notes else ""
    return f"{when} — posted in <#{run.channel_id}>{extra}{link}"


def actions(announcement: Announcement) -> discord.ui.View:
    """Send now and Pause/Resume buttons that keep working after a restart."""
    view = discord.ui.View(timeout=None)
    view.add_item(AnnouncementButton("now", announcement.id))
    paused = announcement.state is AnnouncementState.PAUSED
    view.add_item(AnnouncementButton("resume" if paused else "pause", announcement.id))
    return view
