"""The jobs repository: rows, state transitions, filters, series uniqueness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage.database import Database
from storage.jobs import (
    Job,
    JobFilter,
    JobRepository,
    JobState,
    NewJob,
    from_db_time,
    to_db_time,
)

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def repo(db: Database) -> JobRepository:
    return JobRepository(db)


async def add(
    repo: JobRepository, *, due: datetime = NOW, guild_id: int = 1, owner: str = "meeting:1", kind: str = "k"
) -> int:
    job_id = await repo.insert(NewJob(guild_id, kind, owner, due, {"n": 1}), now=NOW)
    assert job_id is not None
    return job_id


async def claim(repo: JobRepository, job_id: int, due: datetime = NOW) -> Job | None:
    claimed = await repo.claim([(job_id, due)], now=due, late_before=due - timedelta(minutes=1))
    return claimed[0] if claimed else None


async def get(repo: JobRepository, job_id: int) -> Job:
    job = await repo.get(job_id)
    assert job is not None
    return job


def test_times_are_fixed_width_utc_and_round_trip() -> None:
    eastern = datetime(2026, 3, 8, 9, 0, tzinfo=UTC).astimezone(timezone(timedelta(hours=-4)))
    text = to_db_time(eastern)
    assert text == "2026-03-08T09:00:00.000000Z"
    assert from_db_time(text) == eastern
    assert from_db_time(text).tzinfo is UTC
    assert to_db_time(datetime(2026, 1, 1, 0, 0, 0, 5, tzinfo=UTC)) < to_db_time(
        datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        to_db_time(datetime(2026, 1, 1))


async def test_insert_and_get_round_trip(repo: JobRepository) -> None:
    job = await get(repo, await add(repo, due=NOW + timedelta(hours=1)))
    assert [j.id for j in await repo.get_many([job.id, job.id + 1])] == [job.id]
    assert await repo.get_many([]) == []
    assert (job.guild_id, job.kind, job.owner, job.payload) == (1, "k", "meeting:1", {"n": 1})
    assert job.due_at == job.scheduled_for == NOW + timedelta(hours=1)
    assert job.due_at.tzinfo is UTC
    assert (job.state, job.attempts, job.late, job.series_id, job.last_error) == (
        JobState.PENDING,
        0,
        False,
        None,
        None,
    )
    assert job.created_at == NOW
    assert job.ran_at is None
    assert job.finished_at is None
    assert await repo.get(job.id + 1) is None


async def test_a_rolled_back_insert_leaves_nothing(db: Database, repo: JobRepository) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await add(repo)
            raise RuntimeError("the caller's work failed")
    assert await repo.count() == 0


async def test_claim_is_once_and_only_at_the_expected_due_time(repo: JobRepository) -> None:
    on_time, late, moved, other = [await add(repo, due=NOW - timedelta(minutes=m)) for m in (0, 5, 0, 0)]
    later = NOW + timedelta(minutes=5)
    claimed = await repo.claim(
        [(on_time, NOW), (late, NOW - timedelta(minutes=5)), (moved, NOW + timedelta(seconds=1))],
        now=later,
        late_before=NOW - timedelta(minutes=1),
    )
    assert [(j.id, j.state, j.attempts, j.late) for j in claimed] == [
        (late, JobState.RUNNING, 1, True),
        (on_time, JobState.RUNNING, 1, False),
    ]
    assert claimed[0].ran_at == later
    assert (await get(repo, moved)).state is JobState.PENDING, "claimed only at the due time that was read"
    assert (await get(repo, other)).state is JobState.PENDING
    assert await claim(repo, on_time) is None, "a job is claimed once"
    assert await repo.claim([], now=NOW, late_before=NOW) == []


async def test_retry_then_finish(repo: JobRepository) -> None:
    job_id = await add(repo)
    await claim(repo, job_id)
    later = NOW + timedelta(seconds=30)
    assert await repo.retry(job_id, due_at=later, now=NOW, error="HTTP 503")
    job = await get(repo, job_id)
    assert (job.state, job.due_at, job.scheduled_for, job.last_error) == (
        JobState.PENDING,
        later,
        NOW,
        "HTTP 503",
    )
    assert not await repo.retry(job_id, due_at=later, now=NOW, error="x"), "only a running job can be retried"
    assert not await repo.finish(job_id, JobState.DONE, now=later), "a pending job is not running"
    assert await claim(repo, job_id, later) is not None
    assert await repo.finish(job_id, JobState.DONE, now=later)
    job = await get(repo, job_id)
    assert (job.state, job.attempts, job.finished_at) == (JobState.DONE, 2, later)
    assert job.last_error == "HTTP 503", "the last error seen is kept"
    with pytest.raises(ValueError, match="not a final state"):
        await repo.finish(job_id, JobState.PENDING, now=later)


async def test_cancel_by_id_owner_kind_and_guild_touches_only_pending_jobs(repo: JobRepository) -> None:
    a = await add(repo, owner="meeting:1", kind="meeting.reminder")
    b = await add(repo, owner="meeting:1", kind="meeting.followup")
    c = await add(repo, owner="meeting:2")
    other_guild = await add(repo, guild_id=2, owner="meeting:1")
    running = await add(repo, owner="meeting:3")
    await claim(repo, running)

    cancelled = await repo.cancel(JobFilter(guild_id=1, owner="meeting:1", kind="meeting.reminder"), now=NOW)
    assert [j.id for j in cancelled] == [a]
    assert cancelled[0].state is JobState.CANCELLED
    assert [j.id for j in await repo.cancel(JobFilter(guild_id=1, owner="meeting:1"), now=NOW)] == [b]
    assert await repo.cancel(JobFilter(job_id=c, guild_id=2), now=NOW) == [], "guild_id narrows a job id"
    assert sorted(j.id for j in await repo.cancel(JobFilter(guild_id=1), now=NOW)) == [c]
    assert (await get(repo, running)).state is JobState.RUNNING
    assert (await get(repo, other_guild)).state is JobState.PENDING
    with pytest.raises(ValueError, match="filter is empty"):
        await repo.cancel(JobFilter(), now=NOW)


async def test_reschedule_moves_pending_one_off_jobs_as_a_fresh_plan(repo: JobRepository) -> None:
    job_id = await add(repo)
    await claim(repo, job_id)
    await repo.retry(job_id, due_at=NOW + timedelta(seconds=30), now=NOW, error="503")
    new_due = NOW + timedelta(days=2)
    assert await repo.reschedule(JobFilter(guild_id=1, owner="meeting:1"), new_due, now=NOW) == [job_id]
    job = await get(repo, job_id)
    assert (job.due_at, job.scheduled_for, job.attempts, job.late, job.last_error) == (
        new_due,
        new_due,
        0,
        False,
        None,
    )
    assert await repo.reschedule(JobFilter(guild_id=1, owner="nobody"), new_due, now=NOW) == []


async def test_due_before_lists_pending_jobs_soonest_first(repo: JobRepository) -> None:
    late = await add(repo, due=NOW - timedelta(hours=1))
    soon = await add(repo, due=NOW + timedelta(minutes=5))
    await add(repo, due=NOW + timedelta(minutes=11))
    done = await add(repo, due=NOW)
    await claim(repo, done)
    assert await repo.due_before(NOW + timedelta(minutes=10)) == [
        (late, NOW - timedelta(hours=1)),
        (soon, NOW + timedelta(minutes=5)),
    ]


async def test_interrupted_jobs_are_requeued(repo: JobRepository) -> None:
    job_id = await add(repo)
    await add(repo)
    await claim(repo, job_id)
    assert [j.id for j in await repo.interrupted()] == [job_id]
    requeued = await repo.requeue_interrupted(now=NOW)
    assert [(j.id, j.state, j.attempts) for j in requeued] == [(job_id, JobState.PENDING, 1)]
    assert await repo.interrupted() == []


async def test_upcoming_and_recent_failures_are_per_guild_and_ordered(repo: JobRepository) -> None:
    later = await add(repo, due=NOW + timedelta(hours=2))
    sooner = await add(repo, due=NOW + timedelta(hours=1))
    await add(repo, guild_id=2)
    assert [j.id for j in await repo.upcoming(1)] == [sooner, later]
    assert [j.id for j in await repo.upcoming(1, limit=1)] == [sooner]

    first, second, skipped = await add(repo), await add(repo), await add(repo)
    for job_id, state, at in (
        (first, JobState.FAILED, NOW),
        (second, JobState.FAILED, NOW + timedelta(minutes=1)),
        (skipped, JobState.SKIPPED, NOW + timedelta(minutes=2)),
    ):
        await claim(repo, job_id)
        await repo.finish(job_id, state, now=at, error=f"{state} {job_id}")
    assert [j.id for j in await repo.recent_failures(1)] == [second, first]
    assert [j.id for j in await repo.recent_failures(1, include_skipped=True)] == [skipped, second, first]
    assert await repo.recent_failures(2) == []


async def test_a_series_gets_at_most_one_job_per_occurrence(repo: JobRepository) -> None:
    series_id = await repo.insert_series(
        guild_id=1,
        kind="announcement.post",
        owner="announcement:4",
        trigger={"day_of_week": "mon", "hour": 9, "minute": 0},
        timezone="America/New_York",
        payload={"text": "hi"},
        now=NOW,
    )
    occurrence = NewJob(1, "announcement.post", "announcement:4", NOW, {"text": "hi"}, series_id=series_id)
    first = await repo.insert(occurrence, now=NOW)
    assert first is not None
    assert await repo.insert(occurrence, now=NOW) is None
    assert await repo.count() == 1
    # One-off jobs at the same time are not series occurrences and never collide.
    assert await add(repo) != await add(repo)

    series = await repo.get_series(series_id)
    assert series is not None
    assert (series.trigger, series.timezone, series.payload, series.active) == (
        {"day_of_week": "mon", "hour": 9, "minute": 0},
        "America/New_York",
        {"text": "hi"},
        True,
    )
    assert [s.id for s in await repo.series_without_job()] == []
    await repo.set_series_next(series_id, NOW, now=NOW)
    series = await repo.get_series(series_id)
    assert series is not None
    assert series.next_due_at == NOW
    await repo.cancel(JobFilter(series_id=series_id), now=NOW)
    assert [s.id for s in await repo.series_without_job()] == [series_id]
    assert await repo.deactivate_series(JobFilter(job_id=first), now=NOW) == 0, (
        "a job id never selects a series"
    )
    assert await repo.deactivate_series(JobFilter(guild_id=1, owner="announcement:4"), now=NOW) == 1
    assert await repo.series_of(1) == []
    assert await repo.series_without_job() == []


async def test_insert_many(repo: JobRepository) -> None:
    await repo.insert_many(
        (NewJob(1, "k", f"o:{i}", NOW + timedelta(days=i), {}) for i in range(50)), now=NOW
    )
    assert await repo.count(JobState.PENDING) == 50
