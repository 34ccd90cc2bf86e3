"""The announcements repository: rows, schedules, states, runs, guild scoping and personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage.announcements import (
    AnnouncementRepository,
    AnnouncementState,
    NewAnnouncement,
    RunOutcome,
    Schedule,
)
from storage.database import Database
from storage.jobs import JobRepository, NewJob

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
GUILD, OTHER_GUILD, AUTHOR = 1, 2, 100


@pytest.fixture
def repo(db: Database) -> AnnouncementRepository:
    return AnnouncementRepository(db)


def one_off(
    guild_id: int = GUILD, *, body: str = "Kickoff!", when: datetime = NOW + timedelta(days=1)
) -> NewAnnouncement:
    return NewAnnouncement(guild_id, AUTHOR, 10, None, body, None, Schedule(run_at=when), "America/Phoenix")


def weekly(guild_id: int = GUILD, *, body: str = "Share your win") -> NewAnnouncement:
    schedule = Schedule(
        repeat="every 2 weeks on Friday at 15:00",
        trigger={"day_of_week": "fri", "hour": 15, "minute": 0},
        every_weeks=2,
        anchor=date(2026, 5, 4),
        until=NOW + timedelta(days=60),
    )
    return NewAnnouncement(guild_id, AUTHOR, 10, "Weekly", body, 555, schedule, "America/New_York")


def test_a_schedule_is_either_one_off_or_recurring() -> None:
    with pytest.raises(ValueError, match="either one-off"):
        Schedule()
    with pytest.raises(ValueError, match="either one-off"):
        Schedule(run_at=NOW, trigger={"hour": 9})


async def test_create_and_read_back(repo: AnnouncementRepository) -> None:
    first = await repo.create(one_off(), now=NOW)
    second = await repo.create(weekly(), now=NOW)
    a = await repo.get(GUILD, first)
    b = await repo.get(GUILD, second)
    assert a is not None
    assert b is not None
    assert a.run_at == NOW + timedelta(days=1)
    assert not a.recurring
    assert a.state is AnnouncementState.SCHEDULED
    assert a.owner == f"announcement:{first}"
    assert b.recurring
    assert b.trigger == {"day_of_week": "fri", "hour": 15, "minute": 0}
    assert (b.every_weeks, b.anchor, b.until) == (2, date(2026, 5, 4), NOW + timedelta(days=60))
    assert (b.title, b.ping_role_id, b.timezone) == ("Weekly", 555, "America/New_York")


async def test_every_read_is_scoped_to_its_guild(repo: AnnouncementRepository) -> None:
    mine = await repo.create(one_off(), now=NOW)
    theirs = await repo.create(one_off(OTHER_GUILD, body="theirs"), now=NOW)
    assert await repo.get(OTHER_GUILD, mine) is None
    assert [a.id for a in await repo.list_open(GUILD)] == [mine]
    assert [a.id for a in await repo.search_ids(OTHER_GUILD, "")] == [theirs]


async def test_states_and_the_active_recurring_count(repo: AnnouncementRepository) -> None:
    series = [await repo.create(weekly(), now=NOW) for _ in range(3)]
    await repo.create(one_off(), now=NOW)
    assert await repo.count_active_recurring(GUILD) == 3
    assert await repo.set_state(series[0], AnnouncementState.PAUSED, now=NOW)
    assert await repo.count_active_recurring(GUILD) == 2
    assert not await repo.set_state(
        series[1], AnnouncementState.FINISHED, now=NOW, expect=(AnnouncementState.PAUSED,)
    )
    assert await repo.set_state(series[1], AnnouncementState.CANCELLED, now=NOW)
    assert await repo.count_active_recurring(GUILD) == 1
    assert len(await repo.list_open(GUILD)) == 3  # the paused one is still open
    assert await repo.cancel_guild(GUILD, now=NOW) == 3
    assert await repo.list_open(GUILD) == []


async def test_update_changes_only_what_is_given(repo: AnnouncementRepository) -> None:
    announcement_id = await repo.create(weekly(), now=NOW)
    await repo.set_state(announcement_id, AnnouncementState.PAUSED, now=NOW)
    await repo.update(announcement_id, now=NOW, channel_id=20, clear_ping=True)
    changed = await repo.get(GUILD, announcement_id)
    assert changed is not None
    assert (changed.channel_id, changed.ping_role_id, changed.title, changed.body) == (
        20,
        None,
        "Weekly",
        "Share your win",
    )
    assert changed.state is AnnouncementState.PAUSED
    later = NOW + timedelta(days=3)
    await repo.update(announcement_id, now=NOW, body="New", clear_title=True, schedule=Schedule(run_at=later))
    moved = await repo.get(GUILD, announcement_id)
    assert moved is not None
    assert (moved.body, moved.title, moved.run_at, moved.trigger, moved.until) == (
        "New",
        None,
        later,
        None,
        None,
    )
    assert moved.state is AnnouncementState.SCHEDULED  # a new schedule reopens it


async def test_search_matches_ids_and_text_and_escapes_like_wildcards(repo: AnnouncementRepository) -> None:
    fair = await repo.create(one_off(body="Resource fair on Friday"), now=NOW)
    await repo.create(one_off(body="100% attendance"), now=NOW)
    assert [a.id for a in await repo.search_ids(GUILD, "fair")] == [fair]
    assert next(a.id for a in await repo.search_ids(GUILD, str(fair))) == fair  # "1" is also in "100%"
    assert len(await repo.search_ids(GUILD, "%")) == 1
    assert await repo.search_ids(GUILD, "_x_") == []


async def test_runs_are_recorded_once_per_job(repo: AnnouncementRepository) -> None:
    announcement_id = await repo.create(weekly(), now=NOW)
    announcement = await repo.get(GUILD, announcement_id)
    assert announcement is not None
    await repo.record_run(
        announcement,
        job_id=7,
        scheduled_for=NOW,
        outcome=RunOutcome.FAILED,
        channel_id=10,
        error="502",
        now=NOW,
    )
    retried = NOW + timedelta(minutes=1)
    await repo.record_run(
        announcement,
        job_id=7,
        scheduled_for=NOW,
        outcome=RunOutcome.POSTED,
        channel_id=10,
        message_id=99,
        now=retried,
    )
    runs = await repo.runs(announcement_id)
    assert len(runs) == 1
    assert (runs[0].outcome, runs[0].message_id, runs[0].error, runs[0].finished_at) == (
        RunOutcome.POSTED,
        99,
        None,
        retried,
    )
    await repo.record_run(
        announcement,
        job_id=8,
        scheduled_for=NOW + timedelta(days=14),
        outcome=RunOutcome.FAILED,
        channel_id=10,
        error="the channel was deleted",
        now=NOW + timedelta(days=14),
    )
    last = await repo.last_run(announcement_id)
    assert last is not None
    assert last.job_id == 8
    before = await repo.last_run(announcement_id, excluding_job=8)
    assert before is not None
    assert before.job_id == 7


async def test_skipped_occurrences_come_from_the_scheduler_jobs(
    db: Database, repo: AnnouncementRepository
) -> None:
    announcement_id = await repo.create(one_off(), now=NOW)
    announcement = await repo.get(GUILD, announcement_id)
    assert announcement is not None
    jobs = JobRepository(db)
    job_id = await jobs.insert(NewJob(GUILD, "announcement.post", announcement.owner, NOW, {}), now=NOW)
    assert job_id is not None
    await db.execute("UPDATE jobs SET state = 'skipped', last_error = 'missed' WHERE id = ?", (job_id,))
    assert [s.scheduled_for for s in await repo.skipped(announcement, "missed")] == [NOW]
    assert await repo.skipped(announcement, "something else") == []


async def test_spent_one_offs_are_closed(db: Database, repo: AnnouncementRepository) -> None:
    spent = await repo.create(one_off(), now=NOW)
    waiting = await repo.create(one_off(), now=NOW)
    jobs = JobRepository(db)
    for announcement_id, state in ((spent, "skipped"), (waiting, "pending")):
        job_id = await jobs.insert(
            NewJob(GUILD, "announcement.post", f"announcement:{announcement_id}", NOW, {}), now=NOW
        )
        await db.execute("UPDATE jobs SET state = ? WHERE id = ?", (state, job_id))
        await repo.set_jobs(announcement_id, job_id=job_id, series_id=None, now=NOW)
    assert await repo.close_spent_one_offs(GUILD, now=NOW) == 1
    assert [a.id for a in await repo.list_open(GUILD)] == [waiting]


async def test_personal_data_export_and_forget(repo: AnnouncementRepository) -> None:
    announcement_id = await repo.create(one_off(body="From me"), now=NOW)
    exported = await repo.export_author(GUILD, AUTHOR)
    assert [row["body"] for row in exported] == ["From me"]
    assert await repo.export_author(OTHER_GUILD, AUTHOR) == []
    assert await repo.forget_author(GUILD, AUTHOR) == 1
    kept = await repo.get(GUILD, announcement_id)
    assert kept is not None
    assert kept.author_id is None
    assert await repo.export_author(GUILD, AUTHOR) == []
