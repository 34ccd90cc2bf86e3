"""The daily backup end to end: made at 03:00 in the community's zone by the durable scheduler, the newest
fourteen kept, once a day across restarts; a failing one told to organizers once while the bot keeps
serving; `copbot backups` and `copbot restore` from the command line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.backups import FAILING, KIND
from storage.backups import BackupFile, check, listing
from storage.guilds import Purpose
from storage.instance_lock import holder
from tests.e2e.community import Community, eventually
from tests.e2e.process import CopbotProcess

# The tests' clock starts at 2026-10-14 17:00 UTC: 10:00 in Phoenix (UTC-7, no daylight saving).
FIRST = datetime(2026, 10, 15, 10, 0, tzinfo=UTC)  # 03:00 in Phoenix the next day


def folder_of(community: Community) -> Path:
    return community.bot.settings.backups


async def made(community: Community) -> list[BackupFile] | None:
    return listing(folder_of(community)) or None


async def done_backups(community: Community) -> int:
    return int(
        await community.bot.db.fetchval(
            "SELECT COUNT(*) FROM jobs WHERE kind = ? AND state = 'done'", (KIND,)
        )
        or 0
    )


async def test_a_backup_is_made_every_night_at_three_and_the_newest_fourteen_are_kept(
    community: Community,
) -> None:
    [series] = [s for s in await community.bot.scheduler.jobs.series_of(0) if s.kind == KIND]
    assert (dict(series.trigger), series.timezone) == ({"hour": 3, "minute": 0}, "America/Phoenix")
    await community.travel(FIRST - timedelta(minutes=1))
    assert listing(folder_of(community)) == []
    await community.travel(FIRST + timedelta(minutes=1))
    [first] = await eventually(lambda: made(community), what="the first backup")
    assert first.path.name.startswith("copbot-2026-10-15-")  # the host's local time, whatever its zone
    assert check(first.path) is None

    await community.restart()  # the series is kept: no second backup for the same night
    await community.travel(FIRST + timedelta(days=15, minutes=1))
    await eventually(lambda: _count_is(community, 16), what="sixteen nights of backups")
    kept = listing(folder_of(community))
    assert len(kept) == 14  # COPBOT_BACKUP_KEEP's default: the two oldest were removed
    assert first.path not in [b.path for b in kept]
    assert len([s for s in await community.bot.scheduler.jobs.series_of(0) if s.kind == KIND]) == 1


async def _count_is(community: Community, count: int) -> bool:
    return await done_backups(community) == count


async def test_a_failing_backup_tells_organizers_once_and_the_bot_keeps_serving(community: Community) -> None:
    await community.bot.guild_settings.set_channel(
        int(community.guild_id), Purpose.ANNOUNCEMENTS, int(community.general_id)
    )
    blocked = Path(community.bot.settings.database).parent / "a file, not a folder"
    blocked.write_text("")
    community.bot.settings.backup_folder = blocked / "backups"  # cannot be made: as a read-only disk
    await community.travel(FIRST + timedelta(days=2, minutes=1))  # three nights fail
    await eventually(lambda: _count_is(community, 3), what="three failed nights")
    told = [
        m
        for m in await community.control.messages(community.general_id)
        if "could not make its daily backup" in m["content"]
    ]
    assert len(told) == 1  # once, not every night
    assert "tries again tomorrow" in told[0]["content"]
    assert (await community.alice.run("cop about")).text  # still serving
    assert await community.bot.db.fetchval("SELECT 1 FROM bot_state WHERE key = ?", (FAILING,))

    community.bot.settings.backup_folder = None  # fixed: the next night works and clears the flag
    await community.advance(timedelta(days=1))
    await eventually(lambda: made(community), what="a backup after the fix")
    assert await community.bot.db.fetchval("SELECT 1 FROM bot_state WHERE key = ?", (FAILING,)) is None


async def test_backups_are_listed_and_restore_refuses_while_the_bot_runs(
    copbot_process: CopbotProcess, tmp_path: Path
) -> None:
    code, out, err = await copbot_process.run_once("backups")
    assert code == 0, err
    assert "No backups in" in out
    await copbot_process.sync()
    await copbot_process.start()
    folder = tmp_path / "backups"  # the default folder: beside the database
    await asyncio.to_thread(folder.mkdir)
    code, out, err = await copbot_process.run_once("backup", str(folder))
    assert code == 0, err
    code, out, err = await copbot_process.run_once("backups")
    assert code == 0, err
    assert f"1 backup in {folder}, newest first (keeping 14)" in out
    [backup] = listing(folder)
    assert backup.path.name in out
    code, out, err = await copbot_process.run_once("restore", str(backup.path))
    assert code == 2
    [line] = [text for text in err.splitlines() if text.startswith("copbot:")]
    assert "not restored: another copbot is already running" in line
    await copbot_process.terminate()
    assert holder(copbot_process.database) is None
    code, out, err = await copbot_process.run_once("restore", str(backup.path))
    assert code == 0, err
    assert "the database it replaced is kept as" in out
    await copbot_process.start()  # the restored database serves
