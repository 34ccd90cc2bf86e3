"""The daily backup: a durable series of the scheduler, at COPBOT_BACKUP_TIME in the community's time zone.

Each run writes a checked, dated copy of the database into the backup folder (`storage.backups`) and keeps
the newest COPBOT_BACKUP_KEEP. A failure (a full or read-only disk, a folder that cannot be made) is logged
and told to the organizers of every server once, until a backup succeeds again; the bot keeps running and
tries again the next day. At start, the series is created, or made again when the time or zone changed.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from core.scheduler import RunContext
from storage.backups import rotate, write_backup
from storage.bot_state import BotStateRepository
from storage.database import DatabaseError
from storage.jobs import Job

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

KIND = "backup.daily"
OWNER = "backups"
BOT_WIDE = 0  # the series belongs to no server: the database holds them all
FAILING = "backup_failing"  # bot_state key: set while backups fail, so organizers are told once
GRACE = timedelta(hours=23)  # a bot that was down at the hour makes the backup when it is back

__all__ = ["FAILING", "KIND", "community_zone", "install", "run_backup"]


async def community_zone(bot: CopBot) -> str:
    """The time zone organizers set (`/cop timezone`) on the first server that set one."""
    return await bot.guild_settings.first_timezone()


def install(bot: CopBot) -> None:
    async def handle(job: Job, context: RunContext) -> None:
        await run_backup(bot)

    bot.scheduler.register(KIND, handle, grace=GRACE)


async def ensure_series(bot: CopBot) -> None:
    """The daily series at the configured time and zone: kept if it is right, else made again."""
    hour, minute = (int(part) for part in bot.settings.backup_time.split(":"))
    zone = await community_zone(bot)
    trigger = {"hour": hour, "minute": minute}
    current = [s for s in await bot.scheduler.jobs.series_of(BOT_WIDE) if s.kind == KIND]
    if len(current) == 1 and dict(current[0].trigger) == trigger and current[0].timezone == zone:
        return
    if current:
        await bot.scheduler.cancel(owner=OWNER, guild_id=BOT_WIDE, kind=KIND)
    await bot.scheduler.recurring(KIND, trigger, guild_id=BOT_WIDE, owner=OWNER, timezone=zone)
    log.info("daily backup at %s (%s) into %s", bot.settings.backup_time, zone, bot.settings.backups)


async def run_backup(bot: CopBot) -> None:
    """One backup now; failures are reported, never raised (the scheduler would only retry the same disk)."""
    folder, keep = bot.settings.backups, bot.settings.backup_keep
    now = bot.clock.now()
    try:
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        path = await asyncio.to_thread(write_backup, bot.settings.database, folder, now.astimezone())
        removed = await asyncio.to_thread(rotate, folder, keep)
    except (OSError, DatabaseError) as exc:
        reason = _reason(exc)
        log.error("the daily backup failed: %s", reason)
        state = BotStateRepository(bot.db)
        if await state.get(FAILING) is None:
            await state.set(FAILING, now.isoformat())
            text = (
                f"**Organizers:** copbot could not make its daily backup of the database: {reason}. It keeps "
                "running and tries again tomorrow; whoever hosts copbot should free space or fix the folder "
                "(COPBOT_BACKUP_FOLDER). You will not be told again until a backup works."
            )
            for guild in bot.guilds:
                await bot.platform.tell_organizers(guild.id, text, nonce=f"backup-failed-{now:%Y%m%d}")
        return
    await BotStateRepository(bot.db).forget(FAILING)
    log.info("backed up the database to %s (%d kept, %d removed)", path, keep, len(removed))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror.lower()} ({exc.filename or 'the backup folder'})"
    return str(exc).rstrip(".")
