"""What organizers are told about the scheduler's work (`core.organizers`), with fakes of the platform and
the scheduler: no Discord."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from core.organizers import MISSED_OWNER, POST_KIND, tell_job_failed, tell_missed
from core.scheduler import MISSED, Cause, Missed, PermanentJobError
from storage.guilds import Purpose
from storage.jobs import Job, JobState
from tests.core.fakes import FakeJobs

NOW = datetime(2026, 10, 14, 17, 0, tzinfo=UTC)


class FakeMessenger:
    def __init__(self, channels: Mapping[int, int] | None = None) -> None:
        self.channels = dict(channels or {})  # guild → the channel set for announcements
        self.told: list[tuple[int, str, str | None]] = []
        self.asked: list[tuple[Purpose, ...]] = []

    async def channel_for(self, guild_id: int, *purposes: Purpose) -> int | None:
        self.asked.append(purposes)
        return self.channels.get(guild_id)

    async def tell_organizers(
        self, guild_id: int, text: str, *, nonce: str | None = None, purposes: tuple[Purpose, ...] = ()
    ) -> bool:
        self.told.append((guild_id, text, nonce))
        return True

    async def send_dm(self, user_id: int, text: str, *, nonce: str | None = None) -> bool:
        raise AssertionError("organizer notices are never DMs")


def job(job_id: int = 7, guild_id: int = 1, kind: str = "announcement.post") -> Job:
    due = NOW - timedelta(hours=3)
    return Job(
        id=job_id,
        guild_id=guild_id,
        kind=kind,
        owner="announcement:1",
        due_at=due,
        scheduled_for=due,
        payload={},
        state=JobState.SKIPPED,
        attempts=1,
        last_error=None,
        late=True,
        series_id=None,
        created_at=due,
        updated_at=due,
        ran_at=None,
        finished_at=None,
    )


async def test_a_failure_organizers_can_fix_is_told_once_with_the_fix() -> None:
    messenger = FakeMessenger()
    error = PermanentJobError("403", organizer_message="give my role Send Messages", cause=Cause.NOT_ALLOWED)
    await tell_job_failed(messenger, job(), error)
    [(guild_id, text, nonce)] = messenger.told
    assert guild_id == 1
    assert (
        text
        == "**Organizers:** a scheduled post (announcement post) could not be delivered: give my role Send Messages"
    )
    assert nonce == "fail-7"  # a retried notice arrives once


async def test_a_failure_without_a_fix_for_organizers_is_not_told() -> None:
    messenger = FakeMessenger()
    await tell_job_failed(messenger, job(), PermanentJobError("a bug on our side"))
    assert messenger.told == []


async def test_missed_posts_become_one_durable_notice_per_guild() -> None:
    messenger, jobs = FakeMessenger({1: 100, 2: 200}), FakeJobs()
    missed = [
        Missed(job(1, 1), "announcement #1", MISSED),
        Missed(job(2, 1), "a reminder of meeting #4", "the meeting had started"),
        Missed(job(3, 2), "announcement #9", MISSED),
    ]
    await tell_missed(messenger, jobs, missed, NOW)
    assert messenger.asked == [(Purpose.ANNOUNCEMENTS, Purpose.MEETINGS)] * 2
    assert [(kind, due, guild, owner) for kind, due, _, guild, owner in jobs.scheduled] == [
        (POST_KIND, NOW, 1, MISSED_OWNER),
        (POST_KIND, NOW, 2, MISSED_OWNER),
    ]
    first = jobs.scheduled[0][2]
    assert first["channel_id"] == 100
    assert first["content"].startswith("**Organizers:** these scheduled posts were not sent")
    assert "• announcement #1, due <t:" in first["content"]
    assert "it fell due while I was offline, too long ago" in first["content"]
    assert "the meeting had started" in first["content"]
    assert (
        "these scheduled posts" not in jobs.scheduled[1][2]["content"]
    )  # one post: "this scheduled post was"


async def test_without_a_channel_for_organizers_nothing_is_scheduled() -> None:
    messenger, jobs = FakeMessenger(), FakeJobs()
    await tell_missed(messenger, jobs, [Missed(job(), "announcement #1", MISSED)], NOW)
    assert jobs.scheduled == []


async def test_a_long_batch_still_fits_one_discord_message() -> None:
    messenger, jobs = FakeMessenger({1: 100}), FakeJobs()
    missed = [Missed(job(n), f"announcement #{n} " + "x" * 80, MISSED) for n in range(100)]
    await tell_missed(messenger, jobs, missed, NOW)
    content = jobs.scheduled[0][2]["content"]
    assert len(content) <= 2000
    assert content.endswith("more")
