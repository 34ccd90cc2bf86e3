"""Surveys at the statewide scale: 1 000 members answering at once; the results over 10 000 answers.

    python bench/surveys.py [--members 1000] [--answers 10000] [--runs 50] [--limit 5] [--window 1.0]
                            [--json PATH]

1. The emulator with a guild of `--members` members, and the real bot as its own process (`copbot run`, as a
   host runs it: Discord and its members are elsewhere, so the bot's event loop is not shared with the
   emulator and a thousand simulated members; asyncio's debug mode off). An organizer
   runs `/survey start template:readiness`; then every member at once clicks **Answer the survey** on its
   post, submits page 1 (after 1 to 3 s on it, as a person would), clicks **Next page** and submits page 2
   (the readiness template has two pages of five questions). A member whose interaction failed (Discord's 3 s deadline, enforced by the emulator)
   does what a person would: clicks **Answer the survey** again, which resumes at their page, at most 3
   times. Figures: finished responses read from the database; every interaction's time (p50, p95, p99, max,
   over 3 s) twice: from the emulator's dispatch to the bot's response (what Discord's 3 s deadline
   measures), and the member's whole round trip (which adds the queue of the emulator and of a thousand
   simulated members, all on this one process); the wall time. The emulator applies Discord-like rate limits (`--limit` requests per
   `--window` s per route bucket, as `bench/statewide.py`); interaction callbacks have a bucket each, as on
   Discord.
2. A second survey, `--answers` finished responses seeded straight into the bot's database (ten stakeholder
   groups of uneven size, 61 school teams of uneven size, some members in two groups or in no team), then
   `/survey results` through the emulator `--runs` times with nothing changed since the last view (the bot
   shows the count it kept) and `--runs` times just after one answer changed (the bot reads that member's
   answers again and counts them in); the storage reads alone and the core aggregation
   (`core.surveys.results.result_lines`) alone, the parts of a full count (the first view after a restart
   or a deleted profile): median and p95.

Prints figures (and writes them as JSON with `--json`); asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the survey steps live with the tests

from core.surveys.questions import Kind, Question
from core.surveys.results import result_lines
from core.surveys.service import questions_of
from emulator import Emulator
from emulator.driver import Actor, Control, Reply
from storage.database import Database
from storage.groups import GroupRepository
from storage.jobs import to_db_time
from storage.schools import CsvRow, SchoolRepository
from storage.surveys import Survey, SurveyRepository, group_members, school_members
from tests.e2e.process import CopbotProcess
from tests.e2e.steps.surveys import PAGE_ONE, PAGE_TWO

DEADLINE = 3.0  # Discord's interaction deadline, seconds
RETRIES = 3  # times a member clicks Answer the survey again after a failed interaction
# Seconds a member spends on a page before sending it. Nobody sends a five-question form the instant it opens,
# and discord.py registers a form only once Discord has accepted it, so a submit within the same millisecond
# would find no form to answer it (a race no person can hit).
THINK = (1.0, 3.0)
SCHOOLS = 61
# Share of members per default stakeholder group, and how likely a member of it is on a school team.
GROUP_SPREAD = {
    "Teachers": (35, 0.95),
    "Instructional Coaches": (6, 0.8),
    "School Administrators": (6, 0.9),
    "Parents & Families": (15, 0.9),
    "Students": (20, 1.0),
    "Business & Industry": (5, 0.2),
    "Community Partners": (5, 0.3),
    "Education Agencies": (2, 0.05),
    "STEM Experts": (4, 0.2),
    "Professional Associations": (2, 0.1),
}
SECOND_GROUP = 0.08  # members in a second group


# -- figures ---------------------------------------------------------------------------------------------


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted samples."""
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


def spread(samples: list[float]) -> dict[str, float | int]:
    """p50, p95, p99, max (ms) and how many took more than Discord's 3 s."""
    if not samples:
        return {"count": 0}
    ordered = sorted(samples)
    return {
        "count": len(ordered),
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 1),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 1),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "over_3s": sum(1 for s in ordered if s > DEADLINE),
    }


def median_p95(samples: list[float]) -> dict[str, float | int]:
    ordered = sorted(samples)
    return {
        "runs": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 1),
    }


def spread_line(name: str, figures: dict[str, Any]) -> str:
    if not figures.get("count"):
        return f"  {name}: none"
    return (
        f"  {name}: p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms,"
        f" max {figures['max_ms']:.0f} ms, over 3 s: {figures['over_3s']} ({figures['count']} interactions)"
    )


def median_line(name: str, figures: dict[str, Any]) -> str:
    return f"  {name}: median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms ({figures['runs']} runs)"


class LoopLag:
    """The longest the shared event loop (bot, emulator and members) was too busy to run a ready task."""

    def __init__(self, tick: float = 0.05) -> None:
        self.tick, self.worst = tick, 0.0
        self.task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.tick)
            self.worst = max(self.worst, time.perf_counter() - started - self.tick)

    def take(self) -> float:
        worst, self.worst = self.worst, 0.0
        return worst


# -- 1. members answering at once -------------------------------------------------------------------------


@dataclass
class Timings:
    """Every interaction's time, by step, and what went wrong."""

    steps: dict[str, list[float]] = field(default_factory=dict)  # the member's round trip
    answered: dict[str, list[float]] = field(default_factory=dict)  # dispatch to the bot's response
    failures: Counter[str] = field(default_factory=Counter)

    def add(self, step: str, seconds: float) -> None:
        self.steps.setdefault(step, []).append(seconds)


async def timed(timings: Timings, step: str, call: Awaitable[Reply]) -> Reply:
    """Await one interaction (the coroutine starts only here), recording its time and any failure."""
    started = time.perf_counter()
    reply = await call
    timings.add(step, time.perf_counter() - started)
    if "response_ms" in reply.raw:
        timings.answered.setdefault(step, []).append(float(reply.raw["response_ms"]) / 1000)
    if reply.raw.get("error"):
        timings.failures[f"{step}: {reply.raw['error']}"] += 1
    return reply


PAGE_TITLE = re.compile(r"page (\d) of 2")


async def answer(actor: Actor, post: dict[str, Any], timings: Timings) -> int:
    """One member answers both pages; how many times they had to start again."""
    think = random.Random(actor.user_id)
    again = 0
    form = await timed(timings, "open (Answer the survey)", actor.click(post, "Answer the survey"))
    while True:
        if form.is_modal:
            match = PAGE_TITLE.search(str(form.data.get("title", "")))
            page = int(match.group(1)) if match else 1
            values = PAGE_ONE if page == 1 else PAGE_TWO
            await asyncio.sleep(think.uniform(*THINK))  # a person reads and fills the page before sending it
            saved = await timed(timings, f"submit page {page}", actor.submit(form, values))
            if "Thank you" in saved.text:
                return again
            if page == 1 and "Next page" in saved.buttons:
                form = await timed(timings, "open (Next page)", actor.click(saved, "Next page"))
                continue
        elif not form.raw.get("error"):
            timings.failures[f"not a form: {form.text[:80]!r}"] += 1
        again += 1
        if again > RETRIES:
            return again
        form = await timed(timings, "open (Answer the survey)", actor.click(post, "Answer the survey"))


async def start_survey(organizer: Actor) -> int:
    reply = await organizer.run("survey start", template="readiness", closes="in 3 days")
    match = re.search(r"Survey \*\*#(\d+)\*\*", reply.text)
    if not match:
        raise RuntimeError(f"/survey start did not answer as expected: {reply.raw}")
    return int(match.group(1))


async def find_post(control: Control, channel_id: str, survey_id: int) -> dict[str, Any]:
    for message in await control.messages(channel_id):
        if f"(survey #{survey_id})" in message["content"]:
            return dict(message)
    raise RuntimeError(f"no post of survey #{survey_id} in channel {channel_id}")


async def rush(
    control: Control, db: Database, organizer: Actor, members: list[Actor], channel_id: str, lag: LoopLag
) -> dict[str, Any]:
    survey_id = await start_survey(organizer)
    post = await find_post(control, channel_id, survey_id)
    timings = Timings()
    lag.take()
    started = time.perf_counter()
    again = await asyncio.gather(*(answer(actor, post, timings) for actor in members))
    wall = time.perf_counter() - started
    worst_lag = lag.take()
    repo = SurveyRepository(db)
    began, finished = await repo.response_counts(survey_id)
    everything = [s for samples in timings.steps.values() for s in samples]
    answered = [s for samples in timings.answered.values() for s in samples]
    return {
        "survey_id": survey_id,
        "members": len(members),
        "finished_in_database": finished,
        "started_in_database": began,
        "members_who_clicked_again": sum(1 for n in again if n),
        "members_who_gave_up": sum(1 for n in again if n > RETRIES),
        "failed_interactions": dict(timings.failures),
        "answered_by_the_bot": spread(answered),
        "answered_by_step": {step: spread(samples) for step, samples in timings.answered.items()},
        "all_interactions": spread(everything),
        "by_step": {step: spread(samples) for step, samples in timings.steps.items()},
        "wall_s": round(wall, 1),
        "loop_busy_up_to_s": round(worst_lag, 2),
    }


def print_rush(figures: dict[str, Any]) -> None:
    members = figures["members"]
    print(f"1. {members} members answering survey #{figures['survey_id']} (readiness, 2 pages) at once:")
    print(
        f"  finished responses in the database: {figures['finished_in_database']} of {members}"
        f" ({figures['started_in_database']} started)"
    )
    print("  the bot's answer, from the interaction's dispatch (as Discord times its 3 s):")
    print(spread_line("every interaction", figures["answered_by_the_bot"]))
    for step, step_figures in figures["answered_by_step"].items():
        print(spread_line(step, step_figures))
    print("  the member's round trip (adds the emulator's and the members' own queue, on this process):")
    print(spread_line("every interaction", figures["all_interactions"]))
    for step, step_figures in figures["by_step"].items():
        print(spread_line(step, step_figures))
    print(
        f"  members who had to click again after a failed interaction: {figures['members_who_clicked_again']}"
        f" (gave up after {RETRIES}: {figures['members_who_gave_up']})"
    )
    for reason, count in sorted(figures["failed_interactions"].items(), key=lambda kv: -kv[1]):
        if count:
            print(f"    {count} x {reason}")
    print(
        f"  wall time: {figures['wall_s']:.1f} s (event loop busy up to {figures['loop_busy_up_to_s']:.2f} s)"
    )


# -- 2. the results over many answers ---------------------------------------------------------------------


def _given(question: Question, rng: random.Random, level: int) -> tuple[str, ...]:
    if question.kind is Kind.LIKERT:
        return (str(max(1, min(5, level + rng.choice((-1, 0, 0, 1))))),)
    if question.kind is Kind.SINGLE:
        return (str(max(1, min(len(question.choices), level - 1 + rng.choice((-1, 0, 1))))),)
    if question.kind is Kind.MULTIPLE:
        picks = rng.sample(range(1, len(question.choices) + 1), rng.randint(1, 3))
        return tuple(str(p) for p in sorted(picks))
    if rng.random() < 0.4:
        return (rng.choice(("Meet monthly", "Invite a partner", "Plan a family STEM night", "Try a kit")),)
    return ()


async def seed(db: Database, survey: Survey, count: int, now: datetime) -> dict[str, int]:
    """`count` finished responses to `survey`, with the guild's groups and school teams filled to match."""
    rng = random.Random(16)
    guild = survey.guild_id
    groups = {g.name: g.id for g in await GroupRepository(db).add_defaults(guild, now)}
    if not groups:
        groups = {g.name: g.id for g in await GroupRepository(db).all(guild)}
    schools, _ = await SchoolRepository(db).add_many(
        guild, [CsvRow(n, f"School {n:02d}", "") for n in range(SCHOOLS)], now=now
    )
    school_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(schools))]  # a few big teams, many small
    names = list(GROUP_SPREAD)
    weights = [GROUP_SPREAD[n][0] for n in names]
    when = to_db_time(now)
    group_rows, school_rows, response_rows, answer_rows = [], [], [], []
    questions = questions_of(survey)
    for n in range(count):
        user = 10**15 + n
        group = rng.choices(names, weights)[0]
        group_rows.append((guild, groups[group], user, when))
        if rng.random() < SECOND_GROUP:
            other = rng.choices(names, weights)[0]
            if other != group:
                group_rows.append((guild, groups[other], user, when))
        if rng.random() < GROUP_SPREAD[group][1]:
            school = rng.choices(schools, school_weights)[0]
            school_rows.append((guild, school.id, user, when))
        level = rng.choices((1, 2, 3, 4, 5), (5, 15, 30, 35, 15))[0]
        response_rows.append((survey.id, guild, user, 2, 1, when))
        for question in questions:
            values = _given(question, rng, level)
            if values:
                answer_rows.append((survey.id, guild, user, question.key, json.dumps(list(values))))
    await db.executemany(
        "INSERT INTO group_members (guild_id, group_id, user_id, joined_at) VALUES (?, ?, ?, ?)", group_rows
    )
    await db.executemany(
        "INSERT INTO school_members (guild_id, school_id, user_id, joined_at) VALUES (?, ?, ?, ?)",
        school_rows,
    )
    await db.executemany(
        "INSERT INTO survey_responses (survey_id, guild_id, user_id, pages_saved, finished, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        response_rows,
    )
    await db.executemany(
        "INSERT INTO survey_answers (survey_id, guild_id, user_id, question_key, answer) VALUES (?, ?, ?, ?, ?)",
        answer_rows,
    )
    return {
        "group_memberships": len(group_rows),
        "school_memberships": len(school_rows),
        "answer_rows": len(answer_rows),
    }


async def results_view(
    db: Database, organizer: Actor, answers: int, runs: int, now: datetime
) -> dict[str, Any]:
    survey_id = await start_survey(organizer)
    repo = SurveyRepository(db)
    survey = await repo.get(int(organizer.guild_id), survey_id)
    assert survey is not None
    started = time.perf_counter()
    seeded = await seed(db, survey, answers, now)
    seed_s = time.perf_counter() - started
    _, finished = await repo.response_counts(survey_id)

    kept: list[float] = []  # nothing changed since the last view: the bot shows its last count
    counted: list[float] = []  # one answer changed just before: the bot counts that member in
    failures: Counter[str] = Counter()
    pages = 0
    for run in range(runs * 2):
        recount = run % 2 == 0
        if recount:
            await db.execute(
                "UPDATE survey_answers SET answer = ? WHERE survey_id = ? AND user_id = ? AND question_key = ?",
                (json.dumps([str(1 + run % 5)]), survey_id, 10**15, questions_of(survey)[0].key),
            )
        started = time.perf_counter()
        shown = await organizer.run("survey results", id=survey_id)
        (counted if recount else kept).append(time.perf_counter() - started)
        if shown.raw.get("error") or "answered" not in shown.text:
            failures[str(shown.raw.get("error") or shown.text[:80])] += 1
        match = re.search(r"Page 1 of (\d+)", shown.text)
        pages = int(match.group(1)) if match else 1
    end_to_end = kept + counted

    reads: list[float] = []
    aggregation: list[float] = []
    questions = questions_of(survey)
    lines: list[str] = []
    for _ in range(runs):
        started = time.perf_counter()
        given = await repo.all_answers(survey_id)
        groups = await group_members(db, survey.guild_id)
        schools = await school_members(db, survey.guild_id)
        middle = time.perf_counter()
        lines = result_lines(questions, given, groups=groups, schools=schools)
        reads.append(middle - started)
        aggregation.append(time.perf_counter() - middle)
    return {
        "survey_id": survey_id,
        "finished_in_database": finished,
        "seeded": seeded,
        "seed_s": round(seed_s, 1),
        "result_lines": len(lines),
        "pages": pages,
        "end_to_end_kept": {**median_p95(kept), "max_ms": round(max(kept) * 1000, 1)},
        "end_to_end_counted": {**median_p95(counted), "max_ms": round(max(counted) * 1000, 1)},
        "over_3s": sum(1 for s in end_to_end if s > DEADLINE),
        "failed": dict(failures),
        "storage_reads": median_p95(reads),
        "core_aggregation": median_p95(aggregation),
    }


def print_results(figures: dict[str, Any]) -> None:
    seeded = figures["seeded"]
    print(
        f"2. /survey results over {figures['finished_in_database']} finished responses (survey "
        f"#{figures['survey_id']}; {seeded['answer_rows']} answer rows, {seeded['group_memberships']} group and "
        f"{seeded['school_memberships']} school memberships; seeded in {figures['seed_s']:.1f} s):"
    )
    for key, name in (
        ("end_to_end_kept", "end to end, nothing changed since the last view (the bot shows its last count)"),
        ("end_to_end_counted", "end to end, an answer changed just before (the bot counts that member in)"),
    ):
        end = figures[key]
        print(median_line(name, end) + f", max {end['max_ms']:.0f} ms")
    print(f"  over 3 s: {figures['over_3s']}")
    for reason, count in figures["failed"].items():
        print(f"    {count} x failed: {reason}")
    print("  a full count (the first view after a restart or a deleted profile):")
    print(median_line("storage reads (answers, group and team members)", figures["storage_reads"]))
    print(median_line("core aggregation (result_lines)", figures["core_aggregation"]))
    print(f"  {figures['result_lines']} result lines, {figures['pages']} pages of 25")


# -- both, on one emulator and one bot --------------------------------------------------------------------


async def _count_errors(stream: asyncio.StreamReader, seen: Counter[str], log: Path | None) -> None:
    """Drain the bot's log (a full pipe would stall it), counting what it logged at ERROR."""
    out = log.open("w", encoding="utf-8") if log else None
    while line := await stream.readline():
        text = line.decode(errors="replace").strip()
        if out:
            print(text, file=out, flush=True)
        if " ERROR " in text or text.startswith("ERROR"):
            seen[re.sub(r"\d{6,}", "N", text.split("ERROR", 1)[1])[:140]] += 1
        elif "answered too late" in text:
            seen["answered too late (after Discord's 3 s; the member clicks again)"] += 1


async def run(
    members: int, answers: int, runs: int, limit: int, window: float, log: Path | None = None
) -> dict[str, Any]:
    lag = LoopLag()
    emulator = Emulator(rate_limit=limit, rate_limit_window=window, bot_username="copbot")
    await emulator.start(port=0)
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=None)
    )
    control = Control(emulator.url, session)
    total = time.perf_counter()
    errors: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        copbot = CopbotProcess(emulator, control, Path(folder) / "surveys.db", debug=False)
        drain: asyncio.Task[None] | None = None
        db: Database | None = None
        try:
            guild = await control.create_guild("Arizona STEM Network")
            guild_id, channel_id = str(guild["id"]), str(guild["system_channel_id"])
            organizer = await control.add_member(guild_id, "olivia_organizer", admin=True)
            organizer.channel_id = channel_id
            people = [await control.add_member(guild_id, f"member_{n:04d}") for n in range(members)]
            await copbot.sync()
            await copbot.start()
            assert copbot.process is not None
            assert copbot.process.stderr is not None
            drain = asyncio.create_task(_count_errors(copbot.process.stderr, errors, log))
            db = await Database.open(copbot.database)  # the bot's database, read beside it (WAL)
            print(
                f"rate limits: {limit} requests per {window:g} s per route bucket (Discord-like, as "
                "bench/statewide.py); interaction callbacks: a bucket each; deadline 3 s",
                flush=True,
            )
            figures: dict[str, Any] = {
                "options": {"members": members, "answers": answers, "runs": runs},
                "rate_limit": {"requests": limit, "window_s": window, "per": "route bucket"},
            }
            figures["answering"] = await rush(control, db, organizer, people, channel_id, lag)
            print_rush(figures["answering"])
            now = datetime.now(UTC)
            figures["results"] = await results_view(db, organizer, answers, runs, now)
            print_results(figures["results"])
        finally:
            if db is not None:
                await db.close()
            if drain is not None:
                drain.cancel()
            if copbot.process is not None and copbot.process.returncode is None:
                await copbot.terminate()
            await session.close()
            await emulator.stop()
            lag.task.cancel()
    figures["logged_errors"] = dict(errors)
    figures["total_s"] = round(time.perf_counter() - total, 1)
    print(f"logged by the bot (errors, and answers too late): {sum(errors.values())}")
    for message, count in errors.most_common(5):
        print(f"  {count} x {message}")
    print(f"total: {figures['total_s']:.1f} s")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--limit", type=int, default=5, help="requests per window per route bucket")
    parser.add_argument("--window", type=float, default=1.0)
    parser.add_argument("--json", type=Path, help="also write the figures to this file as JSON")
    parser.add_argument("--bot-log", type=Path, help="write what the bot logged (WARNING and up) here")
    args = parser.parse_args()
    figures = asyncio.run(run(args.members, args.answers, args.runs, args.limit, args.window, args.bot_log))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
