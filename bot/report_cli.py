"""`copbot report GUILD_ID --out DIR`: the evidence report `/report` makes, written to a folder from the
database alone (the bot may be running: SQLite's WAL lets both read)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path

from bot.cli import CliError
from bot.settings import Settings
from core.clock import Clock, SystemClock
from core.report.gather import gather
from core.report.model import Report
from core.report.periods import PeriodRefusal, between, school_year
from core.report.render import render
from core.report.scope import Audience
from core.timeutil import get_zone
from storage.database import Database
from storage.guilds import GuildRepository
from storage.reports import ReportRepository


def _day(text: str | None, which: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--{which} {text!r} is not a date like 2026-09-01") from None


def write_report(
    settings: Settings,
    guild_id: int,
    out: str,
    start: str | None,
    end: str | None,
    name: str | None,
    clock: Clock | None = None,
) -> int:
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise CliError(f"{folder} is a file: give a folder for the report (it is created if needed)")
    when = (clock or SystemClock()).now()
    report = asyncio.run(_gather(settings, guild_id, _day(start, "start"), _day(end, "end"), name, when))
    files = render(report)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, data in files.files.items():
            (folder / file_name).write_bytes(data)
    except OSError as exc:
        raise CliError(f"could not write the report in {folder}: {exc.strerror or exc}") from None
    print(
        f"Wrote the report of {report.community} ({report.period.label}) to {folder}: {len(files.files)} files."
    )
    print(
        f"Open {folder / 'report.html'} in a browser (print it to PDF from there); the workbook is report.xlsx."
    )
    return 0


async def _gather(
    settings: Settings, guild_id: int, first: date | None, last: date | None, name: str | None, now: datetime
) -> Report:
    db = await Database.open(settings.database)
    try:
        if not await db.fetchval("SELECT 1 FROM guild_settings WHERE guild_id = ?", (guild_id,)):
            raise CliError(
                f"the database {settings.database} has no server {guild_id}: copy the server's ID again "
                "(Developer Mode → right-click the server → Copy Server ID)"
            )
        zone = await GuildRepository(db).timezone(guild_id)
        today = now.astimezone(get_zone(zone)).date()
        try:
            period = school_year(today) if first is None else between(first, last, today)
        except PeriodRefusal as exc:
            raise CliError(str(exc)) from None
        reports = ReportRepository(db)
        audience = Audience.everyone()
        return await gather(
            db,
            guild_id,
            community=name or await reports.community_name(guild_id) or f"Server {guild_id}",
            period=period,
            audience=audience,
            now=now,
            zone=zone,
            previous=await reports.last(guild_id, audience.key),
        )
    finally:
        await db.close()
