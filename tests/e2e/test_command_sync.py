"""Commands stay in sync by themselves: a start registers them only when they changed since the last one;
and one bot per database: a second `copbot run` on the same file refuses, saying why."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.command_sync import scope_of, tree_hash
from bot.local import LocalBot
from core.clock import ManualClock
from emulator import Emulator
from emulator.driver import Control
from storage.command_syncs import CommandSyncRepository
from storage.instance_lock import AlreadyRunning, holder
from tests.e2e.process import CopbotProcess

REGISTER = "PUT /applications/{application_id}/commands"


async def registrations(control: Control) -> int:
    return sum(1 for r in await control.requests() if f"{r['method']} {r['route']}" == REGISTER)


async def test_a_start_registers_the_commands_only_when_they_changed(
    emulator: Emulator, control: Control, clock: ManualClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runner = LocalBot(emulator.url, emulator.bot_token, tmp_path / "copbot.db", clock=clock)
    with caplog.at_level(logging.INFO, logger="bot.command_sync"):
        bot = await runner.start(sync=False)
    assert await registrations(control) == 1  # the first start: nothing was registered yet
    assert "cop" in [c["name"] for c in emulator.state.global_commands.values()]
    assert "registered 18 commands" in caplog.text
    stored = await CommandSyncRepository(bot.db).get(scope_of(None))
    assert stored == tree_hash(bot.tree)

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.command_sync"):
        bot = await runner.restart()
    assert await registrations(control) == 1  # the same commands: Discord is left alone
    assert "registered" not in caplog.text

    # An upgrade: what was last registered is not what this code has.
    await CommandSyncRepository(bot.db).record(scope_of(None), "an older tree", clock.now())
    await runner.restart()
    assert await registrations(control) == 2
    await runner.stop()


async def test_a_refused_registration_is_logged_the_bot_starts_and_the_next_start_tries_again(
    emulator: Emulator, control: Control, clock: ManualClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await control.fault("server_error", route=REGISTER, status=503, count=1)
    runner = LocalBot(emulator.url, emulator.bot_token, tmp_path / "copbot.db", clock=clock)
    with caplog.at_level(logging.ERROR, logger="bot.command_sync"):
        bot = await runner.start(sync=False)
    assert "could not register the commands with Discord (503" in caplog.text
    assert bot.scheduler.running  # started anyway
    assert await CommandSyncRepository(bot.db).get(scope_of(None)) is None
    await runner.restart()
    assert await registrations(control) == 2
    assert emulator.state.global_commands
    await runner.stop()


def test_the_hash_is_what_discord_is_given_in_any_order() -> None:
    import discord
    from discord import app_commands

    def tree_of(*names: str) -> app_commands.CommandTree[discord.Client]:
        tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
        for name in names:

            async def callback(interaction: discord.Interaction) -> None:
                """A command."""

            tree.add_command(app_commands.Command(name=name, description="A command.", callback=callback))
        return tree

    assert tree_hash(tree_of("a", "b")) == tree_hash(tree_of("b", "a"))  # type: ignore[arg-type]
    assert tree_hash(tree_of("a", "b")) != tree_hash(tree_of("a", "c"))  # type: ignore[arg-type]


async def test_a_second_bot_on_the_same_database_refuses_and_the_first_keeps_running(
    emulator: Emulator, control: Control, clock: ManualClock, tmp_path: Path
) -> None:
    database = tmp_path / "copbot.db"
    first = LocalBot(emulator.url, emulator.bot_token, database, clock=clock)
    await first.start()
    assert holder(database) is not None
    second = LocalBot(emulator.url, emulator.bot_token, database, clock=clock)
    with pytest.raises(
        AlreadyRunning, match=r"another copbot is already running on .*post every announcement"
    ):
        await second.start()
    await second.stop()
    assert first.bot is not None
    assert first.bot.scheduler.running
    await first.stop()
    assert holder(database) is None
    await second.start()  # free again
    await second.stop()


async def test_a_second_copbot_process_says_why_in_one_line(
    emulator: Emulator, control: Control, copbot_process: CopbotProcess, tmp_path: Path
) -> None:
    await copbot_process.sync()
    await copbot_process.start()
    assert copbot_process.process is not None
    assert holder(copbot_process.database) == copbot_process.process.pid
    code, _, err = await copbot_process.run_once("run")
    assert code == 2
    assert "Traceback" not in err, err
    [line] = [text for text in err.splitlines() if text.startswith("copbot:")]  # -X dev adds its warnings
    assert (
        f"another copbot is already running on {copbot_process.database} (process {copbot_process.process.pid})"
        in line
    )
    await copbot_process.kill()  # killed, not stopped: the lock goes with the process
    assert holder(copbot_process.database) is None
