"""copbot as a real process: killed with SIGKILL mid-burst it still delivers every post exactly once;
stopped with SIGTERM it closes cleanly."""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import PIPE
from collections import Counter
from pathlib import Path

from bot.backups import KIND as BACKUP
from core.clock import SystemClock
from core.organizers import POST_KIND
from emulator import Emulator
from emulator.driver import Control
from storage.database import Database
from storage.jobs import JobRepository, JobState, NewJob
from tests.e2e.community import eventually
from tests.e2e.process import CopbotProcess

BURST = 120


async def _posted(control: Control, channel_id: str) -> list[str]:
    return [m["content"] for m in await control.messages(channel_id)]


async def test_kill_9_during_a_burst_delivers_every_post_exactly_once(
    control: Control, copbot_process: CopbotProcess
) -> None:
    guild = await control.create_guild("Crash Test Community")
    channel_id = next(str(c["id"]) for c in guild["channels"] if c["name"] == "general")
    # The child process reads the system clock, so the burst is due by that clock: all of it at once.
    now = SystemClock().now()
    db = await Database.open(copbot_process.database)
    try:
        await JobRepository(db).insert_many(
            [
                NewJob(
                    guild_id=int(guild["id"]),
                    kind=POST_KIND,
                    owner=f"burst:{n}",
                    due_at=now,
                    payload={"channel_id": int(channel_id), "content": f"post {n:03d}"},
                )
                for n in range(BURST)
            ],
            now=now,
        )
    finally:
        await db.close()
    # Slow each post so that the kill lands in the middle of the burst (copbot sends up to 32 at once).
    await control.fault("slow", route="POST /channels/{channel_id}/messages", count=BURST, delay=0.25)

    await copbot_process.start()
    await eventually(lambda: _at_least(control, channel_id, 10), within=20, what="the burst to begin")
    await copbot_process.kill()
    after_kill = len(await _posted(control, channel_id))
    assert after_kill < BURST, "the kill came too late to test anything"
    db = await Database.open(copbot_process.database, migrate=False)
    try:
        interrupted = await db.fetchval("SELECT COUNT(*) FROM jobs WHERE state = 'running'")
    finally:
        await db.close()
    assert interrupted >= 1, "no post was in flight at the kill"

    await copbot_process.start()
    await eventually(lambda: _at_least(control, channel_id, BURST), within=30, what="every post")
    await eventually(lambda: _all_done(copbot_process), within=10, what="every job marked done")
    posts = await _posted(control, channel_id)
    counts = Counter(posts)
    assert sorted(counts) == [f"post {n:03d}" for n in range(BURST)]
    assert max(counts.values()) == 1, [p for p, c in counts.items() if c > 1]
    code, stderr = await copbot_process.terminate()
    assert code == 0, stderr


async def test_sigterm_closes_cleanly(control: Control, copbot_process: CopbotProcess) -> None:
    await control.create_guild("Quiet Community")
    await copbot_process.start()
    code, stderr = await copbot_process.terminate()
    assert code == 0, stderr
    for warning in ("Unclosed", "Task was destroyed", "Traceback", "never awaited"):
        assert warning not in stderr, stderr
    db = await Database.open(copbot_process.database)
    try:
        assert await db.schema_version() >= 2
    finally:
        await db.close()


async def _at_least(control: Control, channel_id: str, count: int) -> bool:
    return len(await _posted(control, channel_id)) >= count


async def _all_done(process: CopbotProcess) -> bool:
    db = await Database.open(process.database, migrate=False)
    try:
        pending = await db.fetchval(  # every post's job (the daily backup's waits for 03:00)
            "SELECT COUNT(*) FROM jobs WHERE state != ? AND kind != ?", (JobState.DONE.value, BACKUP)
        )
        return pending == 0
    finally:
        await db.close()


async def _copbot(emulator: Emulator, cwd: Path, *args: str, **extra: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPBOT_", "DISCORD_"))}
    env.update({"DISCORD_TOKEN": emulator.bot_token, "COPBOT_DISCORD_API_URL": emulator.url, **extra})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=cwd, stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_sync_registers_the_commands_in_one_guild_or_globally(
    emulator: Emulator, control: Control, tmp_path: Path
) -> None:
    guild = await control.create_guild("Sync Community")
    code, out, err = await _copbot(emulator, tmp_path, "sync", "--guild", str(guild["id"]))
    assert code == 0, err
    assert f"to server {guild['id']}" in out
    assert "cop" in [c["name"] for c in emulator.state.guild_commands[int(guild["id"])].values()]
    assert not emulator.state.global_commands

    code, out, err = await _copbot(emulator, tmp_path, "sync", "--dev", COPBOT_DEV_GUILD=str(guild["id"]))
    assert code == 0, err
    code, out, err = await _copbot(emulator, tmp_path, "sync")
    assert code == 0, err
    assert "all servers" in out
    assert "cop" in [c["name"] for c in emulator.state.global_commands.values()]


def _single_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


async def test_sync_and_run_with_a_wrong_token_say_so_plainly(emulator: Emulator, tmp_path: Path) -> None:
    for command in ("sync", "run"):
        code, _, err = await _copbot(
            emulator, tmp_path, command, DISCORD_TOKEN="MTA.wrong.token", COPBOT_LOG_LEVEL="WARNING"
        )
        assert code == 2, err
        assert _single_line(err).startswith("copbot: Discord refused the token."), err


async def test_sync_to_an_unknown_server_says_so_plainly(emulator: Emulator, tmp_path: Path) -> None:
    code, out, err = await _copbot(emulator, tmp_path, "sync", "--guild", "123456789012345678")
    assert code == 2, err
    line = _single_line(err)
    assert "Discord refused to register the commands in server 123456789012345678" in line
    assert "copbot is not in that server, or the ID is wrong" in line
    assert not out
