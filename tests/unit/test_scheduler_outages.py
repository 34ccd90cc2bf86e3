"""The scheduler through outages: retries honour `retry_after`, reset after a success, last as long as the
grace allows, and jobs skipped for coming too late are reported once (`on_missed`).

Time is the test's `ManualClock`; the back-off is computed from it, so the tests move it.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from core.scheduler import MISSED, Missed, RetryableJobError, RunContext, StaleJob
from storage.jobs import Job, JobState
from tests.unit.harness import KIND, SOON, Call, Harness, idle, state_is


class Reports:
    def __init__(self) -> None:
        self.missed: list[Missed] = []

    async def on_missed(self, missed: list[Missed]) -> None:
        self.missed.extend(missed)


async def describe(job: Job) -> str:
    return f"post {job.owner}"


async def boot(
    h: Harness, handler: object, reports: Reports, *, grace: timedelta = timedelta(hours=1)
) -> None:
    s = await h.boot(handler, grace=grace, start=False, on_missed=reports.on_missed)  # type: ignore[arg-type]
    s.unregister(KIND)
    s.register(KIND, handler, grace=grace, describe=describe)  # type: ignore[arg-type]
    await s.start()


async def test_retry_after_is_honoured_as_given_not_stretched_by_earlier_failures(h: Harness) -> None:
    async def limited(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        if ctx.attempt < 8:
            raise RetryableJobError("429", retry_after=timedelta(seconds=2))

    await boot(h, limited, Reports())
    job_id = await h.schedule(h.clock.now() + SOON)
    await h.advance(SOON + timedelta(seconds=2 * 7))
    await state_is(h, job_id, JobState.DONE)
    times = [c.ctx.now for c in h.calls]
    assert {b - a for a, b in itertools.pairwise(times)} == {timedelta(seconds=2)}
    assert len(h.calls) == 8  # more than max_attempts (5): an outage is not a reason to give up


async def test_without_retry_after_the_wait_doubles_up_to_a_cap(h: Harness) -> None:
    async def down(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        if ctx.attempt < 7:
            raise RetryableJobError("HTTP 503")

    await boot(h, down, Reports())
    job_id = await h.schedule(h.clock.now() + SOON)
    await h.advance(SOON + timedelta(minutes=1))
    await state_is(h, job_id, JobState.DONE)
    times = [c.ctx.now for c in h.calls]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert gaps == [1, 2, 4, 8, 8, 8]


async def test_a_success_brings_every_waiting_retry_forward_and_resets_its_back_off(h: Harness) -> None:
    healthy = False

    async def outage(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        if not healthy and job.owner != "probe":
            raise RetryableJobError("HTTP 503")

    await boot(h, outage, Reports())
    waiting = [await h.schedule(h.clock.now() + SOON, owner=f"post:{n}") for n in range(3)]
    await h.advance(SOON + timedelta(seconds=7))  # failures at +0, +1, +3, +7: the next wait is 8 s
    assert {(await h.job(i)).state for i in waiting} == {JobState.PENDING}
    healthy = True
    await h.schedule(h.clock.now(), owner="probe")  # one post gets through: Discord is back
    await h.advance(timedelta(0))
    await idle(h.scheduler)
    for job_id in waiting:
        assert (await h.job(job_id)).state is JobState.DONE  # at once, not after the 8 s wait


async def test_retries_stop_at_the_grace_and_the_miss_is_reported_once(h: Harness) -> None:
    reports = Reports()

    async def down(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        raise RetryableJobError("HTTP 503")

    await boot(h, down, reports, grace=timedelta(seconds=30))
    job_id = await h.schedule(h.clock.now() + SOON, owner="post:late")
    await h.advance(timedelta(minutes=2))
    await state_is(h, job_id, JobState.SKIPPED)
    await idle(h.scheduler)
    job = await h.job(job_id)
    assert job.last_error is not None
    assert "too late" in job.last_error
    [missed] = reports.missed
    assert (missed.job.id, missed.what) == (job_id, "post post:late")
    assert (await h.scheduler.recent_failures(1)) == []  # skipped, not failed


async def test_a_job_past_its_grace_and_a_late_stale_job_are_reported_but_an_organizers_change_is_not(
    h: Harness,
) -> None:
    reports = Reports()

    async def handler(job: Job, ctx: RunContext) -> None:
        if job.owner == "started":
            raise StaleJob("the meeting already started", missed=True)
        if job.owner == "cancelled":
            raise StaleJob("the meeting was cancelled")

    await boot(h, handler, reports, grace=timedelta(minutes=5))
    past = await h.schedule(h.clock.now() + SOON, owner="offline")
    started = await h.schedule(h.clock.now() + SOON, owner="started")
    cancelled = await h.schedule(h.clock.now() + SOON, owner="cancelled")
    await h.stop()
    h.clock.advance(timedelta(minutes=3))
    await boot(h, handler, reports, grace=timedelta(minutes=5))
    await h.scheduler.schedule(KIND, h.clock.now() - timedelta(hours=1), guild_id=1, owner="offline2")
    await h.advance(timedelta(0))
    await idle(h.scheduler)
    for job_id in (started, cancelled):
        await state_is(h, job_id, JobState.SKIPPED)
    assert (await h.job(past)).state is JobState.DONE  # within grace: it ran late
    by_owner = {m.job.owner: m.reason for m in reports.missed}
    assert by_owner == {"started": "the meeting already started", "offline2": MISSED}


async def test_a_success_elsewhere_does_not_cut_short_a_wait_discord_asked_for(h: Harness) -> None:
    async def handler(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        if job.owner == "limited" and ctx.attempt == 1:
            raise RetryableJobError("429", retry_after=timedelta(seconds=60))

    await boot(h, handler, Reports())
    limited = await h.schedule(h.clock.now() + SOON, owner="limited")
    await h.advance(SOON)
    for n in range(5):  # other posts go through meanwhile
        await h.schedule(h.clock.now() + timedelta(seconds=1), owner=f"ok:{n}")
        await h.advance(timedelta(seconds=2))
    runs = [c.ctx.now for c in h.calls if c.job.id == limited]
    assert len(runs) == 1, "retried before Discord's retry_after"
    await h.advance(timedelta(seconds=60))
    await state_is(h, limited, JobState.DONE)
    runs = [c.ctx.now for c in h.calls if c.job.id == limited]
    assert runs[1] - runs[0] == timedelta(seconds=60)


async def test_an_outage_sat_out_leaves_every_attempt_for_unexpected_errors(h: Harness) -> None:
    async def handler(job: Job, ctx: RunContext) -> None:
        h.calls.append(Call(job, ctx))
        if ctx.attempt <= 6:
            raise RetryableJobError("HTTP 503")
        if ctx.attempt == 7:
            raise RuntimeError("database is locked")  # once, after the outage

    await boot(h, handler, Reports())
    job_id = await h.schedule(h.clock.now() + SOON)
    await h.advance(SOON + timedelta(minutes=5))
    await state_is(h, job_id, JobState.DONE)
    assert len(h.calls) == 8
    assert h.failures == []
