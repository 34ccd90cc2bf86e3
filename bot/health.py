"""Health for whoever watches the bot: counters kept in-process, and an optional local HTTP endpoint.

`Metrics` counts, in Prometheus' data model (the `prometheus_client` library, which also writes the text
format): interactions by kind, name and outcome, slash-command latency, Discord's rate-limit answers (429,
from discord.py's own log records) and gateway reconnects; jobs by state are read from the database at each
scrape. With COPBOT_HEALTH_PORT set, `HealthServer` serves on COPBOT_HEALTH_HOST (127.0.0.1 by default):

* `/healthz`: 200 "ok" when the gateway is connected, the database takes a write and the scheduler runs;
  else 503 with one line per reason.
* `/metrics`: everything above, in Prometheus' text format.

A port that is taken is one plain log line; the bot runs on without the endpoint.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import discord
from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from storage.bot_state import BotStateRepository
from storage.jobs import JobState

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

__all__ = ["HealthServer", "Metrics", "interaction_name"]

# Slash commands answer within Discord's 3 s; the buckets say how far within.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
# Where discord.py says it was rate limited: REST calls, and interaction answers (sent as webhooks).
RATE_LIMIT_LOGGERS = ("discord.http", "discord.webhook.async_")
KINDS = {
    discord.InteractionType.application_command: "command",
    discord.InteractionType.component: "component",
    discord.InteractionType.modal_submit: "form",
    discord.InteractionType.autocomplete: "autocomplete",
}


def interaction_name(interaction: discord.Interaction[Any]) -> str:
    """What an interaction was, with no member data and few distinct values: a command's qualified name, or
    a component's or form's custom_id up to its first `:` (the rest holds ids)."""
    if interaction.command is not None:
        return interaction.command.qualified_name
    data: dict[str, Any] = dict(interaction.data or {})
    if data.get("name"):
        return str(data["name"])
    return str(data.get("custom_id", "?")).split(":", 1)[0][:40]


class _RateLimits(logging.Handler):
    """Counts discord.py's "rate limited" records (it answers each 429 by waiting and logging)."""

    def __init__(self, counter: Counter) -> None:
        super().__init__(logging.WARNING)
        self.counter = counter

    def emit(self, record: logging.LogRecord) -> None:
        if "rate limited" in str(record.msg) or "429" in str(record.msg):
            self.counter.inc()


class Metrics:
    """The bot's counters (one registry per bot, so tests and restarts start from zero)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.interactions = Counter(
            "copbot_interactions",
            "Interactions by kind, name and outcome",
            ["kind", "name", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "copbot_command_seconds",
            "Slash commands: from arrival to the end of the handler",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.rate_limits = Counter(
            "copbot_discord_rate_limits", "Discord answers of 429 (rate limited)", registry=self.registry
        )
        self.reconnects = Counter(
            "copbot_reconnects", "Gateway reconnects and resumes", registry=self.registry
        )
        self.jobs = Gauge("copbot_jobs", "Scheduled jobs by state", ["state"], registry=self.registry)
        self.connected = Gauge(
            "copbot_gateway_connected", "1 while the gateway is connected", registry=self.registry
        )
        self.guilds = Gauge("copbot_guilds", "Servers the bot is in", registry=self.registry)
        self._started: dict[int, float] = {}  # interaction id → arrival (monotonic), commands only
        self._rate_limit_log = _RateLimits(self.rate_limits)

    def attach(self) -> None:
        for name in RATE_LIMIT_LOGGERS:
            logging.getLogger(name).addHandler(self._rate_limit_log)

    def detach(self) -> None:
        for name in RATE_LIMIT_LOGGERS:
            logging.getLogger(name).removeHandler(self._rate_limit_log)

    def arrived(self, interaction: discord.Interaction[Any]) -> None:
        kind = KINDS.get(interaction.type)
        if kind is None:
            return
        if kind == "command":
            self._started[interaction.id] = time.monotonic()
            if len(self._started) > 10_000:  # commands that never finished (the process lived through it)
                self._started.pop(next(iter(self._started)))
        else:
            self.interactions.labels(kind, interaction_name(interaction), "received").inc()

    def finished(self, interaction: discord.Interaction[Any], outcome: str) -> float | None:
        """A slash command done (outcome "ok", "refused", "failed", "late"), or another kind's error; the
        command's seconds when it was timed."""
        kind = KINDS.get(interaction.type, "other")
        name = interaction_name(interaction)
        self.interactions.labels(kind, name, outcome).inc()
        started = self._started.pop(interaction.id, None)
        if started is None:
            return None
        seconds = time.monotonic() - started
        self.latency.labels(name).observe(seconds)
        return seconds

    async def render(self, bot: CopBot) -> bytes:
        for state in JobState:
            self.jobs.labels(state.value).set(await bot.scheduler.jobs.count(state))
        self.connected.set(1 if _connected(bot) else 0)
        self.guilds.set(len(bot.guilds))
        return generate_latest(self.registry)


def _connected(bot: CopBot) -> bool:
    return bot.gateway_up and bot.is_ready() and not bot.is_closed()


async def problems(bot: CopBot) -> list[str]:
    """Why the bot is not healthy, in words (empty when it is)."""
    found = []
    if not bot.gateway_up or bot.is_closed():
        found.append("not connected to Discord's gateway")
    elif not bot.is_ready():
        found.append("still starting: Discord is sending the servers")
    try:
        await BotStateRepository(bot.db).set("health_checked", bot.clock.now().isoformat())
    except Exception as exc:  # any failure to write is the answer, whatever it is
        found.append(f"the database does not take a write ({exc})")
    if not bot.scheduler.running:
        found.append("the scheduler is not running")
    return found


class HealthServer:
    """`/healthz` and `/metrics` on a local port, while the bot runs."""

    def __init__(self, bot: CopBot, host: str, port: int) -> None:
        self.bot, self.host, self.port = bot, host, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> bool:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError as exc:
            await runner.cleanup()
            log.error(
                "the health endpoint could not listen on %s:%s (%s); copbot runs on without it "
                "(free the port or set COPBOT_HEALTH_PORT to another)",
                self.host,
                self.port,
                exc.strerror or exc,
            )
            return False
        self._runner = runner
        log.info("health endpoint on http://%s:%s/healthz and /metrics", self.host, self.port)
        return True

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        found = await problems(self.bot)
        if found:
            return web.Response(status=503, text="\n".join(found) + "\n")
        return web.Response(text="ok\n")

    async def _metrics(self, request: web.Request) -> web.Response:
        body = await self.bot.metrics.render(self.bot)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
