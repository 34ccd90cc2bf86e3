"""The durable scheduler: jobs live in the database; APScheduler only times the ones due soon.

A feature writes a job row (in its own transaction, with the rows that cause it); the scheduler keeps
APScheduler timers for the pending rows due within `horizon` and tops them up every `refill_interval`.
When a timer fires, the row is read again (it may have been cancelled, moved or rolled back), claimed,
handed to the handler registered for its kind, and finished. The handler's outcome decides what
happens next: done, retried with back-off, failed (the `on_failure` hook hears of it) or skipped.

Recurring series keep exactly one pending job: the one for their next occurrence, written in the same
transaction that finishes the previous one. Occurrences missed while the bot was offline are not
replayed; only the most recent one runs, and only if it is still within its kind's grace window.

No Discord here: handlers do the sending (with `ctx.nonce` and `enforce_nonce=True`), and a `classify`
hook turns Discord's exceptions into `RetryableJobError` / `PermanentJobError` / `StaleJob`.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import enum
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.clock import Clock, SystemClock
from storage.database import Database
from storage.jobs import Job, JobFilter, JobRepository, JobState, NewJob, Series, to_db_time

__all__ = [
    "CRON_FIELDS",
    "MISSED",
    "JobError",
    "Missed",
    "PermanentJobError",
    "RetryableJobError",
    "RunContext",
    "Scheduler",
    "StaleJob",
    "cron_trigger",
    "fire_time",
    "job_nonce",
    "next_occurrence",
]

log = logging.getLogger(__name__)

MISSED = "missed while the bot was offline"
MAX_BACKOFF = timedelta(hours=1)
# Retries of a RetryableJobError (Discord 5xx, 429, the network, a server not sent yet): short, so a post goes
# out within seconds of Discord recovering, and as long as the kind's grace allows rather than a fixed count.
TRANSIENT_BASE = timedelta(seconds=1)
TRANSIENT_CAP = timedelta(seconds=8)
CRON_FIELDS = frozenset({"year", "month", "day", "week", "day_of_week", "hour", "minute", "second"})
_REFILL_TIMER = "refill"
_BATCH = 500  # fired jobs re-read and claimed per statement
_ERROR_LENGTH = 500


# -- outcomes a handler can raise --------------------------------------------------------------------


class JobError(Exception):
    """An outcome raised by a handler; `reason` is stored as the job's last error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryableJobError(JobError):
    """Worth trying again later (network trouble, Discord 5xx, rate limits)."""

    def __init__(self, reason: str, *, retry_after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Cause(enum.StrEnum):
    """Why a job failed for good, as data: handlers decide on this, never on the words of `reason`."""

    CHANNEL_DELETED = "channel deleted"  # the platform answered that the channel no longer exists
    NOT_ALLOWED = "not allowed"  # the bot lacks a permission there
    REJECTED = "rejected"  # the platform refused what was sent
    OTHER = "other"


class PermanentJobError(JobError):
    """Retrying will not help (channel deleted, permission missing); organizers should be told."""

    def __init__(
        self, reason: str, *, organizer_message: str | None = None, cause: Cause = Cause.OTHER
    ) -> None:
        super().__init__(reason)
        self.organizer_message = organizer_message
        self.cause = cause


class StaleJob(JobError):
    """The job no longer makes sense (the meeting started, the announcement was withdrawn).

    `missed=True` when it is skipped because it came too late to be useful (not because an organizer changed
    something): organizers are then told once, as for a job skipped past its grace.
    """

    def __init__(self, reason: str, *, missed: bool = False) -> None:
        super().__init__(reason)
        self.missed = missed


class Jobs(Protocol):
    """What a feature's use case needs of the durable scheduler (`Scheduler` below; a fake in core tests)."""

    async def schedule(
        self, kind: str, due: datetime, payload: Mapping[str, Any] | None = None, *, guild_id: int, owner: str
    ) -> int: ...

    async def cancel(self, *, owner: str | None = None, guild_id: int | None = None) -> int: ...


def job_nonce(job_id: int) -> str:
    """The Discord message nonce for a job: the same on every attempt, at most 25 characters."""
    return f"job-{job_id}"


@dataclass(frozen=True, slots=True)
class RunContext:
    """What a handler is told about this run."""

    attempt: int  # 1 on the first run
    late: bool  # some attempt started more than `late_after` after its due time (the bot was offline)
    lateness: timedelta  # how long after the planned time this attempt started
    nonce: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Missed:
    """A job skipped because it could no longer be useful: what it was (its kind's `describe`) and why."""

    job: Job
    what: str
    reason: str


Handler = Callable[[Job, RunContext], Awaitable[None]]
Describer = Callable[[Job], Awaitable[str | None]]
FailureHook = Callable[[Job, Exception], Awaitable[None]]
MissedHook = Callable[[list[Missed]], Awaitable[None]]
Classifier = Callable[[Exception], Exception]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True, slots=True)
class _Kind:
    handler: Handler
    grace: timedelta
    describe: Describer | None = None  # set for kinds whose miss organizers should hear of


# -- recurrence ----------------------------------------------------------------------------------------


def cron_trigger(spec: Mapping[str, int | str], zone: str) -> CronTrigger:
    """An APScheduler CronTrigger for cron fields read in an IANA zone; ValueError if either is invalid."""
    unknown = set(spec) - CRON_FIELDS
    if not spec or unknown:
        raise ValueError(f"a recurrence takes cron fields from {sorted(CRON_FIELDS)}, got {sorted(spec)}")
    try:
        return CronTrigger(**spec, timezone=ZoneInfo(zone))
    except (ValueError, TypeError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"invalid recurrence {dict(spec)} in {zone!r}: {exc}") from None


def _past_repeated_hour(start: datetime, zone: Any) -> datetime:
    """`start`, or the end of the repeated hour when clocks fall back, if `start` lies inside it.

    APScheduler 3's CronTrigger never returns when asked for the next fire time from an instant whose local
    time is ambiguous (it froze the whole bot at 01:30 on the night New York falls back). Occurrences inside
    that hour are skipped instead: the first one after it runs.
    """
    moved = start
    for _ in range(24 * 60):  # no zone repeats more than a few hours
        local = moved.astimezone(zone).replace(tzinfo=None)
        if local.replace(tzinfo=zone, fold=0).utcoffset() == local.replace(tzinfo=zone, fold=1).utcoffset():
            return moved
        moved = (moved + timedelta(minutes=1)).replace(second=0, microsecond=0)
    return moved


def fire_time(trigger: CronTrigger, start: datetime, *, strictly_after: bool) -> datetime | None:
    """The trigger's first time at or after (`strictly_after`: after) `start`, in UTC; None if it has none."""
    safe = _past_repeated_hour(start, trigger.timezone)
    if safe != start:
        start, strictly_after = safe, False
    # CronTrigger.get_next_fire_time(previous, now) with previous == now means "strictly after".
    found: datetime | None = trigger.get_next_fire_time(start if strictly_after else None, start)
    return None if found is None else found.astimezone(UTC)


def next_occurrence(
    trigger: CronTrigger, *, after: datetime | None, now: datetime, grace: timedelta
) -> datetime | None:
    """The occurrence a series should run next, in UTC; None when the trigger has no more.

    Normally the first occurrence after `after` (at or after `now` when `after` is None). If that one has
    already passed, missed occurrences are not replayed: the most recent one within `grace` of `now` is
    returned (to run late), else the first one after `now`.
    """
    candidate = fire_time(trigger, now if after is None else after, strictly_after=after is not None)
    if candidate is None or candidate > now:
        return candidate
    latest = None
    candidate = fire_time(trigger, max(candidate, now - grace), strictly_after=False)
    while candidate is not None and candidate <= now:
        latest = candidate
        candidate = fire_time(trigger, candidate, strictly_after=True)
    return latest if latest is not None else candidate


def _describe(exc: BaseException) -> str:
    text = exc.reason if isinstance(exc, JobError) else f"{type(exc).__name__}: {exc}"
    return text[:_ERROR_LENGTH]


# -- the scheduler -------------------------------------------------------------------------------------


class Scheduler:
    """Durable jobs on top of APScheduler. Create after the database opens; `start()` once handlers are in."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock | None = None,
        horizon: timedelta = timedelta(minutes=10),
        refill_interval: timedelta = timedelta(minutes=1),
        retry_base: timedelta = timedelta(seconds=30),
        transient_base: timedelta = TRANSIENT_BASE,
        transient_cap: timedelta = TRANSIENT_CAP,
        max_attempts: int = 5,
        late_after: timedelta = timedelta(minutes=1),
        max_concurrency: int = 32,
        classify: Classifier | None = None,
        on_failure: FailureHook | None = None,
        on_missed: MissedHook | None = None,
    ) -> None:
        if not timedelta(0) < refill_interval < horizon:
            raise ValueError("refill_interval must be positive and shorter than the horizon")
        if max_attempts < 1 or max_concurrency < 1:
            raise ValueError("max_attempts and max_concurrency must be at least 1")
        self.db = db
        self.jobs = JobRepository(db)
        self.clock: Clock = clock or SystemClock()
        self.horizon = horizon
        self.refill_interval = refill_interval
        self.retry_base = retry_base
        self.transient_base = transient_base
        self.transient_cap = max(transient_cap, transient_base)
        self.max_attempts = max_attempts
        self.late_after = late_after
        self.classify: Classifier = classify or (lambda exc: exc)
        self.on_failure = on_failure
        self.on_missed = on_missed
        self._kinds: dict[str, _Kind] = {}
        self._outage: dict[int, int] = {}  # job id -> retryable failures in a row, until any job succeeds
        self._told_to_wait: set[int] = set()  # of those, waiting out a `retry_after` Discord gave: left alone
        self._unexpected: dict[int, int] = {}  # job id -> unexpected failures (outages don't count)
        self._missed: list[tuple[Job, str]] = []  # skipped as too late, not yet reported
        self._reporting = False
        self._executing: set[asyncio.Future[Any]] = set()
        self._aps: AsyncIOScheduler | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._inflight: set[int] = set()  # fired, not yet claimed: the refill leaves these alone
        self._fired: list[int] = []
        self._draining = False
        self._slots = asyncio.Semaphore(max_concurrency)
        self._refill_lock = asyncio.Lock()

    # -- handlers ------------------------------------------------------------------------------------------

    def register(
        self, kind: str, handler: Handler, *, grace: timedelta, describe: Describer | None = None
    ) -> None:
        """Run `handler` for jobs of `kind`; a job found more than `grace` past due is skipped instead.

        With `describe` (what a job of this kind would have done, for organizers), skipping one because it
        came too late is reported to `on_missed`.
        """
        if kind in self._kinds:
            raise ValueError(f"a handler for {kind!r} is already registered")
        if grace < timedelta(0):
            raise ValueError("grace cannot be negative")
        self._kinds[kind] = _Kind(handler, grace, describe)

    def unregister(self, kind: str) -> None:
        self._kinds.pop(kind, None)

    def handler(self, kind: str, *, grace: timedelta) -> Callable[[H], H]:
        """Decorator form of `register`."""

        def decorate(func: H) -> H:
            self.register(kind, func, grace=grace)
            return func

        return decorate

    def _require(self, kind: str) -> None:
        if kind not in self._kinds:
            raise ValueError(f"no handler is registered for job kind {kind!r}")

    def _grace(self, kind: str) -> timedelta:
        found = self._kinds.get(kind)
        return timedelta(0) if found is None else found.grace

    # -- what features call --------------------------------------------------------------------------------

    async def schedule(
        self, kind: str, due: datetime, payload: Mapping[str, Any] | None = None, *, guild_id: int, owner: str
    ) -> int:
        """Write a one-off job (joining the caller's transaction, if any); its id.

        A `due` already further in the past than the kind's grace is skipped, not run.
        """
        self._require(kind)
        job_id = await self.jobs.insert(
            NewJob(guild_id, kind, owner, due, payload or {}), now=self.clock.now()
        )
        if job_id is None:  # only a series occurrence can collide
            raise RuntimeError("the job was not written")
        self._arm(job_id, due)
        return job_id

    async def recurring(
        self,
        kind: str,
        trigger: Mapping[str, int | str],
        payload: Mapping[str, Any] | None = None,
        *,
        guild_id: int,
        owner: str,
        timezone: str,
    ) -> int:
        """Start a series (cron fields read in `timezone`) and write its first occurrence; the series id."""
        self._require(kind)
        cron_trigger(trigger, timezone)  # refuse a bad spec before writing anything
        now = self.clock.now()
        async with self.db.transaction():
            series_id = await self.jobs.insert_series(
                guild_id=guild_id,
                kind=kind,
                owner=owner,
                trigger=trigger,
                timezone=timezone,
                payload=payload or {},
                now=now,
            )
            series = await self.jobs.get_series(series_id)
            if series is None or await self._continue_series(series, after=None, now=now) is None:
                raise ValueError(f"the recurrence {dict(trigger)} never occurs after {now.isoformat()}")
        return series_id

    async def cancel(
        self,
        *,
        job_id: int | None = None,
        series_id: int | None = None,
        owner: str | None = None,
        guild_id: int | None = None,
        kind: str | None = None,
    ) -> int:
        """Cancel pending jobs; how many. Give one of:

        * `job_id`: that job (for a series occurrence, the series goes on with the next one);
        * `series_id`: the series and its pending job;
        * `owner` with `guild_id`: everything of that owner (optionally of one `kind`), series included.

        `guild_id` always narrows, so a command can only touch its own guild's jobs.
        """
        selector = _selector(job_id=job_id, series_id=series_id, owner=owner, guild_id=guild_id, kind=kind)
        return await self._cancel(selector)

    async def cancel_guild(self, guild_id: int) -> int:
        """The bot left a guild: cancel its jobs and stop its series; how many jobs were cancelled."""
        return await self._cancel(JobFilter(guild_id=guild_id))

    async def reschedule(
        self,
        new_due: datetime,
        *,
        job_id: int | None = None,
        owner: str | None = None,
        guild_id: int | None = None,
        kind: str | None = None,
    ) -> int:
        """Move pending one-off jobs (one `job_id`, or an `owner`'s in `guild_id`, optionally one `kind`); how many."""
        selector = _selector(job_id=job_id, series_id=None, owner=owner, guild_id=guild_id, kind=kind)
        moved = await self.jobs.reschedule(selector, new_due, now=self.clock.now())
        for moved_id in moved:
            self._arm(moved_id, new_due)
        return len(moved)

    async def upcoming(self, guild_id: int, limit: int = 10) -> list[Job]:
        return await self.jobs.upcoming(guild_id, limit)

    async def recent_failures(
        self, guild_id: int, limit: int = 10, *, include_skipped: bool = False
    ) -> list[Job]:
        return await self.jobs.recent_failures(guild_id, limit, include_skipped=include_skipped)

    # -- lifecycle -----------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._aps is not None

    @property
    def timer_count(self) -> int:
        """Jobs APScheduler currently holds a timer for (bounded by the horizon)."""
        return (
            0 if self._aps is None else sum(1 for timer in self._aps.get_jobs() if timer.id != _REFILL_TIMER)
        )

    @property
    def busy(self) -> int:
        """Jobs being dispatched or run right now."""
        return len(self._tasks)

    async def idle(self) -> None:
        """Return once nothing is being refilled, dispatched or run (what is due now has run)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def start(self) -> None:
        """Start the clock on the running loop: rerun interrupted jobs, repair series, load the horizon."""
        if self._aps is not None:
            raise RuntimeError("the scheduler is already running")
        aps = AsyncIOScheduler(
            event_loop=asyncio.get_running_loop(),
            timezone=UTC,
            # Timer callbacks only spawn our own tracked task, so they run inline on the loop: APScheduler
            # owns no task that could be dropped at shutdown, and a fired timer is never untracked.
            executors={"default": DebugExecutor()},
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        aps.start()
        self._aps = aps
        self._inflight.clear()
        self._fired.clear()
        self.clock.subscribe(self._on_clock_moved)
        now = self.clock.now()
        async with self.db.transaction():
            requeued = await self.jobs.requeue_interrupted(now=now)
            for series in await self.jobs.series_without_job():
                last = await self.jobs.last_occurrence(series.id)
                await self._continue_series(series, after=last, now=now)
        for job in requeued:
            log.warning(
                "job %d (%s, %s) was interrupted by a shutdown; running it again", job.id, job.kind, job.owner
            )
        aps.add_job(
            self._on_refill_timer,
            IntervalTrigger(seconds=self.refill_interval.total_seconds(), timezone=UTC),
            id=_REFILL_TIMER,
        )
        await self.refill()

    async def shutdown(self, *, finish_within: float = 10.0) -> None:
        """Stop the clock; let running jobs finish for up to `finish_within` seconds, then cancel them.

        A cancelled job's row stays `running` and is run again (same nonce) on the next start.
        """
        aps, self._aps = self._aps, None
        if aps is None:
            return
        self.clock.unsubscribe(self._on_clock_moved)
        loop = asyncio.get_running_loop()
        stopped = loop.create_future()
        aps.shutdown(wait=False)  # AsyncIOScheduler defers this to the loop; the callback below runs after it
        loop.call_soon(stopped.set_result, None)
        await stopped
        # A dispatch running now may still start jobs: wait until no task is left, not only those seen now.
        deadline = loop.time() + finish_within
        while self._tasks:
            remaining = deadline - loop.time()
            if remaining <= 0:
                pending = set(self._tasks)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                break
            await asyncio.wait(set(self._tasks), timeout=remaining)

    async def refill(self) -> None:
        """Give APScheduler a timer for every pending job due within the horizon (overdue ones included)."""
        async with self._refill_lock:
            for job_id, due in await self.jobs.due_before(self.clock.now() + self.horizon):
                if job_id not in self._inflight:
                    self._arm(job_id, due)

    # -- timers --------------------------------------------------------------------------------------------

    def _arm(self, job_id: int, due: datetime) -> None:
        """A timer for the job if it is due within the horizon; otherwise a later refill arms it.

        Timers are keyed by job and due time and never removed early: a stale one (job cancelled, moved or
        rolled back) finds the row changed when it fires and does nothing.
        """
        aps = self._aps
        if aps is None:
            return
        delay = due - self.clock.now()
        if delay <= timedelta(0):  # due already: no timer to wait for
            if job_id not in self._inflight:
                self._on_timer(job_id)
            return
        timer_id = f"{job_id}@{to_db_time(due)}"
        if delay > self.horizon or not self.clock.advances_by_itself or aps.get_job(timer_id) is not None:
            return  # a later refill (or, for a clock that stands still, the next move) arms it
        # APScheduler counts in wall-clock time; going through the delay keeps an injected clock usable.
        real_due = datetime.now(UTC) + delay  # noqa: TID251 - APScheduler's own timeline
        aps.add_job(self._on_timer, DateTrigger(real_due), args=(job_id,), id=timer_id)

    def _on_clock_moved(self) -> None:
        if self._aps is not None:
            self._spawn(self._refill_logged())

    def _on_timer(self, job_id: int) -> None:
        if self._aps is None:  # shutting down: the row stays as it is for the next start
            return
        # Timers due together fire in one APScheduler pass; collect them and dispatch them as one batch.
        self._inflight.add(job_id)
        self._fired.append(job_id)
        if not self._draining:
            self._draining = True
            self._spawn(self._drain())

    def _on_refill_timer(self) -> None:
        if self._aps is not None:
            self._spawn(self._refill_logged())

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        # A fresh context: APScheduler's callbacks carry the context of whichever task armed the timer,
        # which may include the Database's "inside a transaction" flag of a feature's transaction.
        task = asyncio.get_running_loop().create_task(coro, context=contextvars.Context())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refill_logged(self) -> None:
        try:
            await self.refill()
        except Exception:
            log.exception("scheduler refill failed; the next one will try again")

    # -- running jobs --------------------------------------------------------------------------------------

    async def _drain(self) -> None:
        try:
            while self._fired:
                batch, self._fired = self._fired[:_BATCH], self._fired[_BATCH:]
                try:
                    await self._dispatch(batch)
                except Exception:
                    log.exception("jobs %s could not be dispatched; they stay as they are", batch)
                finally:
                    self._inflight.difference_update(batch)
        finally:
            self._draining = False

    async def _dispatch(self, job_ids: list[int]) -> None:
        """Re-read fired jobs (they may be cancelled, moved or rolled back), claim the runnable ones, start them."""
        now = self.clock.now()
        runnable: dict[int, _Kind] = {}
        due: list[tuple[int, datetime]] = []
        missed: list[tuple[Job, str]] = []
        for job in await self.jobs.get_many(job_ids):
            if job.state is not JobState.PENDING:
                continue  # cancelled, finished or already claimed
            if job.due_at > now:
                self._arm(job.id, job.due_at)  # moved later
                continue
            kind = self._kinds.get(job.kind)
            if kind is None:
                log.error("job %d has kind %r, which no handler is registered for", job.id, job.kind)
                reason = f"no handler for {job.kind!r}"
                await self._finish(job, JobState.FAILED, reason, now, expect=JobState.PENDING)
            elif now - job.due_at > kind.grace or await self._superseded(job, now):
                log.info("job %d (%s, %s) skipped: %s", job.id, job.kind, job.owner, MISSED)
                if await self._finish(job, JobState.SKIPPED, MISSED, now, expect=JobState.PENDING):
                    missed.append((job, MISSED))
            else:
                runnable[job.id] = kind
                due.append((job.id, job.due_at))
        if missed:
            self._queue_missed(missed)
        if due and self._aps is not None:  # shutting down: leave them pending for the next start
            for job in await self.jobs.claim(due, now=now, late_before=now - self.late_after):
                self._spawn(self._execute(job, runnable[job.id]))

    async def _execute(self, job: Job, kind: _Kind) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._executing.add(task)
            task.add_done_callback(self._executing.discard)
        async with self._slots:
            now = self.clock.now()
            ctx = RunContext(
                attempt=job.attempts,
                late=job.late,
                lateness=max(now - job.scheduled_for, timedelta(0)),
                nonce=job_nonce(job.id),
                now=now,
            )
            try:
                try:
                    await kind.handler(job, ctx)
                except Exception as exc:
                    await self._handle_error(job, exc)
                else:
                    await self._finish(job, JobState.DONE, None, self.clock.now())
                    await self._recovered(job)
            except Exception:
                log.exception("job %d ran but could not be recorded; it will run again on restart", job.id)

    async def _handle_error(self, job: Job, exc: Exception) -> None:
        error = exc if isinstance(exc, JobError) else self._classified(exc)
        reason = _describe(error)
        now = self.clock.now()
        if not isinstance(error, RetryableJobError):
            self._outage.pop(job.id, None)
            self._told_to_wait.discard(job.id)
        if isinstance(error, StaleJob | PermanentJobError):
            self._unexpected.pop(job.id, None)
        if isinstance(error, StaleJob):
            log.info("job %d (%s, %s) skipped: %s", job.id, job.kind, job.owner, reason)
            if await self._finish(job, JobState.SKIPPED, reason, now) and error.missed:
                self._queue_missed([(job, reason)])
            return
        if isinstance(error, PermanentJobError):
            log.warning("job %d (%s, %s) failed: %s", job.id, job.kind, job.owner, reason)
            await self._fail(job, error, reason, now)
            return
        if isinstance(error, RetryableJobError):
            await self._retry_transient(job, error, reason, now)
            return
        # Anything else is unexpected (a bug, or a failure nobody sorted): a few attempts, slowly. Only
        # these count towards `max_attempts`: a job that sat out an outage keeps all of them.
        log.error("job %d (%s, %s) raised unexpectedly", job.id, job.kind, job.owner, exc_info=exc)
        unexpected = self._unexpected.get(job.id, 0) + 1
        self._unexpected[job.id] = unexpected
        if unexpected >= self.max_attempts:
            self._unexpected.pop(job.id, None)
            log.warning(
                "job %d (%s, %s) failed after %d unexpected errors (%d attempts): %s",
                job.id,
                job.kind,
                job.owner,
                unexpected,
                job.attempts,
                reason,
            )
            await self._fail(job, error, reason, now)
            return
        delay = min(self.retry_base * 2 ** (unexpected - 1), MAX_BACKOFF)
        log.info(
            "job %d (%s) attempt %d failed (%s); retrying in %s",
            job.id,
            job.kind,
            job.attempts,
            reason,
            delay,
        )
        if await self.jobs.retry(job.id, due_at=now + delay, now=now, error=reason):
            self._arm(job.id, now + delay)

    async def _retry_transient(self, job: Job, error: RetryableJobError, reason: str, now: datetime) -> None:
        """A reason that may pass (Discord down or rate limiting, the network): try again soon, for as
        long as the kind's grace allows. Discord's `retry_after` is honoured as given; otherwise the wait
        doubles from `transient_base` to `transient_cap`, and starts again after any job succeeds."""
        failures = self._outage.get(job.id, 0) + 1
        self._outage[job.id] = failures
        if error.retry_after is not None:
            delay = min(max(error.retry_after, self.transient_base), MAX_BACKOFF)
            self._told_to_wait.add(job.id)  # Discord said how long: a success elsewhere doesn't shorten it
        else:
            self._told_to_wait.discard(job.id)
            delay = min(self.transient_base * 2 ** min(failures - 1, 16), self.transient_cap)
        if now + delay - job.scheduled_for > self._grace(job.kind):
            self._outage.pop(job.id, None)
            self._told_to_wait.discard(job.id)
            self._unexpected.pop(job.id, None)
            late = f"{reason}; by the time it could be tried again it was too late to be useful"
            log.warning("job %d (%s, %s) skipped: %s", job.id, job.kind, job.owner, late)
            if await self._finish(job, JobState.SKIPPED, late[:_ERROR_LENGTH], now):
                self._queue_missed([(job, late)])
            return
        log.info("job %d (%s) attempt %d: %s; retrying in %s", job.id, job.kind, job.attempts, reason, delay)
        if await self.jobs.retry(job.id, due_at=now + delay, now=now, error=reason):
            self._arm(job.id, now + delay)

    async def _recovered(self, job: Job) -> None:
        """A job succeeded, so Discord answers again: retries waiting out an outage run now, and their
        back-off starts again from the beginning."""
        self._outage.pop(job.id, None)
        self._told_to_wait.discard(job.id)
        self._unexpected.pop(job.id, None)
        waiting = [j for j in self._outage if j not in self._told_to_wait]
        if not waiting:
            return
        for j in waiting:
            del self._outage[j]
        now = self.clock.now()
        for moved in await self.jobs.pull_forward(waiting, now, now=now):
            self._arm(moved, now)

    def _queue_missed(self, skipped: list[tuple[Job, str]]) -> None:
        self._missed.extend(skipped)
        if not self._reporting:
            self._reporting = True
            self._spawn(self._report_missed())

    async def _report_missed(self) -> None:
        """Tell `on_missed` about jobs skipped because they came too late (kinds with a `describe` only):
        once the jobs running alongside have finished (bounded), so a batch is reported together."""
        try:
            current = asyncio.current_task()
            running = {t for t in self._executing if t is not current and not t.done()}
            if running:
                await asyncio.wait(running, timeout=10)
            skipped, self._missed = self._missed, []
        finally:
            self._reporting = False
        if self.on_missed is None:
            return
        found: list[Missed] = []
        for job, reason in skipped:
            kind = self._kinds.get(job.kind)
            if kind is None or kind.describe is None:
                continue
            try:
                what = await kind.describe(job)
            except Exception:
                log.exception("could not describe job %d for organizers", job.id)
                what = job.kind.replace(".", " ")
            if what:
                found.append(Missed(job, what, reason))
        if not found:
            return
        try:
            await self.on_missed(found)
        except Exception:
            log.exception("the missed-job hook failed for jobs %s", [m.job.id for m in found])

    def _classified(self, exc: Exception) -> Exception:
        try:
            return self.classify(exc)
        except Exception:
            log.exception("the job error classifier failed on %r", exc)
            return exc

    async def _fail(self, job: Job, error: Exception, reason: str, now: datetime) -> None:
        if not await self._finish(job, JobState.FAILED, reason, now) or self.on_failure is None:
            return
        failed = dataclasses.replace(
            job, state=JobState.FAILED, last_error=reason, finished_at=now, updated_at=now
        )
        try:
            await self.on_failure(failed, error)
        except Exception:
            log.exception("the job failure hook failed for job %d", job.id)

    async def _finish(
        self,
        job: Job,
        state: JobState,
        error: str | None,
        now: datetime,
        *,
        expect: JobState = JobState.RUNNING,
    ) -> bool:
        """Finish the job and, for a series, write its next occurrence, in one transaction."""
        if job.series_id is None:  # one statement: no transaction needed (and two round trips saved)
            return await self.jobs.finish(job.id, state, now=now, error=error, expect=expect)
        async with self.db.transaction():
            finished = await self.jobs.finish(job.id, state, now=now, error=error, expect=expect)
            if finished:
                await self._advance(job, now)
        return finished

    # -- series --------------------------------------------------------------------------------------------

    async def _cancel(self, selector: JobFilter) -> int:
        now = self.clock.now()
        async with self.db.transaction():
            await self.jobs.deactivate_series(selector, now=now)
            cancelled = await self.jobs.cancel(selector, now=now)
            for job in cancelled:
                await self._advance(job, now)  # a series still active lost one occurrence only
        return len(cancelled)

    async def _advance(self, job: Job, now: datetime) -> None:
        """After a series occurrence is finished (inside that transaction): write the next one."""
        if job.series_id is None:
            return
        series = await self.jobs.get_series(job.series_id)
        if series is not None and series.active:
            await self._continue_series(series, after=job.scheduled_for, now=now)

    async def _continue_series(
        self, series: Series, *, after: datetime | None, now: datetime
    ) -> datetime | None:
        """Write the series' next occurrence as a pending job (at most once per occurrence); its due time."""
        trigger = cron_trigger(series.trigger, series.timezone)
        due = next_occurrence(trigger, after=after, now=now, grace=self._grace(series.kind))
        if due is None:
            log.info("series %d (%s) has no further occurrences; stopping it", series.id, series.owner)
            await self.jobs.deactivate_series(JobFilter(series_id=series.id), now=now)
            return None
        job = NewJob(series.guild_id, series.kind, series.owner, due, series.payload, series_id=series.id)
        job_id = await self.jobs.insert(job, now=now)
        await self.jobs.set_series_next(series.id, due, now=now)
        if job_id is not None:
            self._arm(job_id, due)
        return due

    async def _superseded(self, job: Job, now: datetime) -> bool:
        """Whether a later occurrence of this late job's series has also passed (then only that one runs)."""
        if job.series_id is None or now - job.due_at <= self.late_after:
            return False
        series = await self.jobs.get_series(job.series_id)
        if series is None or not series.active:
            return False
        trigger = cron_trigger(series.trigger, series.timezone)
        later = next_occurrence(trigger, after=job.scheduled_for, now=now, grace=self._grace(series.kind))
        return later is not None and later <= now


def _selector(
    *, job_id: int | None, series_id: int | None, owner: str | None, guild_id: int | None, kind: str | None
) -> JobFilter:
    if [job_id, series_id, owner].count(None) != 2:
        raise ValueError("give exactly one of job_id, series_id or owner")
    if owner is not None and guild_id is None:
        raise ValueError("an owner is only unique within a guild: give guild_id too")
    return JobFilter(guild_id=guild_id, owner=owner, kind=kind, job_id=job_id, series_id=series_id)
