"""The durable scheduler with a real SQLite file and a real APScheduler: firing, restarts, outcomes, series.

Time is the test's `ManualClock`: it stands still until a test moves it, and a job runs when the clock
reaches its due time — no test waits for real seconds to pass. Only the tests of the real timers (the
system clock, where APScheduler does the waiting) wait, a fraction of a second.
"""

from __future__ import annotations

import asyncio
import gc
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.clock import Clock, SystemClock
from core.scheduler import (
    MISSED,
    PermanentJobError,
    RetryableJobError,
    RunContext,
    StaleJob,
    cron_trigger,
    job_nonce,
    next_occurrence,
)
from storage.guilds import GuildRepository
from storage.jobs import Job, JobState
from tests.clock import pinned_now
from tests.unit.harness import GRACE, KIND, SOON, Call, Harness, idle, state_is, until

NEW_YORK = ZoneInfo("America/New_York")


# -- one-off jobs --------------------------------------------------------------------------------------


async def test_a_job_fires_once_at_its_time(h: Harness) -> None:
    s = await h.boot()
    due = h.clock.now() + SOON
    job_id = await h.schedule(due)
    await h.advance(SOON / 2)
    assert h.calls == [], "it must not fire early"
    await h.advance(SOON / 2)
    await state_is(h, job_id, JobState.DONE)
    [call] = h.calls
    assert call.job.id == job_id
    assert call.job.payload == {"owner": "meeting:1"}
    assert call.ctx.now == due
    assert (call.ctx.attempt, call.ctx.late, call.ctx.nonce) == (1, False, job_nonce(job_id))
    job = await h.job(job_id)
    assert (job.attempts, job.late, job.last_error) == (1, False, None)
    assert job.finished_at is not None
    await s.refill()
    await idle(s)
    assert len(h.calls) == 1


class RunningClock(Clock):
    """The system time from a chosen instant on: real seconds pass, so APScheduler's timers do the waiting."""

    def __init__(self, start: datetime) -> None:
        self.offset = start - SystemClock().now()

    def now(self) -> datetime:
        return SystemClock().now() + self.offset


async def test_with_a_clock_that_runs_a_real_timer_fires_the_job_at_its_time(h: Harness) -> None:
    h.clock = RunningClock(pinned_now())  # type: ignore[assignment]
    s = await h.boot()
    due = h.clock.now() + SOON
    job_id = await h.schedule(due)
    assert s.timer_count == 1, "a timer, not a poll"
    await state_is(h, job_id, JobState.DONE)
    [call] = h.calls
    assert call.ctx.now >= due, "it must not fire early"
    assert s.timer_count == 0
    beyond = await h.schedule(h.clock.now() + s.horizon + timedelta(minutes=1))
    assert s.timer_count == 0, "no timer beyond the horizon"
    assert (await h.job(beyond)).state is JobState.PENDING


def test_the_nonce_is_short_and_belongs_to_the_job_only() -> None:
    assert job_nonce(9_223_372_036_854_775_807) == "job-9223372036854775807"
    assert len(job_nonce(9_223_372_036_854_775_807)) <= 25
    assert job_nonce(1) != job_nonce(2)


async def test_cancelled_jobs_never_fire(h: Harness) -> None:
    s = await h.boot()
    due = h.clock.now() + SOON
    mine = [await h.schedule(due, owner="meeting:1"), await h.schedule(due + SOON, owner="meeting:1")]
    by_id = await h.schedule(due, owner="meeting:3")
    kept = await h.schedule(due, owner="meeting:2")
    other_guild = await h.schedule(due, owner="meeting:1", guild_id=2)
    assert await s.cancel(owner="meeting:1", guild_id=1) == 2
    assert await s.cancel(job_id=by_id, guild_id=2) == 0, "guild_id narrows: not this guild's job"
    assert await s.cancel(job_id=by_id) == 1
    await h.advance(2 * SOON)
    assert sorted(c.job.id for c in h.calls) == [kept, other_guild]
    for job_id in [*mine, by_id]:
        assert (await h.job(job_id)).state is JobState.CANCELLED
    with pytest.raises(ValueError, match="guild_id"):
        await s.cancel(owner="meeting:1")
    with pytest.raises(ValueError, match="exactly one"):
        await s.cancel(guild_id=1)


async def test_a_rescheduled_job_fires_once_at_its_new_time(h: Harness) -> None:
    s = await h.boot()
    job_id = await h.schedule(h.clock.now() + SOON)
    new_due = h.clock.now() + 2 * SOON
    assert await s.reschedule(new_due, owner="meeting:1", guild_id=1) == 1
    await h.advance(SOON)
    assert h.calls == []
    await h.advance(SOON)
    await state_is(h, job_id, JobState.DONE)
    [call] = h.calls
    assert call.ctx.now == new_due
    await idle(s)
    assert len(h.calls) == 1


async def test_a_job_moved_beyond_the_horizon_does_not_fire_and_holds_no_timer(h: Harness) -> None:
    s = await h.boot()
    job_id = await h.schedule(h.clock.now() + SOON)
    far = h.clock.now() + timedelta(days=30)
    assert await s.reschedule(far, job_id=job_id) == 1
    await h.advance(SOON)  # the old due time passes: the row was moved, nothing runs
    assert h.calls == []
    job = await h.job(job_id)
    assert (job.state, job.due_at) == (JobState.PENDING, far)


async def test_jobs_beyond_the_horizon_are_loaded_by_the_refill(h: Harness) -> None:
    s = await h.boot(horizon=timedelta(seconds=0.5), refill_interval=timedelta(seconds=0.1))
    for day in range(1, 201):
        await h.schedule(h.clock.now() + timedelta(days=day), owner=f"later:{day}")
    soon = await h.schedule(h.clock.now() + timedelta(seconds=1))
    assert s.timer_count == 0, "nothing is due within the horizon yet"
    await h.advance(timedelta(seconds=1))
    await state_is(h, soon, JobState.DONE)
    assert [c.job.id for c in h.calls] == [soon]
    await s.refill()
    assert s.timer_count == 0, "months of future rows hold no timers"


async def test_the_job_commits_or_rolls_back_with_the_callers_transaction(h: Harness) -> None:
    s = await h.boot()
    guilds = GuildRepository(h.db)
    with pytest.raises(RuntimeError):
        async with h.db.transaction():
            await guilds.set_timezone(7, "America/New_York")
            await s.schedule(KIND, h.clock.now() + SOON, guild_id=7, owner="meeting:1")
            raise RuntimeError("the meeting could not be saved")
    # SQLite rolls the AUTOINCREMENT counter back too, so this row may reuse the rolled-back id: the
    # rolled-back job's timer must not run it.
    later = await s.schedule(KIND, h.clock.now() + timedelta(hours=1), guild_id=7, owner="meeting:2")
    await h.advance(SOON)
    assert h.calls == []
    assert await guilds.timezone(7) != "America/New_York"
    assert [j.id for j in await h.jobs()] == [later]
    assert (await h.job(later)).state is JobState.PENDING

    async with h.db.transaction():
        await guilds.set_timezone(7, "America/New_York")
        committed = await s.schedule(KIND, h.clock.now() + SOON, guild_id=7, owner="meeting:3")
    await h.advance(SOON)
    await state_is(h, committed, JobState.DONE)
    assert await guilds.timezone(7) == "America/New_York"
    assert [c.job.id for c in h.calls] == [committed]


async def test_a_job_due_during_the_callers_transaction_waits_for_it_and_sees_the_rollback(
    h: Harness,
) -> None:
    s = await h.boot()
    with pytest.raises(RuntimeError):
        async with h.db.transaction():
            await s.schedule(KIND, h.clock.now(), guild_id=1, owner="meeting:1")
            await until(lambda: s.timer_count == 0, "the job's timer fired")
            await asyncio.sleep(0.2)  # time for the job to run, were it not kept out of this transaction
            raise RuntimeError("the meeting could not be saved")
    await idle(s)
    assert h.calls == []
    assert await h.jobs() == []


async def test_bad_input_is_refused(h: Harness) -> None:
    s = await h.boot()
    with pytest.raises(ValueError, match="no handler"):
        await s.schedule("no.such.kind", h.clock.now(), guild_id=1, owner="x")
    with pytest.raises(ValueError, match="timezone-aware"):
        await s.schedule(KIND, datetime(2030, 1, 1), guild_id=1, owner="x")
    with pytest.raises(ValueError, match="cron fields"):
        await s.recurring(KIND, {"weekday": "mon"}, guild_id=1, owner="x", timezone="UTC")
    with pytest.raises(ValueError, match="invalid recurrence"):
        await s.recurring(KIND, {"hour": 9}, guild_id=1, owner="x", timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="never occurs"):
        await s.recurring(KIND, {"year": 2001, "hour": 9}, guild_id=1, owner="x", timezone="UTC")
    with pytest.raises(ValueError, match="already registered"):
        s.register(KIND, h.record, grace=GRACE)
    assert await h.jobs() == []
    assert await s.jobs.series_of(1) == []


async def test_a_job_whose_handler_is_gone_fails_with_a_reason(h: Harness) -> None:
    s = await h.boot()
    job_id = await h.schedule(h.clock.now() + SOON)
    s.unregister(KIND)
    await h.advance(SOON)
    await state_is(h, job_id, JobState.FAILED)
    assert (await h.job(job_id)).last_error == f"no handler for {KIND!r}"
    assert h.calls == []


# -- restarts ------------------------------------------------------------------------------------------


async def test_restart_before_due_fires_once_at_due(h: Harness) -> None:
    await h.boot()
    due = h.clock.now() + 2 * SOON
    job_id = await h.schedule(due)
    await h.stop()
    assert h.calls == []
    s = await h.boot()
    await h.advance(2 * SOON)
    await state_is(h, job_id, JobState.DONE)
    [call] = h.calls
    assert call.ctx.now == due
    assert call.ctx.late is False
    await idle(s)
    assert len(h.calls) == 1


async def test_restart_after_due_within_grace_runs_at_once_marked_late(h: Harness) -> None:
    await h.boot()
    due = h.clock.now() + timedelta(minutes=2)
    job_id = await h.schedule(due)
    await h.stop()
    h.clock.advance(timedelta(minutes=4))  # down for four minutes; the kind's grace is five
    await h.boot()
    await state_is(h, job_id, JobState.DONE)
    [call] = h.calls
    assert call.ctx.late is True
    assert call.ctx.lateness >= timedelta(minutes=2)
    assert (await h.job(job_id)).late is True


async def test_restart_past_grace_skips_the_job(h: Harness) -> None:
    await h.boot()
    job_id = await h.schedule(h.clock.now() + timedelta(minutes=2))
    await h.stop()
    h.clock.advance(timedelta(minutes=10))
    s = await h.boot()
    await state_is(h, job_id, JobState.SKIPPED)
    assert (await h.job(job_id)).last_error == MISSED
    await idle(s)
    assert h.calls == []
    assert [j.id for j in await s.recent_failures(1, include_skipped=True)] == [job_id]


async def test_a_job_left_running_by_a_crash_runs_again_once_with_the_same_nonce(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    started = asyncio.Event()
    first: list[RunContext] = []

    async def hangs(job: Job, ctx: RunContext) -> None:
        first.append(ctx)
        started.set()
        await asyncio.Event().wait()  # e.g. the message was sent; the process dies before marking it done

    await h.boot(hangs)
    job_id = await h.schedule(h.clock.now() + SOON)
    h.clock.advance(SOON)  # not h.advance: that would wait for the handler, which never returns
    await asyncio.wait_for(started.wait(), 5)
    await h.stop(finish_within=0.05)
    gc.collect()
    assert not [r for r in caplog.records if "destroyed" in r.getMessage()]

    s = await h.boot(start=False)
    assert [j.id for j in await s.jobs.interrupted()] == [job_id]
    await s.start()
    await state_is(h, job_id, JobState.DONE)
    [call] = h.calls
    assert call.ctx.nonce == first[0].nonce == job_nonce(job_id)
    assert (first[0].attempt, call.ctx.attempt) == (1, 2)
    await idle(s)
    assert len(h.calls) == 1


async def test_shutdown_lets_a_running_handler_finish(h: Harness) -> None:
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(job: Job, ctx: RunContext) -> None:
        started.set()
        await release.wait()

    await h.boot(slow)
    job_id = await h.schedule(h.clock.now() + SOON)
    h.clock.advance(SOON)
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(h.scheduler.shutdown(finish_within=5))
    await asyncio.sleep(0.05)
    assert not stopping.done(), "shutdown waits for the running job"
    release.set()
    await stopping
    assert (await h.job(job_id)).state is JobState.DONE


# -- outcomes --------------------------------------------------------------------------------------------


async def test_retry_with_back_off_then_success(h: Harness) -> None:
    async def flaky(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        if ctx.attempt < 3:
            raise RetryableJobError("HTTP 503")

    base = timedelta(seconds=0.05)
    s = await h.boot(flaky, transient_base=base)
    job_id = await h.schedule(h.clock.now() + SOON)
    await h.advance(SOON + base)
    assert [c.ctx.attempt for c in h.calls] == [1, 2], "the second attempt one back-off later"
    await h.advance(2 * base)
    await state_is(h, job_id, JobState.DONE)
    times = [c.ctx.now for c in h.calls]
    assert [c.ctx.attempt for c in h.calls] == [1, 2, 3]
    assert times[1] - times[0] == base
    assert times[2] - times[1] == 2 * base, "the back-off doubles"
    assert {c.ctx.nonce for c in h.calls} == {job_nonce(job_id)}
    job = await h.job(job_id)
    assert (job.attempts, job.last_error) == (3, "HTTP 503")
    assert h.failures == []
    await idle(s)
    assert len(h.calls) == 3


async def test_unexpected_errors_are_retried_up_to_the_limit_then_failed_and_reported(h: Harness) -> None:
    async def broken(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        raise ValueError("boom")

    s = await h.boot(broken, retry_base=timedelta(seconds=0.02), max_attempts=3)
    job_id = await h.schedule(h.clock.now() + SOON)
    await h.advance(timedelta(seconds=1))
    await state_is(h, job_id, JobState.FAILED)
    await idle(s)
    assert [c.ctx.attempt for c in h.calls] == [1, 2, 3]
    job = await h.job(job_id)
    assert (job.attempts, job.last_error) == (3, "ValueError: boom")
    [(reported, error)] = h.failures
    assert (reported.id, reported.state) == (job_id, JobState.FAILED)
    assert isinstance(error, ValueError)


async def test_a_permanent_failure_fails_at_once_and_is_reported_once(h: Harness) -> None:
    async def forbidden(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        raise PermanentJobError("missing permission", organizer_message="Let me post in #announcements.")

    s = await h.boot(forbidden)
    job_id = await h.schedule(h.clock.now() + SOON)
    await h.advance(SOON)
    await state_is(h, job_id, JobState.FAILED)
    await idle(s)
    assert len(h.calls) == 1
    [(reported, error)] = h.failures
    assert (reported.id, reported.last_error) == (job_id, "missing permission")
    assert isinstance(error, PermanentJobError)
    assert error.organizer_message == "Let me post in #announcements."
    assert [j.id for j in await s.recent_failures(1)] == [job_id]


async def test_a_stale_job_is_skipped_with_its_reason(h: Harness) -> None:
    async def stale(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        raise StaleJob("the meeting has started")

    s = await h.boot(stale)
    job_id = await h.schedule(h.clock.now() + SOON)
    await h.advance(SOON)
    await state_is(h, job_id, JobState.SKIPPED)
    await idle(s)
    assert len(h.calls) == 1
    assert (await h.job(job_id)).last_error == "the meeting has started"
    assert h.failures == []


async def test_classify_maps_foreign_errors(h: Harness) -> None:
    class Forbidden(Exception):
        pass

    async def raises(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        raise Forbidden("50013")

    def classify(exc: Exception) -> Exception:
        return PermanentJobError(f"Discord said {exc}") if isinstance(exc, Forbidden) else exc

    s = await h.boot(raises, classify=classify)
    job_id = await h.schedule(h.clock.now() + SOON)
    await h.advance(SOON)
    await state_is(h, job_id, JobState.FAILED)
    await idle(s)
    assert len(h.calls) == 1
    assert (await h.job(job_id)).last_error == "Discord said 50013"
    [(_, error)] = h.failures
    assert isinstance(error, PermanentJobError)


# -- recurring series ------------------------------------------------------------------------------------

# 2026-05-04 is a Monday.
MONDAY_9_PHOENIX = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)


async def test_a_series_runs_each_occurrence_once_across_a_restart(h: Harness) -> None:
    s = await h.boot()
    h.clock.set(MONDAY_9_PHOENIX - SOON)
    weekly: dict[str, int | str] = {"day_of_week": "mon", "hour": 9, "minute": 0}
    series_id = await s.recurring(
        KIND, weekly, {"text": "hi"}, guild_id=1, owner="announcement:1", timezone="America/Phoenix"
    )
    await h.advance(SOON)
    await until(lambda: len(h.calls) == 1, "the first occurrence ran")
    next_week = MONDAY_9_PHOENIX + timedelta(weeks=1)

    async def next_is_written() -> bool:
        return [j.due_at for j in await s.upcoming(1)] == [next_week]

    await until(next_is_written, "the next occurrence is written")
    await h.stop()
    h.clock.set(next_week - SOON)
    s = await h.boot()
    await h.advance(SOON)
    await until(lambda: len(h.calls) == 2, "the second occurrence ran")
    await until(lambda: s.busy == 0, "the second occurrence finished")
    await idle(s)
    assert [c.job.scheduled_for for c in h.calls] == [MONDAY_9_PHOENIX, next_week]
    assert [c.job.payload for c in h.calls] == [{"text": "hi"}] * 2
    assert {c.job.series_id for c in h.calls} == {series_id}
    assert [(j.scheduled_for, j.state) for j in await h.jobs()] == [
        (MONDAY_9_PHOENIX, JobState.DONE),
        (next_week, JobState.DONE),
        (next_week + timedelta(weeks=1), JobState.PENDING),
    ]


@pytest.mark.parametrize(
    ("grace", "runs"),
    [
        (timedelta(hours=2), True),  # Tuesday's job is past grace; Friday's is within it
        (timedelta(days=4), True),  # Tuesday's job is within grace, but Friday's supersedes it
        (timedelta(minutes=30), False),  # nothing within grace: wait for Saturday
    ],
)
async def test_after_long_downtime_a_series_runs_only_its_latest_missed_occurrence(
    h: Harness, grace: timedelta, runs: bool
) -> None:
    s = await h.boot(grace=grace)
    h.clock.set(datetime(2026, 5, 4, 9, 0, tzinfo=UTC) - SOON)
    await s.recurring(KIND, {"hour": 9, "minute": 0}, guild_id=1, owner="announcement:2", timezone="UTC")
    await h.advance(SOON)
    await until(lambda: len(h.calls) == 1, "Monday's occurrence ran")
    await until(lambda: s.busy == 0, "Monday's occurrence finished")

    await h.stop()
    h.clock.set(datetime(2026, 5, 8, 10, 0, tzinfo=UTC))  # back on Friday at 10:00
    s = await h.boot(grace=grace)
    saturday = datetime(2026, 5, 9, 9, 0, tzinfo=UTC)

    async def saturday_is_next() -> bool:
        return [j.due_at for j in await s.upcoming(1)] == [saturday]

    await until(saturday_is_next, "Saturday's occurrence is written")
    await idle(s)
    friday = datetime(2026, 5, 8, 9, 0, tzinfo=UTC)
    ran = [c.job.scheduled_for for c in h.calls[1:]]
    assert ran == ([friday] if runs else [])
    if runs:
        assert h.calls[1].ctx.late is True
    expected = [
        (datetime(2026, 5, 4, 9, 0, tzinfo=UTC), JobState.DONE),
        (datetime(2026, 5, 5, 9, 0, tzinfo=UTC), JobState.SKIPPED),
        *([(friday, JobState.DONE)] if runs else []),
        (saturday, JobState.PENDING),
    ]
    assert [(j.scheduled_for, j.state) for j in await h.jobs()] == expected


def test_weekly_occurrences_keep_their_local_hour_across_both_dst_changes() -> None:
    trigger = cron_trigger({"day_of_week": "sun", "hour": 9, "minute": 0}, "America/New_York")

    def chain(now: datetime, count: int) -> list[datetime]:
        found: list[datetime] = []
        after = None
        for _ in range(count):
            nxt = next_occurrence(trigger, after=after, now=now, grace=timedelta(0))
            assert nxt is not None
            found.append(nxt)
            after = nxt
        return found

    spring = chain(datetime(2026, 2, 27, 12, 0, tzinfo=UTC), 3)  # DST starts Sunday 2026-03-08
    assert spring == [
        datetime(2026, 3, 1, 14, 0, tzinfo=UTC),
        datetime(2026, 3, 8, 13, 0, tzinfo=UTC),
        datetime(2026, 3, 15, 13, 0, tzinfo=UTC),
    ]
    autumn = chain(datetime(2026, 10, 24, 12, 0, tzinfo=UTC), 3)  # DST ends Sunday 2026-11-01
    assert autumn == [
        datetime(2026, 10, 25, 13, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 14, 0, tzinfo=UTC),
        datetime(2026, 11, 8, 14, 0, tzinfo=UTC),
    ]
    assert {(d.astimezone(NEW_YORK).hour, d.astimezone(NEW_YORK).minute) for d in spring + autumn} == {(9, 0)}
    assert all(d.tzinfo is UTC for d in spring + autumn)


def test_missed_occurrences_collapse_to_the_latest_within_grace() -> None:
    hourly = cron_trigger({"minute": 0}, "UTC")
    now = datetime(2026, 5, 8, 10, 30, tzinfo=UTC)
    last_ran = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    assert next_occurrence(hourly, after=last_ran, now=now, grace=timedelta(hours=1)) == datetime(
        2026, 5, 8, 10, 0, tzinfo=UTC
    )
    assert next_occurrence(hourly, after=last_ran, now=now, grace=timedelta(minutes=10)) == datetime(
        2026, 5, 8, 11, 0, tzinfo=UTC
    )
    ended = cron_trigger({"year": 2026, "month": 5, "day": 4, "hour": 9}, "UTC")
    assert next_occurrence(ended, after=last_ran, now=now, grace=timedelta(hours=1)) is None


async def test_a_series_written_and_run_across_the_spring_change(h: Harness) -> None:
    sunday_9_est = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
    s = await h.boot()
    h.clock.set(sunday_9_est - SOON)
    await s.recurring(
        KIND,
        {"day_of_week": "sun", "hour": 9, "minute": 0},
        guild_id=1,
        owner="o",
        timezone="America/New_York",
    )
    await h.advance(SOON)
    await until(lambda: len(h.calls) == 1, "the 1 March occurrence ran")
    sunday_9_edt = datetime(2026, 3, 8, 13, 0, tzinfo=UTC)

    async def next_is_written() -> bool:
        return [j.due_at for j in await s.upcoming(1)] == [sunday_9_edt]

    await until(next_is_written, "the 8 March occurrence is written at 13:00 UTC")
    assert h.calls[0].job.scheduled_for == sunday_9_est


async def test_cancelling_one_occurrence_keeps_the_series_going(h: Harness) -> None:
    h.clock.set(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    s = await h.boot()
    series_id = await s.recurring(KIND, {"hour": 9, "minute": 0}, guild_id=1, owner="o", timezone="UTC")
    [tomorrow] = await s.upcoming(1)
    assert tomorrow.due_at == datetime(2026, 5, 5, 9, 0, tzinfo=UTC)
    assert await s.cancel(job_id=tomorrow.id) == 1
    [after] = await s.upcoming(1)
    assert after.due_at == datetime(2026, 5, 6, 9, 0, tzinfo=UTC)
    assert await s.cancel(series_id=series_id) == 1
    assert await s.upcoming(1) == []
    assert await s.jobs.series_of(1) == []


async def test_cancel_guild_cancels_its_jobs_and_stops_its_series(h: Harness) -> None:
    h.clock.set(datetime(2026, 5, 4, 12, 1, tzinfo=UTC))  # the every-five-minutes series next run at 12:05
    s = await h.boot()
    due = h.clock.now() + SOON
    gone = await h.schedule(due, guild_id=1)
    kept = await h.schedule(due, guild_id=2)
    await s.recurring(KIND, {"minute": "*/5"}, guild_id=1, owner="announcement:1", timezone="UTC")
    other_series = await s.recurring(
        KIND, {"minute": "*/5"}, guild_id=2, owner="announcement:1", timezone="UTC"
    )
    assert await s.cancel_guild(1) == 2
    await h.advance(SOON)
    await state_is(h, kept, JobState.DONE)
    assert (await h.job(gone)).state is JobState.CANCELLED
    assert await s.upcoming(1) == []
    assert await s.jobs.series_of(1) == []
    assert [x.id for x in await s.jobs.series_of(2)] == [other_series]
    assert len([j for j in await s.upcoming(2) if j.series_id == other_series]) == 1
    assert [c.job.id for c in h.calls] == [kept]


async def test_start_repairs_an_active_series_that_lost_its_job(h: Harness) -> None:
    h.clock.set(datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    s = await h.boot()
    await s.recurring(KIND, {"hour": 9, "minute": 0}, guild_id=1, owner="o", timezone="UTC")
    await h.db.execute("DELETE FROM jobs")  # e.g. a hand-edited database
    s = await h.restart()
    assert [j.due_at for j in await s.upcoming(1)] == [datetime(2026, 5, 5, 9, 0, tzinfo=UTC)]


async def test_shutdown_waits_for_work_that_a_running_dispatch_starts(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow(job: Job, ctx: RunContext) -> None:
        await asyncio.sleep(0.05)

    s = await h.boot(slow)
    claim = s.jobs.claim
    shutting: list[asyncio.Task[None]] = []

    async def claim_while_shutting_down(*args: Any, **kwargs: Any) -> list[Job]:
        # Shutdown begins while this dispatch is between reading the fired jobs and starting them.
        shutting.append(asyncio.create_task(s.shutdown(finish_within=10)))
        await asyncio.sleep(0)
        return await claim(*args, **kwargs)

    monkeypatch.setattr(s.jobs, "claim", claim_while_shutting_down)
    ids = [await h.schedule(h.clock.now() + SOON, owner=f"meeting:{n}") for n in range(5)]
    h.clock.advance(SOON)
    await until(lambda: bool(shutting), "a dispatch to begin")
    await shutting[0]
    assert s.busy == 0  # nothing is left running against a database about to close
    states = {(await h.job(i)).state for i in ids}
    assert states <= {JobState.DONE, JobState.PENDING}  # finished, or never started: none half-run


@pytest.mark.parametrize("spec", [{"hour": 1, "minute": 30}, {"minute": "*/15"}, {"second": "*"}])
def test_the_repeated_hour_when_clocks_fall_back_does_not_hang_the_next_run(
    spec: dict[str, int | str],
) -> None:
    # APScheduler 3 never returned for a start inside the repeated hour (01:00-02:00 New York, 2026-11-01).
    trigger = cron_trigger(spec, "America/New_York")
    after_the_fold = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
    for now in (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)):
        found = next_occurrence(trigger, after=None, now=now, grace=timedelta(0))
        assert found is not None
        assert found >= after_the_fold
