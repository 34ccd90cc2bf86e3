"""The weekly resource digest: a durable recurring job that posts the week's new and most helpful resources."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from bot.delivery import classify, job_channel, send_once
from bot.formatting import embed, fit_lines
from core.scheduler import PermanentJobError, RunContext
from storage.guilds import Purpose
from storage.jobs import Job
from storage.resources import Mark, Resource, ResourceRepository

from .cards import link_markdown

if TYPE_CHECKING:
    from bot.client import CopBot

DIGEST_KIND = "resource.digest"
DIGEST_OWNER = "resources:digest"
DIGEST_GRACE = timedelta(hours=12)
WEEK = timedelta(days=7)
DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
        "sat": "Saturday", "sun": "Sunday"}  # fmt: skip
SHOWN = 10


def _line(resource: Resource, extra: str = "") -> str:
    tags = f" · {', '.join(resource.tags[:3])}" if resource.tags else ""
    return f"• {link_markdown(resource)}{tags}{extra}"


async def digest_embed(repo: ResourceRepository, guild_id: int, until: datetime) -> discord.Embed | None:
    """The digest for the week before `until`, or None when the week had nothing to tell."""
    since = until - WEEK
    new = await repo.created_between(guild_id, since, until, limit=SHOWN + 1)
    helpful = await repo.top(guild_id, Mark.HELPFUL, since=since, until=until, limit=5)
    used = await repo.top(guild_id, Mark.USED, since=since, until=until, limit=5)
    if not (new or helpful or used):
        return None
    card = embed(
        "This week in the resource library",
        f"What members shared and found useful since <t:{int(since.timestamp())}:D>.",
    )
    if new:
        lines = [_line(r) for r in new[:SHOWN]]
        if len(new) > SHOWN:
            total = await repo.count_between(guild_id, since, until)
            lines.append(f"…and {total - SHOWN} more: try `/resource recent`.")
        card.add_field(name="New resources", value=fit_lines(lines), inline=False)
    if helpful:
        card.add_field(
            name="Most helpful this week",
            value=fit_lines([_line(r.resource, f" · 👍 {r.count}") for r in helpful]),
            inline=False,
        )
    if used:
        card.add_field(
            name="Most used this week",
            value=fit_lines([_line(r.resource, f" · 🛠️ {r.count}") for r in used]),
            inline=False,
        )
    card.set_footer(text="Share one with /resource share · search with /resource search")
    return card


async def describe_digest(job: Job) -> str:
    """For organizers told the digest was skipped as too late."""
    return f"the weekly resource digest for the week to {job.scheduled_for:%Y-%m-%d}"


async def run_digest(bot: CopBot, repo: ResourceRepository, job: Job, ctx: RunContext) -> None:
    """The `resource.digest` job: post the digest once (the job's nonce makes a retry return the same post)."""
    card = await digest_embed(repo, job.guild_id, job.scheduled_for)
    if card is None:
        return
    channel_id = (await bot.guild_settings.get(job.guild_id)).channels.get(Purpose.RESOURCES)
    if channel_id is None:
        raise PermanentJobError(
            "no resources channel is set",
            organizer_message="no resources channel is set for the weekly resource digest. "
            "Choose one with `/resource channel`.",
        )
    channel = await job_channel(bot, channel_id, guild_id=job.guild_id)
    if isinstance(channel, discord.ForumChannel):
        await _post_in_forum(channel, card, job)
        return
    if not isinstance(channel, discord.abc.Messageable):
        raise PermanentJobError(f"channel {channel_id} cannot hold messages")
    await send_once(channel, ctx.nonce, embed=card)


async def _post_in_forum(forum: discord.ForumChannel, card: discord.Embed, job: Job) -> None:
    # Forum posts take no nonce: the post's name carries the week, and an existing one is not repeated.
    name = f"Resource digest · week to {job.scheduled_for:%Y-%m-%d}"
    if any(thread.name == name for thread in forum.threads):
        return
    try:
        await forum.create_thread(name=name, embed=card)
    except discord.HTTPException as exc:
        raise classify(exc) from exc
