"""The `profile.purge` job: a departed member's hidden period is over (`core.profiles.departures.purge`)."""

from __future__ import annotations

import logging

from bot.client import CopBot
from bot.delivery import job_guild
from core.profiles.departures import purge
from core.scheduler import RunContext
from storage.jobs import Job
from storage.profiles import ProfileRepository

log = logging.getLogger(__name__)


class GuildPresence:
    """`core.profiles.departures.Presence` on Discord."""

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot

    async def is_member(self, guild_id: int, user_id: int) -> bool:
        # Waits for the server while the bot starts; None: the bot is not in it any more.
        guild = await job_guild(self.bot, guild_id)
        return guild is not None and guild.get_member(user_id) is not None


class Purger:
    """Runs `profile.purge` jobs: everything about the member goes (their intro card too), unless they came back."""

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.profiles = ProfileRepository(bot.db)
        self.presence = GuildPresence(bot)

    async def run(self, job: Job, ctx: RunContext) -> None:
        departure = int(job.payload["departure"])
        removed = await purge(self.profiles, self.presence, self.bot.personal_data, job.guild_id, departure)
        if removed is not None:
            log.info("purged the data of a departed member in %s: %s", job.guild_id, removed)
