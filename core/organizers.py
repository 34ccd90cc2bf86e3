"""What organizers are told about the scheduler's work, without Discord: a scheduled post that failed for a
reason they can fix, and posts skipped because by then they could no longer be useful. The scheduler calls
these (`on_failure`, `on_missed`); they reach the organizers through `core.platform.Messenger`."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from core.platform import Messenger
from core.scheduler import MISSED, Jobs, Missed, PermanentJobError
from core.text import fit_lines, safe_text
from core.timeutil import discord_timestamp
from storage.guilds import Purpose
from storage.jobs import Job

log = logging.getLogger(__name__)

POST_KIND = (
    "message.post"  # a plain post in a channel, delivered by the front end (`bot.delivery.post_message`)
)
POST_GRACE = timedelta(hours=6)
MISSED_OWNER = "organizers:missed"


async def tell_job_failed(messenger: Messenger, job: Job, error: PermanentJobError) -> None:
    """Organizers are told once (the nonce) when a scheduled post failed for a reason they can fix."""
    if not error.organizer_message:
        return
    await messenger.tell_organizers(
        job.guild_id,
        f"**Organizers:** a scheduled post ({job.kind.replace('.', ' ')}) could not be delivered: "
        f"{error.organizer_message}",
        nonce=f"fail-{job.id}",
    )


async def tell_missed(messenger: Messenger, jobs: Jobs, missed: list[Missed], now: datetime) -> None:
    """Scheduled posts skipped because they could no longer be useful: organizers are told once per guild
    and batch, in the announcements (else meetings) channel, with what was missed and why.

    The notice is itself a durable `message.post` job: it waits for the server, retries through an outage
    and is posted once (its nonce).
    """
    by_guild: dict[int, list[Missed]] = {}
    for item in missed:
        by_guild.setdefault(item.job.guild_id, []).append(item)
    for guild_id, items in by_guild.items():
        channel_id = await messenger.channel_for(guild_id, Purpose.ANNOUNCEMENTS, Purpose.MEETINGS)
        lines = [
            f"• {item.what}, due {discord_timestamp(item.job.scheduled_for, 'f')}: {_why(item.reason)}"
            for item in items
        ]
        log.warning("guild %s: skipped as too late: %s", guild_id, "; ".join(lines))
        if channel_id is None:
            continue
        head = f"**Organizers:** {'this scheduled post was' if len(items) == 1 else 'these scheduled posts were'} "
        head += "not sent because by then it could no longer be useful:\n"
        content = head + fit_lines(lines, 2000 - len(head) - 60)
        await jobs.schedule(
            POST_KIND,
            now,
            {"channel_id": channel_id, "content": content},
            guild_id=guild_id,
            owner=MISSED_OWNER,
        )


def _why(reason: str) -> str:
    if reason == MISSED:
        return "it fell due while I was offline, too long ago"
    return safe_text(reason, 300)
