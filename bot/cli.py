"""The `copbot` command line. Heavy imports wait until a subcommand needs them, so `--version` is quick."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import __version__

if TYPE_CHECKING:
    from bot.settings import Settings

NO_TOKEN = (
    "DISCORD_TOKEN is not set: put your bot's token in a .env file (see .env.example) or the environment, "
    "or try copbot without Discord with `copbot demo`."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="copbot",
        description="copbot: a Discord bot that runs a community of practice.",
    )
    parser.add_argument("--version", action="version", version=f"copbot {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log everything and show the full details (traceback) of a failure",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser(
        "run", help="run the bot (needs DISCORD_TOKEN)", description="Connect to Discord and serve members."
    )
    sync = sub.add_parser(
        "sync",
        help="register the slash commands with Discord, then exit",
        description="Register the slash commands. Without options they are registered globally "
        "(Discord can take up to an hour to show changes); --dev or --guild registers them in one server at once.",
    )
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--dev", action="store_true", help="sync to the server in COPBOT_DEV_GUILD")
    where.add_argument("--guild", type=int, metavar="ID", help="sync to this server ID")
    sub.add_parser(
        "doctor",
        help="check copbot's set-up and say what to fix",
        description="Connect with the token and check, for every server, the permissions, roles and channels "
        "copbot needs, then the commands, the database and the scheduler: a checklist of ✓ and ✗, each ✗ with "
        "the one thing to do. Exits with 1 when something is ✗.",
    )
    sub.add_parser(
        "migrate", help="create or upgrade the database, then exit", description="Apply pending migrations."
    )
    backup = sub.add_parser(
        "backup",
        help="write a consistent copy of the database",
        description="Copy the database safely, even while the bot runs.",
    )
    backup.add_argument(
        "path", help="the file to write, or a folder to write a dated copy in (copbot-YYYY-MM-DD-HHMMSS.db)"
    )
    sub.add_parser(
        "backups",
        help="list the daily backups, newest first",
        description="List the backups in the backup folder (COPBOT_BACKUP_FOLDER, else backups/ beside the "
        "database): when each was made and its size.",
    )
    restore = sub.add_parser(
        "restore",
        help="put a backup in place of the database (the bot must be stopped)",
        description="Check FILE (an intact copbot database, not from a newer copbot), then put it in place of "
        "the database. The database it replaces is kept beside it (NAME.before-restore-…). Refused while a "
        "bot runs on the database.",
    )
    restore.add_argument("file", help="the backup file to restore")
    report = sub.add_parser(
        "report",
        help="write a server's evidence report (charts, workbook, printable page) to a folder",
        description="Write the evidence report /report makes, from the database alone (no Discord needed): "
        "every chart as PNG, report.xlsx and report.html.",
    )
    report.add_argument("guild", type=int, metavar="GUILD_ID", help="the server's ID")
    report.add_argument("--out", required=True, metavar="DIR", help="the folder to write the files in")
    report.add_argument("--start", metavar="YYYY-MM-DD", help="first day (default: this school year's start)")
    report.add_argument("--end", metavar="YYYY-MM-DD", help="last day (default: today)")
    report.add_argument(
        "--name", help="the community's name on the report (default: as the last /report saw it)"
    )
    demo = sub.add_parser(
        "demo",
        help="try copbot offline against a local Discord emulator",
        description="Start a local Discord emulator and copbot, play a short scenario and print what members see.",
    )
    demo.add_argument("--serve", action="store_true", help="keep the emulator and bot running to explore")
    demo.add_argument(
        "--port", type=int, default=0, help="emulator port for --serve (default: any free port)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0

    from bot.logs import configure as configure_logging
    from bot.settings import SettingsError, load_settings
    from storage.database import DatabaseError

    debug = args.debug or os.environ.get("COPBOT_LOG_LEVEL", "").strip().upper() == "DEBUG"
    try:
        settings = load_settings()
        debug = debug or settings.log_level == "DEBUG"
        # The demo and sync print what they did; their progress logs would only hide it.
        quiet = args.command in ("demo", "sync") and "COPBOT_LOG_LEVEL" not in os.environ
        configure_logging(
            logging.DEBUG if args.debug else logging.WARNING if quiet else settings.log_level_number,
            settings.log_format,
        )
        if args.command == "run":
            return _run(settings)
        if args.command == "sync":
            return _sync(settings, dev=args.dev, guild_id=args.guild)
        if args.command == "doctor":
            token = _token(settings)
            return 2 if token is None else asyncio.run(doctor(settings, token))
        if args.command == "migrate":
            return asyncio.run(_migrate(settings))
        if args.command == "backup":
            return _backup(settings, args.path)
        if args.command == "backups":
            return _backups(settings)
        if args.command == "restore":
            return _restore(settings, Path(args.file))
        if args.command == "report":
            from bot.report_cli import write_report

            return write_report(settings, args.guild, args.out, args.start, args.end, args.name)
        if args.command == "demo":
            from bot.demo import run_demo

            return run_demo(serve=args.serve, port=args.port)
    except (SettingsError, DatabaseError, CliError) as exc:
        if debug:
            raise
        print(f"copbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one plain line, never a traceback (unless asked for)
        if debug:
            raise
        print(f"copbot: {plain_failure(exc, args.command)}", file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command}")
    return 2


class CliError(Exception):
    """A command failed for a reason the text explains; shown as one line, exit status 2."""


def plain_failure(error: BaseException, command: str) -> str:
    """One line a community organizer understands, for a failure no command explained itself."""
    import aiohttp
    import discord

    if isinstance(error, discord.LoginFailure):
        return TOKEN_REFUSED
    if isinstance(error, aiohttp.ClientConnectorError):
        return CANT_REACH.format(where=f" at {error.host}")
    if isinstance(error, aiohttp.ClientConnectionError | TimeoutError):
        return CANT_REACH.format(where="")
    if isinstance(error, discord.DiscordServerError):
        return (
            f"Discord is having trouble right now (HTTP {error.status}); try `copbot {command}` again later."
        )
    if isinstance(error, discord.HTTPException):
        return f"Discord refused: {error.status} {error.text or error.response.reason}".rstrip() + "."
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}."
    return (
        f"`copbot {command}` failed unexpectedly ({type(error).__name__}: {error}). "
        f"Run `copbot --debug {command}` to see the details."
    )


TOKEN_REFUSED = "Discord refused the token. Copy it again from the Developer Portal (Bot → Reset Token) into DISCORD_TOKEN."
CANT_REACH = (
    "can't reach Discord{where}: check this computer's internet connection (and COPBOT_DISCORD_API_URL, if you set "
    "it), then try again."
)


def _token(settings: Settings) -> str | None:
    if settings.discord_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return None
    return settings.discord_token.get_secret_value()


def _run(settings: Settings) -> int:
    token = _token(settings)
    if token is None:
        return 2
    return asyncio.run(serve(settings, token))


def start_refusal(runner: asyncio.Task[None]) -> str | None:
    """What to do when Discord refused a start that has ended: the token, or the Server Members intent (close
    code 4014); None when it ended otherwise (its error, if any, is raised)."""
    import discord

    from bot.doctor import INTENT_MISSING

    try:
        runner.result()
    except discord.LoginFailure:
        return TOKEN_REFUSED.rstrip(".")
    except discord.PrivilegedIntentsRequired:
        return INTENT_MISSING
    return None


async def serve(settings: Settings, token: str, *, fast_start: bool = False) -> int:
    """Run the bot until SIGINT or SIGTERM, then close it cleanly."""

    from bot.client import CopBot

    bot = CopBot(settings, fast_start=fast_start)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(token))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if runner in done:
            refused = start_refusal(runner)
            if refused is not None:
                print(f"copbot: {refused}.", file=sys.stderr)
                return 2
            return 0
        await bot.close()
        await runner
    return 0


async def doctor(settings: Settings, token: str) -> int:
    """`copbot doctor`: connect, check everything `bot.doctor` knows, print the checklist."""
    import discord

    from bot.client import CopBot
    from bot.doctor import Finding, bot_findings, render, server_findings
    from storage.backups import check

    findings: list[Finding] = []
    if settings.database.exists() and (problem := check(settings.database)) is not None:
        # The bot could not open it either: nothing else can be checked until it is fixed.
        print(f"✗ {problem} — stop copbot, then `copbot backups` and `copbot restore` the newest backup")
        return 1
    async with CopBot(settings, mode="doctor", fast_start=not settings.uses_real_discord) as bot:
        runner = asyncio.create_task(bot.start(token))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({runner, ready}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            ready.cancel()
            refused = start_refusal(runner)
            print(f"✗ {refused or 'the connection to Discord ended before it was ready: try again'}")
            return 1
        if ready not in done:
            ready.cancel()
            print("copbot: Discord did not finish connecting within 60 s; try again.", file=sys.stderr)
            await bot.close()
            return 1
        findings.append(Finding(True, "connected, with the Server Members intent"))
        if not bot.guilds:
            findings.append(
                Finding(False, "copbot is in no server", "invite it (README, Connect to Discord, step 3)")
            )
        for guild in sorted(bot.guilds, key=lambda g: g.name.casefold()):
            findings += await server_findings(bot, guild)
        try:
            registered = await bot.tree.fetch_commands()
        except discord.HTTPException:
            registered = None
        findings += await bot_findings(bot, registered=registered)
        await bot.close()
        await asyncio.gather(runner, return_exceptions=True)
    for line in render(findings):
        print(line)
    bad = sum(1 for f in findings if not f.ok)
    print(f"{bad} to fix." if bad else "Everything checks out.")
    return 1 if bad else 0


def _sync(settings: Settings, *, dev: bool, guild_id: int | None) -> int:
    token = _token(settings)
    if token is None:
        return 2
    if dev:
        if settings.dev_guild is None:
            print("copbot: --dev needs COPBOT_DEV_GUILD set to your test server's ID.", file=sys.stderr)
            return 2
        guild_id = settings.dev_guild
    return asyncio.run(sync_commands(settings, token, guild_id))


async def sync_commands(settings: Settings, token: str, guild_id: int | None) -> int:
    """Log in, register the commands globally or in one guild, and exit."""
    import discord

    from bot.client import CopBot
    from bot.command_sync import synced

    async with CopBot(settings, mode="sync") as bot:
        try:
            await bot.login(token)
        except discord.LoginFailure:
            print(f"copbot: {TOKEN_REFUSED}", file=sys.stderr)
            return 2
        guild = discord.Object(guild_id) if guild_id else None
        if guild is not None:
            bot.tree.copy_global_to(guild=guild)
        try:
            count = await synced(bot, guild)
        except (discord.Forbidden, discord.NotFound) as exc:
            if guild_id is None:
                raise
            raise CliError(
                f"Discord refused to register the commands in server {guild_id} ({exc.status}): copbot is not "
                "in that server, or the ID is wrong. Invite copbot there first (README, Connect to Discord, step "
                "3), or copy the server's ID again (Developer Mode → right-click the server → Copy Server ID)."
            ) from None
        where = f"server {guild_id}" if guild_id else "all servers (may take up to an hour to appear)"
        print(f"Synced {count} commands to {where}.")
    return 0


async def _migrate(settings: Settings) -> int:
    from storage.database import Database

    db = Database(settings.database)
    await db.connect()
    try:
        before = await db.schema_version()
        applied = await db.migrate()
        after = await db.schema_version()
    finally:
        await db.close()
    if applied:
        print(f"Database {settings.database} upgraded from version {before} to {after}.")
    else:
        print(f"Database {settings.database} is up to date (version {after}).")
    return 0


def _backup(settings: Settings, where: str) -> int:
    from storage.database import backup_database

    path = backup_path(where)
    backup_database(settings.database, path)
    print(f"Backed up {settings.database} to {path} ({os.path.getsize(path)} bytes).")
    return 0


def backup_path(where: str) -> Path:
    """The file a backup goes to: `where` itself, or a dated file inside it when it names a folder."""
    from core.clock import SystemClock
    from storage.backups import dated_path

    path = Path(where)
    if path.is_dir():
        return dated_path(path, SystemClock().now().astimezone())
    if where.endswith(("/", os.sep)):
        raise CliError(f"there is no folder {where}: create it first, or give a file name.")
    if not path.parent.is_dir():
        raise CliError(f"there is no folder {path.parent}: create it first, or back up somewhere else.")
    return path


def _backups(settings: Settings) -> int:
    from core.text import plural
    from storage.backups import listing

    folder = settings.backups
    found = listing(folder)
    if not found:
        print(
            f"No backups in {folder} yet: the first is made at {settings.backup_time} (COPBOT_BACKUP_TIME)."
        )
        return 0
    print(f"{plural(len(found), 'backup')} in {folder}, newest first (keeping {settings.backup_keep}):")
    for item in found:
        print(f"  {item.made:%Y-%m-%d %H:%M:%S}  {item.size / 1_000_000:8.1f} MB  {item.path.name}")
    return 0


def _restore(settings: Settings, file: Path) -> int:
    from core.clock import SystemClock
    from storage.backups import restore

    kept = restore(settings.database, file, SystemClock().now().astimezone())
    where = f"; the database it replaced is kept as {kept}" if kept else ""
    print(f"Restored {file} as {settings.database}{where}. Start copbot again: `copbot run`.")
    return 0
