"""The announcement use cases on a real SQLite file and the durable scheduler (not started: jobs are rows):
saving writes the job or series with the row, the guild's limit on repeating announcements, pause and
resume, send-now, cancel and finish."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.announcements.plans import AnnouncementError, make_plan
from core.announcements.runs import GRACE, KIND
from core.announcements.service import AnnouncementService
from core.clock import ManualClock
from core.scheduler import RunContext, Scheduler
from storage.announcements import AnnouncementState, NewAnnouncement
from storage.database import Database
from storage.jobs import Job, JobRepository, JobState

ZONE = "UTC"
NOW = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 1, 2


async def _never_runs(job: Job, ctx: RunContext) -> None:
    raise AssertionError("the scheduler is not started")


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[AnnouncementService]:
    db = await Database.open(tmp_path / "announcements.db")
    clock = ManualClock(NOW)
    scheduler = Scheduler(db, clock=clock)
    scheduler.register(KIND, _never_runs, grace=GRACE)
    try:
        yield AnnouncementService(db, scheduler, clock, recurring_limit=2)
    finally:
        await db.close()


def new(*, when: str | None = None, repeat: str | None = None, guild_id: int = GUILD) -> NewAnnouncement:
    plan = make_plan(when=when, repeat=repeat, until=None, zone=ZONE, now=NOW)
    return NewAnnouncement(guild_id, 100, 10, None, "Hello", None, plan.schedule, ZONE)


def travel(service: AnnouncementService, to: datetime) -> None:
    assert isinstance(service.clock, ManualClock)
    service.clock.set(to)


async def pending(service: AnnouncementService, owner: str) -> list[Job]:
    jobs = await JobRepository(service.db).upcoming(GUILD, limit=50)
    return [job for job in jobs if job.owner == owner and job.state is JobState.PENDING]


async def test_saving_a_one_off_writes_its_job_and_a_passed_time_is_refused(
    service: AnnouncementService,
) -> None:
    saved = await service.save(new(when="2026-03-02 09:00"))
    current = await service.find(GUILD, saved.id)
    [job] = await pending(service, saved.owner)
    assert current.job_id == job.id
    assert job.due_at == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert job.payload == {"announcement_id": saved.id}
    travel(service, NOW + timedelta(days=2))
    with pytest.raises(AnnouncementError, match="passed while the preview was open"):
        await service.save(new(when="2026-03-02 09:00"))


async def test_another_guilds_announcement_is_unknown(service: AnnouncementService) -> None:
    saved = await service.save(new(when="tomorrow 9am", guild_id=OTHER_GUILD))
    with pytest.raises(AnnouncementError, match=f"There is no announcement #{saved.id} in this server"):
        await service.find(GUILD, saved.id)


async def test_the_guild_limit_counts_running_repeating_announcements(service: AnnouncementService) -> None:
    first = await service.save(new(repeat="daily at 7:30"))
    await service.save(new(repeat="weekdays at 8am"))
    await service.save(new(when="tomorrow 9am"))  # a one-off is not counted
    with pytest.raises(AnnouncementError, match=r"already has 2 repeating announcements running.*\(2\)"):
        await service.save(new(repeat="every Monday at 9:00"))
    await service.pause(first)  # a paused one is not running
    third = await service.save(new(repeat="every Monday at 9:00"))
    assert (await service.find(GUILD, third.id)).series_id is not None
    with pytest.raises(AnnouncementError, match="already has 2"):
        await service.resume(await service.find(GUILD, first.id))


async def test_pause_cancels_the_jobs_and_resume_plans_the_next_run(service: AnnouncementService) -> None:
    saved = await service.find(GUILD, (await service.save(new(repeat="daily at 7:30"))).id)
    assert await pending(service, saved.owner)
    assert "Paused announcement **#" in await service.pause(saved)
    paused = await service.find(GUILD, saved.id)
    assert paused.state is AnnouncementState.PAUSED
    assert not await pending(service, saved.owner)
    with pytest.raises(AnnouncementError, match="so there is nothing to pause"):
        await service.pause(paused)
    said = await service.resume(paused)
    assert said.startswith(f"Resumed announcement **#{saved.id}**. Next post <t:")
    resumed = await service.find(GUILD, saved.id)
    assert resumed.state is AnnouncementState.SCHEDULED
    assert resumed.series_id != saved.series_id
    assert len(await pending(service, saved.owner)) == 1
    with pytest.raises(AnnouncementError, match="isn't paused"):
        await service.resume(resumed)


async def test_a_one_off_due_while_paused_is_not_resumed(service: AnnouncementService) -> None:
    saved = await service.save(new(when="2026-03-02 09:00"))
    await service.pause(await service.find(GUILD, saved.id))
    travel(service, datetime(2026, 3, 3, tzinfo=UTC))
    with pytest.raises(AnnouncementError, match="while it was paused, so it was skipped"):
        await service.resume(await service.find(GUILD, saved.id))


async def test_send_now_adds_a_manual_job_and_leaves_the_schedule(service: AnnouncementService) -> None:
    saved = await service.find(GUILD, (await service.save(new(repeat="daily at 7:30"))).id)
    await service.send_now(saved)
    jobs = await pending(service, saved.owner)
    assert sorted(bool(job.payload.get("manual")) for job in jobs) == [False, True]
    assert [job.due_at for job in jobs if job.payload.get("manual")] == [NOW]
    assert (await service.find(GUILD, saved.id)).series_id == saved.series_id


async def test_cancel_is_once_and_a_cancelled_announcement_cannot_be_sent(
    service: AnnouncementService,
) -> None:
    saved = await service.find(GUILD, (await service.save(new(when="tomorrow 9am"))).id)
    assert await service.cancel(saved)
    assert not await service.cancel(saved)  # already cancelled meanwhile: nothing changes
    cancelled = await service.find(GUILD, saved.id)
    assert cancelled.state is AnnouncementState.CANCELLED
    assert not await pending(service, saved.owner)
    with pytest.raises(AnnouncementError, match="was cancelled, so it can't be sent"):
        await service.send_now(cancelled)


async def test_finish_stops_the_series(service: AnnouncementService) -> None:
    saved = await service.find(GUILD, (await service.save(new(repeat="daily at 7:30"))).id)
    await service.finish(saved)
    assert (await service.find(GUILD, saved.id)).state is AnnouncementState.FINISHED
    assert not await pending(service, saved.owner)
    assert await JobRepository(service.db).series_of(GUILD) == []
