"""copbot against the floor: each interaction's time as a ratio to a bare discord.py bot's, measured side by side.

    python bench/floor.py [--samples 300] [--profiles 10000] [--resources 100000] [--meetings 5000]
                          [--rsvps 1000] [--only NAME ...] [--json PATH]

Two emulators in this process, one bot each, both bots as their own processes (asyncio's debug mode off): the
floor (`bench/floor_bot.py`: a static reply to a slash command, a button, an autocomplete and a modal) and
copbot (`copbot run`), whose database is seeded at community scale first: `--profiles` profiles in 60 schools,
`--resources` resources, `--meetings` meetings, and `--rsvps` RSVPs on the meeting whose card is clicked.
Then, for every interaction below, `--samples` samples of copbot interleaved with as many of the floor's
matching kind (slash command, button, autocomplete, modal submit), alternating which goes first.

Times are the emulator's, from dispatching the interaction to the bot's first answer (what Discord's 3 s
deadline measures); autocompletes, which the emulator answers to the member directly, are the member's round
trip for both bots. CPU per request is each process's user + system time over its samples (Linux's /proc);
memory is resident size, idle (after start) and seeded (after every sample). Prints a table of medians and
p99s with their ratio to the floor; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the copbot process helper lives with the tests

from bench.directory import seed as seed_profiles
from bench.report import rss_mb
from bench.resources import Writer, fill
from core.meetings.rsvp import record_answer
from emulator import Emulator
from emulator.driver import Actor, Control, Reply
from storage.database import Database
from storage.meetings import MeetingRepository, NewMeeting, RsvpStatus
from tests.e2e.process import CopbotProcess

HERE = Path(__file__).resolve().parent
INTRO: dict[str, Any] = {
    "Your name": "Olivia",
    "School or organization": "Arizona STEM Network",
    "Role or title": "organizer",
    "STEM interests (comma separated)": "robotics, coding",
}
STATUSES = (RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.NO)
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float:
    """A process's user + system time so far (Linux's /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


class Floor:
    """`bench/floor_bot.py` as its own process against its own emulator."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {**os.environ, "DISCORD_TOKEN": self.emulator.bot_token, "FLOOR_API_URL": self.emulator.url}
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, str(HERE / "floor_bot.py"), env=env, stdout=asyncio.subprocess.PIPE
        )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 60)
        if line.strip() != b"ready":
            raise RuntimeError(f"the floor bot did not start: {line!r}")

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


@dataclass
class Side:
    """One bot in the comparison: its members' view of it and its process."""

    actor: Actor
    pid: int


Step = Callable[[], Awaitable[float]]  # one interaction; returns its time in seconds


def answered(reply: Reply) -> float:
    if "error" in reply.raw or "response_ms" not in reply.raw:
        raise RuntimeError(f"the interaction was not answered: {str(reply.raw)[:300]}")
    return float(reply.raw["response_ms"]) / 1000


def slash(actor: Actor, command: str, **options: Any) -> Step:
    async def step() -> float:
        return answered(await actor.run(command, **options))

    return step


def click(actor: Actor, message: dict[str, Any] | Reply, button: str) -> Step:
    async def step() -> float:
        return answered(await actor.click(message, button))

    return step


def autocomplete(actor: Actor, command: str, focused: str, **options: Any) -> Step:
    async def step() -> float:
        started = time.perf_counter()
        choices = await actor.autocomplete(command, focused, **options)
        if not choices:
            raise RuntimeError(f"no choices for {command} {focused}")
        return time.perf_counter() - started

    return step


def submit(actor: Actor, command: str, values: dict[str, Any], **options: Any) -> Step:
    async def step() -> float:
        modal = await actor.run(command, **options)
        if not modal.is_modal:
            raise RuntimeError(f"{command} did not open a form: {modal.text[:200]}")
        return answered(await actor.submit(modal, values))

    return step


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def compare(
    name: str, copbot: Step, floor: Step, samples: int, sides: tuple[Side, Side]
) -> dict[str, Any]:
    """`samples` of each, interleaved, which one goes first alternating; CPU over the block."""
    ours, theirs = [], []
    cpu_before = [cpu_seconds(side.pid) for side in sides]
    for n in range(samples):
        if n % 2:
            ours.append(await copbot())
            theirs.append(await floor())
        else:
            theirs.append(await floor())
            ours.append(await copbot())
    cpu = [(cpu_seconds(side.pid) - before) / samples for side, before in zip(sides, cpu_before, strict=True)]
    row: dict[str, Any] = {
        "interaction": name,
        "median_ms": round(statistics.median(ours) * 1000, 2),
        "p99_ms": round(percentile(ours, 0.99) * 1000, 2),
        "floor_median_ms": round(statistics.median(theirs) * 1000, 2),
        "floor_p99_ms": round(percentile(theirs, 0.99) * 1000, 2),
        "cpu_ms": round(cpu[0] * 1000, 2),
        "floor_cpu_ms": round(cpu[1] * 1000, 2),
    }
    row["median_x"] = round(row["median_ms"] / row["floor_median_ms"], 2)
    row["p99_x"] = round(row["p99_ms"] / row["floor_p99_ms"], 2)
    print(
        f"  {name:<44} {row['median_ms']:>7.1f} {row['median_x']:>6.2f}x {row['p99_ms']:>7.1f} "
        f"{row['p99_x']:>6.2f}x {row['cpu_ms']:>6.2f} / {row['floor_cpu_ms']:.2f}",
        flush=True,
    )
    return row


async def seed_meetings(db: Database, guild_id: int, count: int) -> None:
    repo = MeetingRepository(db)
    now = datetime.now(UTC)
    async with db.transaction():
        for i in range(count):
            when = now + timedelta(hours=i - count // 2)
            await repo.create(
                NewMeeting(
                    guild_id, f"Meeting {i}", when, when + timedelta(hours=1), "America/Phoenix", 10, 1
                ),
                now=now,
            )


async def seed_rsvps(db: Database, guild_id: int, meeting_id: int, count: int) -> None:
    """`count` answers through the click's own rule, so the rows are what clicks leave."""
    repo = MeetingRepository(db)
    now = datetime.now(UTC)
    for user in range(count):
        await record_answer(repo, guild_id, meeting_id, 10_000 + user, STATUSES[user % 3], now=now)


async def drain(stream: asyncio.StreamReader | None, errors: list[str]) -> None:
    """Read the bot's log (a full pipe would stall it), keeping what it logged at ERROR."""
    while stream is not None and (line := await stream.readline()):
        if b"ERROR" in line:
            errors.append(line.decode(errors="replace").strip()[:200])


async def run(args: argparse.Namespace) -> dict[str, Any]:
    floor_emulator, copbot_emulator = Emulator(bot_username="floor"), Emulator(bot_username="copbot")
    await floor_emulator.start(port=0)
    await copbot_emulator.start(port=0)
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    floor_control, control = Control(floor_emulator.url, session), Control(copbot_emulator.url, session)
    floor = Floor(floor_emulator)
    figures: dict[str, Any] = {"options": vars(args) | {"json": None}, "rows": []}
    with tempfile.TemporaryDirectory() as folder:
        copbot = CopbotProcess(copbot_emulator, control, Path(folder) / "floor.db", debug=False)
        errors: list[str] = []
        drains: list[asyncio.Task[None]] = []
        try:
            floor_guild = await floor_control.create_guild("Floor")
            floor_member = await floor_control.add_member(str(floor_guild["id"]), "member", admin=True)
            floor_member.channel_id = str(floor_guild["system_channel_id"])
            guild = await control.create_guild("Arizona STEM Network")
            guild_id = int(guild["id"])
            organizer = await control.add_member(str(guild_id), "olivia_organizer", admin=True)
            organizer.channel_id = str(guild["system_channel_id"])
            await floor.start()
            await copbot.sync()
            await copbot.start()
            assert copbot.process is not None
            assert floor.process is not None
            drains = [
                asyncio.create_task(drain(p, errors)) for p in (copbot.process.stdout, copbot.process.stderr)
            ]
            await asyncio.sleep(1)  # both settled after start-up
            figures["rss_idle_mb"] = {
                "copbot": rss_mb(copbot.process.pid),
                "floor": rss_mb(floor.process.pid),
            }

            started = time.perf_counter()
            db = await Database.open(copbot.database)  # the bot's database, written beside it (WAL)
            try:
                await seed_profiles(db, args.profiles, guild_id)
                await fill(db, args.resources, Writer(random.Random(3)), guild_id)
                await seed_meetings(db, guild_id, args.meetings)
                await db.execute(  # the organizer's own profile, so /connect has someone to match
                    "INSERT INTO profiles (guild_id, user_id, name, organization, school_id, group_id, title,"
                    " interests, offers, seeks, created_at, updated_at) SELECT guild_id, ?, 'Olivia', 'ASN',"
                    " school_id, group_id, 'organizer', interests, offers, 'robotics mentors and a grant',"
                    " created_at, updated_at FROM profiles WHERE guild_id = ? AND user_id = 1",
                    (int(organizer.user_id), guild_id),
                )
                await organizer.run("meeting schedule", title="Kickoff", when="in 3 days")
                intro = INTRO | {
                    "Stakeholder group": [
                        str(
                            await db.fetchval(
                                "SELECT MIN(id) FROM stakeholder_groups WHERE guild_id = ?", (guild_id,)
                            )
                        )
                    ]
                }
                meeting_id = int(
                    await db.fetchval("SELECT MAX(id) FROM meetings WHERE guild_id = ?", (guild_id,))
                )
                await seed_rsvps(db, guild_id, meeting_id, args.rsvps)
            finally:
                await db.close()
            figures["seed_s"] = round(time.perf_counter() - started, 1)
            print(
                f"seeded {args.profiles} profiles, {args.resources} resources, {args.meetings} meetings and "
                f"{args.rsvps} RSVPs in {figures['seed_s']:.1f} s; {args.samples} samples each, interleaved",
                flush=True,
            )
            posts = await control.messages(organizer.channel_id)
            kickoff = next(m for m in reversed(posts) if "Kickoff" in json.dumps(m.get("embeds", [])))
            await floor_member.run("button")
            floor_message = (await floor_control.messages(floor_member.channel_id))[-1]
            sides = (Side(organizer, copbot.process.pid), Side(floor_member, floor.process.pid))
            floor_slash = slash(floor_member, "ping")
            floor_click = click(floor_member, floor_message, "Go")
            floor_auto = autocomplete(floor_member, "pick", "choice", choice="a")
            floor_form = submit(floor_member, "form", {"Text": "hello"})
            plan: list[tuple[str, Step, Step]] = [
                ("/cop about", slash(organizer, "cop about"), floor_slash),
                (f"RSVP Going ({args.rsvps} RSVPs on the meeting)", click(organizer, kickoff, "Going"), floor_click),
                (f"/resource search ({args.resources} resources)", slash(organizer, "resource search", query="robotics grant"), floor_slash),
                (f"/directory ({args.profiles} profiles)", slash(organizer, "directory"), floor_slash),
                (f"/directory text: ({args.profiles} profiles)", slash(organizer, "directory", text="robotics"), floor_slash),
                (f"/meeting list ({args.meetings} meetings)", slash(organizer, "meeting list"), floor_slash),
                ("/meeting show", slash(organizer, "meeting show", id=str(meeting_id)), floor_slash),
                ("/connect", slash(organizer, "connect"), floor_slash),
                ("/groups list", slash(organizer, "groups list"), floor_slash),
                ("/schools gaps", slash(organizer, "schools gaps"), floor_slash),
                ("/announce list", slash(organizer, "announce list"), floor_slash),
                ("autocomplete: /directory school", autocomplete(organizer, "directory", "school", school="Sch"), floor_auto),
                ("autocomplete: /meeting show id", autocomplete(organizer, "meeting show", "id", id="Meeting 1"), floor_auto),
                ("autocomplete: /resource edit id", autocomplete(organizer, "resource edit", "id", id="rob"), floor_auto),
                ("modal submit: /intro me", submit(organizer, "intro me", intro), floor_form),
            ]  # fmt: skip
            print(f"  {'interaction':<44} {'median':>7} {'':>7} {'p99':>7} {'':>7} {'CPU ms / floor'}")
            print(f"  (copbot is process {copbot.process.pid}, the floor {floor.process.pid})", flush=True)
            for name, ours, theirs in plan:
                if args.only and not any(part in name for part in args.only):
                    continue
                try:
                    figures["rows"].append(await compare(name, ours, theirs, args.samples, sides))
                except RuntimeError as exc:
                    print(f"  {name:<44} not measured: {exc}", flush=True)
                    figures["rows"].append({"interaction": name, "error": str(exc)})
            figures["rss_seeded_mb"] = {
                "copbot": rss_mb(copbot.process.pid),
                "floor": rss_mb(floor.process.pid),
            }
            figures["logged_errors"] = errors
        finally:
            for task in drains:
                task.cancel()
            await asyncio.gather(*drains, return_exceptions=True)
            await floor.stop()
            if copbot.process is not None and copbot.process.returncode is None:
                await copbot.terminate()
            await session.close()
            await floor_emulator.stop()
            await copbot_emulator.stop()
    idle, seeded = figures["rss_idle_mb"], figures["rss_seeded_mb"]
    print(
        f"memory: copbot {idle['copbot']:.0f} MB idle, {seeded['copbot']:.0f} MB after the samples; "
        f"the floor {idle['floor']:.0f} MB idle, {seeded['floor']:.0f} MB after"
    )
    figures["goals"] = goals(figures)
    return figures


def goals(figures: dict[str, Any]) -> dict[str, Any]:
    """Issue 18's goals against this run's figures, printed with ✓ or ✗ (growth and punctuality have their
    own scripts: bench/growth.py, bench/scheduler_load.py)."""
    rows = [row for row in figures["rows"] if "error" not in row]
    idle, seeded = figures["rss_idle_mb"], figures["rss_seeded_mb"]
    checks = {
        "median ≤ 1.25× the floor": [r["interaction"] for r in rows if r["median_x"] > 1.25],
        "p99 ≤ 1.25× the floor": [r["interaction"] for r in rows if r["p99_x"] > 1.25],
        "CPU per request ≤ 2× the floor's": [r["interaction"] for r in rows if r["cpu_ms"] > 2 * r["floor_cpu_ms"]],
    }  # fmt: skip
    print("goals:")
    for goal, missed in checks.items():
        mark = "✓" if not missed else f"✗ {len(missed)} of {len(rows)} miss: " + ", ".join(missed)
        print(f"  {goal}: {mark}")
    memory = {
        "idle RSS ≤ 1.3× the floor's": idle["copbot"] <= 1.3 * idle["floor"],
        "RSS after the samples ≤ 1.5× idle": seeded["copbot"] <= 1.5 * idle["copbot"],
    }
    for goal, met in memory.items():
        ratio = idle["copbot"] / idle["floor"] if "floor" in goal else seeded["copbot"] / idle["copbot"]
        print(f"  {goal}: {'✓' if met else '✗'} ({ratio:.2f}×)")
    return {"missed": checks, "memory": memory}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=5_000)
    parser.add_argument("--rsvps", type=int, default=1_000)
    parser.add_argument("--json", type=Path, help="also write the figures to this file as JSON")
    parser.add_argument("--only", action="append", help="measure only interactions whose name holds this")
    args = parser.parse_args()
    started = time.perf_counter()
    figures = asyncio.run(run(args))
    figures["total_s"] = round(time.perf_counter() - started, 1)
    print(f"total: {figures['total_s']:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
