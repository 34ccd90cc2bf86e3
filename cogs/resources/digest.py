"""The `resource.digest` job on Discord: the core chooses the week's resources (`core.resources.digest`),
this posts them as one embed in the resources channel, once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.delivery import classify, job_channel, send_once
from bot.formatting import embed
from bot.reach import channel_for
from core.resources.digest import Digest, select_digest
from core.scheduler import PermanentJobError, RunContext
from core.text import fit_lines
from storage.guilds import Purpose
from storage.jobs import Job
from storage.resources import Resource, ResourceRepository

from .cards import link_markdown

if TYPE_CHECKING:
    from bot.client import CopBot


def _line(resource: Resource, extra: str = "") -> str:
    tags = f" · {', '.join(resource.tags[:3])}" if resource.tags else ""
    return f"• {link_markdown(resource)}{tags}{extra}"


def digest_embed(digest: Digest) -> discord.Embed:
    """The week's digest as members see it."""
    card = embed(
        "This week in the resource library",
        f"What members shared and found useful since <t:{int(digest.since.timestamp())}:D>.",
    )
    if digest.new:
        lines = [_line(r) for r in digest.new]
        if digest.more:
            lines.append(f"…and {digest.more} more: try `/resource recent`.")
        card.add_field(name="New resources", value=fit_lines(lines), inline=False)
    if digest.helpful:
        card.add_field(
            name="Most helpful this week",
            value=fit_lines([_line(r.resource, f" · 👍 {r.count}") for r in digest.helpful]),
            inline=False,
        )
    if digest.used:
        card.add_field(
            name="Most used this week",
            value=fit_lines([_line(r.resource, f" · 🛠️ {r.count}") for r in digest.used]),
            inline=False,
        )
    card.set_footer(text="Share one with /resource share · search with /resource search")
    return card


async def describe_digest(job: Job) -> str:
    """For organizers told the digest was skipped as too late."""
    return f"the weekly resource digest for the week to {job.scheduled_for:%Y-%m-%d}"


async def run_digest(bot: CopBot, repo: ResourceRepository, job: Job, ctx: RunContext) -> None:
    """The `resource.digest` job: post the digest once (the job's nonce makes a retry return the same post)."""
    digest = await select_digest(repo, job.guild_id, job.scheduled_for)
    if digest is None:
        return
    card = digest_embed(digest)
    channel_id = await channel_for(bot, job.guild_id, Purpose.RESOURCES)
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
