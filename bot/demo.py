"""`copbot demo`: the real bot against a local Discord emulator, a short scripted scenario, a transcript."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import pkgutil
import re
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from bot import demo_scenes
from bot.client import HANDLER_TASKS
from bot.local import LocalBot
from core.clock import Clock
from emulator import Emulator
from emulator.driver import Actor, Control, Reply, flatten_components, message_text

DEMO_ZONE = "America/Phoenix"
TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
# Interaction response types: "thinking…" (the answer comes as an edit); a click's update of its message.
DEFERRED, DEFERRED_UPDATE, UPDATE_MESSAGE = 5, 6, 7
EPHEMERAL = 1 << 6
IDLE_WAIT = 0.5  # seconds a step may keep the bot busy before the transcript records it anyway


class Transcript:
    """Turns what members saw into readable lines: names for mentions, local times for timestamps."""

    def __init__(self, zone: str, clock: Clock) -> None:
        self.clock = clock
        self.zone = ZoneInfo(zone)
        self.names: dict[str, str] = {}
        self.lines: list[str] = []

    def learn(self, guild: dict[str, Any]) -> None:
        for channel in guild["channels"]:
            self.names[f"<#{channel['id']}>"] = f"#{channel['name']}"
        for role in guild["roles"]:
            self.names[f"<@&{role['id']}>"] = f"@{role['name']}"
        for member in guild["members"]:
            self.names[f"<@{member['user']['id']}>"] = f"@{member['user']['username']}"

    def readable(self, text: str) -> str:
        for raw, name in self.names.items():
            text = text.replace(raw, name)
        return TIMESTAMP.sub(self._time, text)

    def _time(self, match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match[1]), UTC).astimezone(self.zone)
        if match[2] == "R":
            return relative_words(moment - self.clock.now())
        if match[2] in ("t", "T"):
            return moment.strftime("%-I:%M %p")
        return moment.strftime("%A, %B %-d, %Y %-I:%M %p %Z")

    def step(self, who: str, action: str, reply: Reply) -> None:
        self.lines.append(f"▶ {who} {action}")
        privately = " (only they see this)" if _private(reply) else ""
        if reply.is_modal:
            self.lines.append(f"  copbot opens a form “{reply.data.get('title', '')}”")
        for message in [reply.data, *reply.followups]:
            body = self.readable(message_text(message))
            if body:
                self.lines.append(f"  copbot{privately}:")
                self.lines.extend(f"    {line}" for line in body.splitlines())
        if reply.buttons:
            self.lines.append(f"    [buttons: {' | '.join(reply.buttons)}]")

    def channel(self, name: str, messages: list[dict[str, Any]]) -> None:
        self.lines.append(f"#{name}")
        if not messages:
            self.lines.append("  (no messages)")
        for message in messages:
            author = message["author"]["username"]
            body = self.readable(message_text(message)) or "(empty)"
            first, *rest = body.splitlines()
            self.lines.append(f"  {author}: {first}")
            self.lines.extend(f"    {line}" for line in rest)

    def print(self) -> None:
        print("\n".join(self.lines))


def _private(reply: Reply) -> bool:
    """Only the member sees it: an ephemeral answer, or an update of an ephemeral message (a click)."""
    if reply.ephemeral:
        return True
    message = reply.raw.get("message") or {}
    return reply.type in (DEFERRED_UPDATE, UPDATE_MESSAGE) and bool(
        int(message.get("flags") or 0) & EPHEMERAL
    )


RELATIVE_UNITS = (
    ("year", 31_536_000),
    ("month", 2_592_000),
    ("day", 86_400),
    ("hour", 3_600),
    ("minute", 60),
)


def relative_words(delta: timedelta) -> str:
    """What Discord shows for `<t:…:R>`: “in 3 days”, “2 hours ago”."""
    seconds = int(delta.total_seconds())
    size = abs(seconds)
    unit, length = next(((u, n) for u, n in RELATIVE_UNITS if size >= n), ("", 0))
    if not unit:
        return "just now"
    count = round(size / length)
    words = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"in {words}" if seconds > 0 else f"{words} ago"


async def build_community(control: Control) -> tuple[str, dict[str, Actor]]:
    guild = await control.create_guild("Arizona STEM Network (demo)")
    guild_id = str(guild["id"])
    general = next(str(c["id"]) for c in guild["channels"] if c["name"] == "general")
    people = {
        "olivia_organizer": True,
        "tara_teacher": False,
        "carlos_coach": False,
        "pat_parent": False,
        "bea_business": False,
    }
    actors = {}
    for username, admin in people.items():
        actor = await control.add_member(guild_id, username, admin=admin)
        actor.channel_id = general
        actors[username] = actor
    return guild_id, actors


@dataclass
class Stage:
    """What a demo scene acts through: the community's people and a record of every step.

    Each step is recorded as it stood once the bot finished with it (`idle`), before the next step: a click
    that later edits an answer does not show in the step before it."""

    control: Control
    guild_id: str
    people: dict[str, Actor]
    steps: list[tuple[str, str, Reply]] = field(default_factory=list)
    idle: Callable[[], Awaitable[None]] | None = None

    async def act(self, who: Actor, command: str, **options: Any) -> Reply:
        """`who` runs a slash command."""
        reply = await who.run(command, **options)
        shown = " ".join(f"{k}:{v}" for k, v in options.items())
        return await self._record(who, f"runs /{command} {shown}".rstrip(), reply)

    async def click(
        self, who: Actor, message: Reply | dict[str, Any], button: str, values: list[str] | None = None
    ) -> Reply:
        """`who` clicks a button (or picks `values` in a select) on a message."""
        reply = await who.click(message, button, values)
        raw = message.components if isinstance(message, Reply) else message.get("components") or []
        target = next(
            (c for c in flatten_components(raw) if button in (c.get("custom_id"), c.get("label"))), {}
        )
        if values is None:
            return await self._record(who, f"clicks “{target.get('label') or button}”", reply)
        labels = {str(o.get("value")): str(o.get("label")) for o in target.get("options") or []}
        picked = ", ".join(labels.get(v, v) for v in values)
        return await self._record(who, f"picks “{picked}” from the menu", reply)

    async def submit(self, who: Actor, modal: Reply, values: dict[str, Any]) -> Reply:
        """`who` fills in and sends the form that `modal` opened."""
        reply = await who.submit(modal, values)
        return await self._record(who, "fills in the form and sends it", reply)

    async def _record(self, who: Actor, action: str, reply: Reply) -> Reply:
        """Note the step as the member sees it now that the bot is done with it (long work edits a
        deferred answer as it goes), and hand that back to the scene."""
        if self.idle is not None:
            await self.idle()
        if reply.type == DEFERRED and reply.interaction_id:
            reply = await self.control.interaction(reply.interaction_id)
        self.steps.append((who.username, action, reply))
        return reply

    async def channel_id(self, name: str) -> str:
        return await self.control.channel_id(self.guild_id, name)


def scenes() -> list[ModuleType]:
    """Every scene module, in its ORDER."""
    found = [
        importlib.import_module(f"{demo_scenes.__name__}.{info.name}")
        for info in pkgutil.iter_modules(demo_scenes.__path__)
        if not info.name.startswith("_")
    ]
    return sorted(found, key=lambda module: int(getattr(module, "ORDER", 100)))


async def play(stage: Stage, transcript: Transcript) -> None:
    for scene in scenes():
        await scene.play(stage)
    transcript.learn(await stage.control.guild(stage.guild_id))
    transcript.lines.append("== What happened ==")
    for who, action, reply in stage.steps:
        transcript.step(who, action, reply)


async def handlers_idle(within: float = IDLE_WAIT) -> None:
    """Wait until the bot's commands, buttons and forms have finished (they run in this process). Bounded:
    a command that waits for a click (a preview, a confirmation) finishes only after the next step."""
    current = asyncio.current_task()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (left := deadline - loop.time()) > 0:
        running = [
            t
            for t in asyncio.all_tasks()
            if t is not current and not t.done() and t.get_name().startswith(HANDLER_TASKS)
        ]
        if not running:
            return
        await asyncio.wait(running, timeout=min(left, 0.05))


async def demo(serve: bool, port: int) -> int:
    started = time.monotonic()
    emulator = Emulator(bot_username="copbot")
    await emulator.start(port=port if serve else 0)
    control = await Control.connect(emulator.url)
    with tempfile.TemporaryDirectory(prefix="copbot-demo-") as folder:
        runner = LocalBot(emulator.url, emulator.bot_token, Path(folder) / "demo.db")
        try:
            guild_id, people = await build_community(control)
            bot = await runner.start()
            transcript = Transcript(DEMO_ZONE, bot.clock)
            await play(Stage(control, guild_id, people, idle=handlers_idle), transcript)
            transcript.lines.append("")
            transcript.lines.append("== The channels now ==")
            guild = await control.guild(guild_id)
            transcript.learn(guild)
            for channel in guild["channels"]:
                if channel["type"] == 0:
                    transcript.channel(channel["name"], await control.messages(channel["id"]))
            transcript.print()
            print(f"\nDemo finished in {time.monotonic() - started:.1f} s.")
            if serve:
                await _serve(emulator, guild_id, people)
        finally:
            await runner.stop()
            await control.close()
            await emulator.stop()
    return 0


async def _serve(emulator: Emulator, guild_id: str, people: dict[str, Actor]) -> None:
    member = people["olivia_organizer"]
    print(
        f"\nThe emulator and copbot keep running. Control API: {emulator.url}/_emulator\n"
        f"  guild {guild_id}; members: "
        + ", ".join(f"{name} ({actor.user_id})" for name, actor in people.items())
        + "\nRun a command as the organizer:\n"
        f"  curl -s -X POST {emulator.url}/_emulator/interactions -H 'Content-Type: application/json' \\\n"
        f'    -d \'{{"guild_id":"{guild_id}","channel_id":"{member.channel_id}","user_id":"{member.user_id}",'
        f'"command":"cop settings","options":{{}}}}\'\n'
        f"  curl -s {emulator.url}/_emulator/guilds/{guild_id}\n"
        "Press Ctrl-C to stop."
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def run_demo(*, serve: bool = False, port: int = 0) -> int:
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(demo(serve, port))
    return 130


if __name__ == "__main__":
    sys.exit(run_demo())
