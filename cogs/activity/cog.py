"""`/activity summary` and `/activity agendas` for organizers, and the listener that counts messages.

The bot receives message events through the non-privileged `guild_messages` intent (no message content):
each member message becomes a `Posted` in memory and is written as counts in batches, one transaction per
batch, so a burst never blocks commands. Bots', webhooks' and system messages are not counted.

Personal data: the counts name no member (per channel, day and group only), so this feature registers no
export or delete handler with `bot.personal_data`.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import organizer_ids, organizer_only
from bot.client import CopBot
from bot.ui import Paginator, paginate_lines
from core.activity.agenda import agendas_between, overall
from core.activity.counting import ActivityCounter, Posted
from core.activity.summary import summarise
from core.text import safe_text
from core.timeutil import discord_timestamp
from storage.activity import ActivityRepository
from storage.groups import GroupRepository
from storage.meetings import MeetingRepository
from storage.schools import SchoolRepository

log = logging.getLogger(__name__)

Days = app_commands.Range[int, 1, 366]
COUNTED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


class Activity(commands.Cog):
    """Activity counts, not content."""

    activity = app_commands.Group(
        name="activity", description="How active the community is: message counts and agenda sources."
    )

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.repo = ActivityRepository(bot.db)
        self.counter = ActivityCounter(self.repo, bot.guild_settings)
        self._pending: list[Posted] = []
        self._flushing: asyncio.Task[None] | None = None

    # -- counting ----------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in COUNTED_TYPES:
            return
        channel = message.channel
        channel_id = (
            channel.parent_id if isinstance(channel, discord.Thread) and channel.parent_id else channel.id
        )
        self._pending.append(Posted(message.guild.id, channel_id, message.author.id, self.bot.clock.now()))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush(), name="activity-counts")

    async def _flush(self) -> None:
        """Write what is waiting; messages arriving meanwhile make the next batch."""
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self.counter.record(batch)
            except Exception:
                log.exception("Could not count %d messages; those counts are lost", len(batch))

    async def flushed(self) -> None:
        """Once every message received so far is counted (tests, shutdown)."""
        while self._pending or (self._flushing is not None and not self._flushing.done()):
            if self._flushing is None or self._flushing.done():
                await self._flush()
            else:
                await asyncio.wait([self._flushing])

    async def cog_unload(self) -> None:
        await self.flushed()

    # -- commands ----------------------------------------------------------------------------------------

    @activity.command(name="summary")
    @organizer_only()
    @app_commands.describe(days="How many days to look back, today included (1 to 366; 7 if left out).")
    async def summary(self, interaction: discord.Interaction[CopBot], days: Days = 7) -> None:
        """Messages per kind of channel and per stakeholder group (counts only, never text)."""
        guild = interaction.guild
        assert guild is not None
        # Not waiting for the batch being written: under a burst that could outlast Discord's 3 s.
        members = [m.id for m in guild.members if not m.bot]
        found = await summarise(
            GroupRepository(self.bot.db),
            SchoolRepository(self.bot.db),
            self.repo,
            self.bot.guild_settings,
            guild.id,
            now=self.bot.clock.now(),
            days=days,
            members=members,
        )
        span = found.first.isoformat() if found.first == found.last else f"{found.first} to {found.last}"
        pages = paginate_lines(f"Activity, {span}", found.lines(), per_page=20)
        await Paginator(interaction.user.id, pages).send(interaction)

    @activity.command(name="agendas")
    @organizer_only()
    @app_commands.describe(
        days="Meetings that started this many days ago or later, and upcoming ones (1 to 366; 30 if left out)."
    )
    async def agendas(self, interaction: discord.Interaction[CopBot], days: Days = 30) -> None:
        """For each meeting, how many agenda topics came from members and their votes."""
        guild = interaction.guild
        assert guild is not None
        found = await agendas_between(
            MeetingRepository(self.bot.db),
            guild.id,
            now=self.bot.clock.now(),
            days=days,
            organizers=await organizer_ids(self.bot, guild),
        )
        lines = [
            f"**{safe_text(a.title, 80)}** (#{a.meeting_id}, {discord_timestamp(a.starts_at, 'd')}): {a.summary()}"
            for a in found
        ]
        if found:
            lines = [overall(found).summary(), "", *lines]
        pages = paginate_lines(
            "Where agendas came from",
            lines,
            empty=f"No meetings started in the last {days} days and none are coming up.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)
