"""The copbot Bot: opens storage, loads every cog, reports errors, shuts down cleanly."""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
import time
from collections import deque
from functools import partial
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot import backups
from bot.command_sync import sync_if_changed
from bot.delivery import (
    classify,
    describe_post,
    post_message,
)
from bot.errors import report_error
from bot.health import HealthServer, Metrics
from bot.reach import DiscordPlatform
from bot.settings import Settings
from bot.ui import withdraw_questions
from core.clock import Clock, SystemClock
from core.organizers import POST_GRACE, POST_KIND, tell_job_failed, tell_missed
from core.personal_data import PersonalDataRegistry
from core.scheduler import Missed, PermanentJobError, Scheduler
from storage.database import Database
from storage.guilds import GuildRepository
from storage.instance_lock import InstanceLock
from storage.jobs import Job

log = logging.getLogger(__name__)
interactions_log = logging.getLogger("bot.interactions")  # one line per slash command: guild, command, time

SHUTDOWN_GRACE = 10.0  # seconds running handlers get to finish when the bot stops
# Names discord.py gives the tasks that run event handlers, slash commands, buttons and forms.
HANDLER_TASKS = (
    "discord.py: ",
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord-ui-dynamic-item-",
)


def discover_extensions() -> list[str]:
    """Every module or package in `cogs/` that has a `setup` function, in name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(cogs.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        name = f"{cogs.__name__}.{info.name}"
        if hasattr(importlib.import_module(name), "setup"):
            found.append(name)
    return found


# copbot has no voice features; discord.py would otherwise warn at every start that voice libraries are missing.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


class CopBot(commands.Bot):
    """The bot. `mode="run"` serves members; `mode="sync"` only logs in to sync commands; `mode="doctor"`
    connects to check the set-up (`bot.doctor`), with neither the scheduler nor the instance lock."""

    db: Database
    guild_settings: GuildRepository
    platform: DiscordPlatform  # what the core's use cases ask of Discord (core.platform.Platform)
    scheduler: Scheduler

    def __init__(
        self,
        settings: Settings,
        *,
        mode: str = "run",
        fast_start: bool = False,
        clock: Clock | None = None,
        **options: Any,
    ):
        intents = discord.Intents.none()
        intents.guilds = True
        intents.members = True
        intents.guild_scheduled_events = True  # "Interested" on a meeting's Discord event counts as Maybe
        intents.guild_messages = True  # activity counts (cogs/activity): the events only, no message content
        if fast_start:
            # Tests and the demo talk to a local emulator: no reason to wait for slow guilds.
            options.setdefault("guild_ready_timeout", 0.05)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **options,
        )
        self.settings = settings
        self.clock: Clock = clock or SystemClock()  # every feature reads the time here
        self.mode = mode
        self.fast_start = fast_start
        self.started_at = time.monotonic()
        self.live_lists: dict[
            int, deque[Any]
        ] = {}  # bot.ui.Paginator: each member's paged answers still working
        self.ready_event = asyncio.Event()
        self._guild_news = asyncio.Event()  # set (and replaced) whenever a guild arrives in full
        self._arrived: set[int] = set()
        self._instance: InstanceLock | None = None  # held while running (storage.instance_lock)
        self.personal_data = PersonalDataRegistry()
        self.metrics = Metrics()  # bot.health: counted always, served only with COPBOT_HEALTH_PORT
        self.health: HealthServer | None = None
        self._connections = 0
        self.gateway_up = False  # between on_connect (or on_resumed) and on_disconnect
        self.tree.on_error = report_error  # type: ignore[method-assign]
        if not settings.uses_real_discord:
            # A local Discord (the tests, the demo): the emulator package knows how to point discord.py at
            # it. Imported only then, so a production bot loads nothing of the emulator.
            from emulator.discord_target import point_discord_at

            point_discord_at(settings.discord_api_url)

    async def setup_hook(self) -> None:
        if self.mode == "run":
            # Before anything else: a second bot on this database must not start a second scheduler.
            self._instance = InstanceLock(self.settings.database)
            self._instance.acquire()
        self.db = await Database.open(self.settings.database)
        self.personal_data.after_delete = self.db.erase_deleted
        self.guild_settings = GuildRepository(self.db)
        self.platform = DiscordPlatform(self)
        self.scheduler = Scheduler(
            self.db,
            clock=self.clock,
            classify=classify,
            on_failure=self._job_failed,
            on_missed=self._posts_missed,
        )
        self.scheduler.register(
            POST_KIND, partial(post_message, self), grace=POST_GRACE, describe=describe_post
        )
        backups.install(self)
        for extension in discover_extensions():
            await self.load_extension(extension)  # cogs register their job handlers as they load
        log.info("loaded %d extensions", len(self.extensions))
        if self.mode == "run":
            await sync_if_changed(self)
            await self.scheduler.start()
            await backups.ensure_series(self)
            self.metrics.attach()
            if self.settings.health_port:
                server = HealthServer(self, self.settings.health_host, self.settings.health_port)
                self.health = server if await server.start() else None

    async def _job_failed(self, job: Job, error: Exception) -> None:
        if isinstance(error, PermanentJobError):
            await tell_job_failed(self.platform, job, error)

    async def _posts_missed(self, missed: list[Missed]) -> None:
        await tell_missed(self.platform, self.scheduler, missed, self.clock.now())

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        cancelled = await self.scheduler.cancel_guild(guild.id)
        log.info("removed from guild %s: cancelled %d scheduled jobs", guild.id, cancelled)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not self.fast_start:
            await super().before_identify_hook(shard_id, initial=initial)

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))
        self.ready_event.set()
        self._guild_arrived(None)

    async def on_guild_available(self, guild: discord.Guild) -> None:
        self._guild_arrived(guild.id)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        self._guild_arrived(guild.id)

    def _guild_arrived(self, guild_id: int | None) -> None:
        if guild_id is not None:
            self._arrived.add(guild_id)
        news, self._guild_news = self._guild_news, asyncio.Event()
        news.set()

    def available_guild(self, guild_id: int) -> discord.Guild | None:
        """The guild if Discord has sent it in full (channels, roles, members), else None."""
        guild = self.get_guild(guild_id)
        if guild is None or guild.unavailable or not (self.is_ready() or guild_id in self._arrived):
            return None
        return guild

    async def wait_for_guild(self, guild_id: int, within: float) -> discord.Guild | None:
        """The guild once Discord has sent it in full: at once if it has, else waiting up to `within`
        seconds for it (jobs that fell due while the bot was down run before the gateway sends the guilds).
        None if it did not come, or if the bot is connected and ready and the guild is not among its servers."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            guild = self.available_guild(guild_id)
            if guild is not None:
                return guild
            if self.is_ready() and self.get_guild(guild_id) is None:
                return None  # connected, and not (or no longer) in that server
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(self._guild_news.wait(), remaining)
            except TimeoutError:
                return None

    async def on_interaction(self, interaction: discord.Interaction[CopBot]) -> None:
        self.metrics.arrived(interaction)

    async def on_app_command_completion(
        self,
        interaction: discord.Interaction[CopBot],
        command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        seconds = self.metrics.finished(interaction, "ok")
        taken = f" in {seconds * 1000:.0f} ms" if seconds is not None else ""
        interactions_log.info(
            "guild %s: /%s done%s",
            interaction.guild_id,
            command.qualified_name,
            taken,
            extra={"guild": interaction.guild_id, "command": command.qualified_name},
        )

    async def on_connect(self) -> None:
        self.gateway_up = True
        self._connections += 1
        if self._connections > 1:
            self.metrics.reconnects.inc()

    async def on_resumed(self) -> None:
        self.gateway_up = True
        self.metrics.reconnects.inc()

    async def on_disconnect(self) -> None:
        self.gateway_up = False

    async def close(self) -> None:
        if self.health is not None:
            await self.health.stop()
            self.health = None
        self.metrics.detach()
        if hasattr(self, "scheduler"):
            await self.scheduler.shutdown()  # before the HTTP session and the database close
        withdraw_questions()  # a command waiting for a member's Confirm would hold the shutdown
        await self._finish_handlers()
        await super().close()
        if hasattr(self, "db"):
            await self.db.close()
        if self._instance is not None:
            self._instance.release()
            self._instance = None

    async def _finish_handlers(self, within: float = SHUTDOWN_GRACE) -> None:
        """Let commands, buttons and forms already running finish (bounded) before the HTTP session and
        the database close under them: a member's click during a restart is answered, not half-done."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        current = asyncio.current_task()
        while loop.time() < deadline:
            running = [
                t
                for t in asyncio.all_tasks()
                if t is not current and not t.done() and t.get_name().startswith(HANDLER_TASKS)
            ]
            if not running:
                return
            await asyncio.wait(running, timeout=deadline - loop.time())
        log.warning(
            "Stopped while handlers were still running after %.0f s: %s",
            within,
            ", ".join(sorted(t.get_name() for t in running if not t.done())),
        )

    @property
    def uptime_seconds(self) -> float:
        return time.monotonic() - self.started_at
