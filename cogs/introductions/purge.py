"""The `profile.purge` job: a departed member's hidden period is over (`core.profiles.departures.purge`)."""

from __future__ import annotations

import logging

from bot.client import CopBot
from core.profiles.departures import purge
from core.scheduler import RunContext
from storage.jobs import Job
from storage.profiles import ProfileRepository

log = logging.getLogger(__name__)


class Purger:
    """Runs `profile.purge` jobs: everything about the member goes (their intro card too), unless they came back."""

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.profiles = ProfileRepository(bot.db)

    async def run(self, job: Job, ctx: RunContext) -> None:
        departure = int(job.payload["departure"])
        removed = await purge(
            self.profiles, self.bot.platform, self.bot.personal_data, job.guild_id, departure
        )
        if removed is not None:
            log.info("purged the data of a departed member in %s: %s", job.guild_id, removed)
