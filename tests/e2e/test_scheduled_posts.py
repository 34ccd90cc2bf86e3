"""The durable scheduler end to end: posts promised for later reach the channel exactly once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.organizers import POST_GRACE, POST_KIND
from storage.database import Database
from storage.jobs import JobRepository, JobState, NewJob
from tests.e2e.community import Community, eventually

SOON = timedelta(milliseconds=300)


async def schedule_post(
    community: Community, content: str, after: timedelta, channel_id: str | None = None
) -> int:
    return await community.bot.scheduler.schedule(
        POST_KIND,
        community.clock.now() + after,
        {"channel_id": int(channel_id or community.general_id), "content": content},
        guild_id=int(community.guild_id),
        owner=f"test:{content}",
    )


async def contents(community: Community, channel_id: str | None = None) -> list[str]:
    return [m["content"] for m in await community.control.messages(channel_id or community.general_id)]


async def posted(community: Community, text: str, channel_id: str | None = None) -> bool:
    return any(text in c for c in await contents(community, channel_id))


async def job_state(community: Community, job_id: int) -> JobState:
    job = await community.bot.scheduler.jobs.get(job_id)
    assert job is not None
    return job.state


async def test_a_post_goes_out_once_at_its_time(community: Community) -> None:
    job_id = await schedule_post(community, "Kickoff starts soon!", SOON)
    await community.advance(SOON / 2)
    assert await contents(community) == []  # not yet
    await community.advance(SOON / 2)
    await eventually(lambda: posted(community, "Kickoff starts soon!"), what="the post")
    await eventually(lambda: _is(community, job_id, JobState.DONE), what="the job marked done")
    assert await contents(community) == ["Kickoff starts soon!"]
    message = (await community.control.messages(community.general_id))[0]
    assert message["author"]["bot"] is True
    assert message.get("nonce") == f"job-{job_id}"


async def test_cancelled_moved_and_rolled_back_jobs(community: Community) -> None:
    cancelled = await schedule_post(community, "cancelled", SOON)
    moved = await schedule_post(community, "moved", SOON)
    assert await community.bot.scheduler.cancel(job_id=cancelled, guild_id=int(community.guild_id)) == 1
    assert (
        await community.bot.scheduler.reschedule(community.clock.now() + timedelta(hours=1), job_id=moved)
        == 1
    )
    try:
        async with community.bot.db.transaction():
            await schedule_post(community, "rolled back", SOON)
            raise RuntimeError("the meeting could not be saved")
    except RuntimeError:
        pass
    # A later sentinel: once it is out, anything due before it would have been posted too.
    await schedule_post(community, "sentinel", SOON * 2)
    await community.advance(SOON * 2)
    await eventually(lambda: posted(community, "sentinel"), what="the sentinel")
    assert await contents(community) == ["sentinel"]
    assert await job_state(community, cancelled) == JobState.CANCELLED
    assert await job_state(community, moved) == JobState.PENDING
    assert not [
        j for j in await community.bot.scheduler.upcoming(int(community.guild_id)) if "rolled" in j.owner
    ]


async def test_restart_before_due_fires_once_at_due(community: Community) -> None:
    job_id = await schedule_post(community, "after restart", timedelta(seconds=1))
    await community.restart()
    assert await contents(community) == []
    await community.advance(timedelta(seconds=1))
    await eventually(lambda: posted(community, "after restart"), what="the post after restart")
    await eventually(lambda: _is(community, job_id, JobState.DONE), what="done")
    assert await contents(community) == ["after restart"]


async def test_downtime_within_grace_posts_late_and_past_grace_skips(community: Community) -> None:
    await community.runner.stop()
    now = community.clock.now()
    db = await Database.open(community.runner.database)
    try:
        repo = JobRepository(db)
        late = await repo.insert(_post(community, "late but useful", now - timedelta(minutes=10)), now=now)
        stale = await repo.insert(
            _post(community, "too old", now - POST_GRACE - timedelta(minutes=1)), now=now
        )
    finally:
        await db.close()
    assert late is not None
    assert stale is not None
    await community.runner.start(sync=False)
    await eventually(lambda: posted(community, "late but useful"), what="the late post")
    text = (await contents(community))[0]
    assert "sent late because copbot was offline" in text
    await eventually(lambda: _is(community, stale, JobState.SKIPPED), what="the stale job skipped")
    skipped = await community.bot.scheduler.jobs.get(stale)
    assert skipped is not None
    assert "offline" in (skipped.last_error or "")
    assert len(await contents(community)) == 1


async def test_faults_during_delivery_still_post_exactly_once(community: Community) -> None:
    route = "POST /channels/{channel_id}/messages"
    await community.control.fault("ratelimit", route=route, count=1, retry_after=0.2)
    await schedule_post(community, "through a rate limit", SOON)
    await community.advance(SOON)
    await eventually(lambda: posted(community, "through a rate limit"), what="the rate-limited post")
    await community.control.fault("server_error", route=route, count=1, status=502)
    await schedule_post(community, "through a 502", SOON)
    await community.advance(SOON)
    await eventually(lambda: posted(community, "through a 502"), within=10, what="the post after a 502")
    await community.control.gateway("drop")
    await schedule_post(community, "while the gateway was down", SOON)
    await community.advance(SOON)
    await eventually(lambda: posted(community, "while the gateway was down"), what="the post with no gateway")
    assert sorted(await contents(community)) == sorted(
        ["through a rate limit", "through a 502", "while the gateway was down"]
    )


async def test_a_deleted_channel_fails_and_tells_the_organizers_once(community: Community) -> None:
    await community.control.settled(await community.organizer.run("cop setup"), "Setup is complete")
    announcements = await community.channel("announcements")
    assert announcements is not None
    job_id = await schedule_post(community, "into the void", SOON, channel_id="999999999999999999")
    await community.advance(SOON)
    await eventually(lambda: _is(community, job_id, JobState.FAILED), what="the job failed")
    notices = await eventually(lambda: contents(community, str(announcements["id"])), what="the notice")
    assert len(notices) == 1
    assert "Organizers:" in notices[0]
    assert "deleted" in notices[0]
    jobs = await community.organizer.run("cop jobs")
    assert jobs.ephemeral
    assert "Recent problems" in jobs.text
    assert "failed" in jobs.text


async def test_cop_jobs_lists_what_is_coming(community: Community) -> None:
    empty = await community.organizer.run("cop jobs")
    assert "Nothing is scheduled" in empty.text
    await schedule_post(community, "later", timedelta(days=2))
    listing = await community.organizer.run("cop jobs")
    assert "Coming up" in listing.text
    assert "Scheduled post" in listing.text
    assert "waiting" in listing.text
    assert "<t:" in listing.text
    assert "Only organizers" in (await community.alice.run("cop jobs")).text


async def test_a_recurring_series_runs_each_occurrence_once_across_a_restart(community: Community) -> None:
    series = await community.bot.scheduler.recurring(
        POST_KIND,
        {"second": "*"},
        {"channel_id": int(community.general_id), "content": "tick"},
        guild_id=int(community.guild_id),
        owner="test:ticks",
        timezone="UTC",  # a tick a second: the zone's repeated hour would skip ticks (test_scheduler covers it)
    )
    await community.advance(timedelta(seconds=3))
    await eventually(lambda: _count_at_least(community, "tick", 3), what="a tick a second")
    await community.restart()
    before = len(await contents(community))
    await community.advance(timedelta(seconds=3))
    await eventually(lambda: _count_at_least(community, "tick", before + 3), what="ticks after restart")
    await community.bot.scheduler.cancel(series_id=series, guild_id=int(community.guild_id))
    rows = await community.bot.db.fetchall(
        "SELECT scheduled_for FROM jobs WHERE series_id = ? AND state = 'done'", (series,)
    )
    occurrences = [r["scheduled_for"] for r in rows]
    assert len(occurrences) == len(set(occurrences))
    # Every message belongs to exactly one finished occurrence: no occurrence was posted twice.
    await eventually(
        lambda: _ticks_match_done(community, series), what="messages to match finished occurrences"
    )


async def test_removing_the_bot_from_a_guild_cancels_its_jobs(community: Community) -> None:
    job_id = await schedule_post(community, "never", timedelta(hours=1))
    await community.control.remove_member(community.guild_id, community.emulator.bot_user_id)
    await eventually(lambda: _is(community, job_id, JobState.CANCELLED), what="the job cancelled")


def _post(community: Community, content: str, due: Any) -> NewJob:
    return NewJob(
        guild_id=int(community.guild_id),
        kind=POST_KIND,
        owner=f"test:{content}",
        due_at=due,
        payload={"channel_id": int(community.general_id), "content": content},
    )


async def _is(community: Community, job_id: int, state: JobState) -> bool:
    return await job_state(community, job_id) == state


async def _count_at_least(community: Community, text: str, count: int) -> bool:
    return sum(text in c for c in await contents(community)) >= count


async def _ticks_match_done(community: Community, series: int) -> bool:
    done = await community.bot.db.fetchval(
        "SELECT COUNT(*) FROM jobs WHERE series_id = ? AND state = 'done'", (series,)
    )
    return bool(done == sum(c.startswith("tick") for c in await contents(community)))
