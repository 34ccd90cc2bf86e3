"""Back-to-back outages (a 429 storm, then a 5xx storm): every post goes out within seconds of the end.

The scheduler's back-off is computed from the bot's clock, so the test moves the clock a second at a time
and measures recovery in the bot's own time; bench/outage_recovery.py prints the same in real seconds.
"""

from __future__ import annotations

from datetime import timedelta

from core.organizers import POST_KIND
from storage.jobs import JobState
from tests.e2e.community import Community, eventually
from tests.e2e.steps.server import posts

ROUTE = "POST /channels/{channel_id}/messages"
POSTS = 3
RECOVERY = timedelta(seconds=10)  # the goal: every post out within 10 s after the storm ends


async def test_posts_go_out_within_seconds_after_a_429_storm_then_a_5xx_storm(community: Community) -> None:
    now = community.clock.now()
    ids = [
        await community.bot.scheduler.schedule(
            POST_KIND,
            now + timedelta(seconds=1),
            {"channel_id": int(community.general_id), "content": f"Storm post {n}"},
            guild_id=int(community.guild_id),
            owner=f"storm:{n}",
        )
        for n in range(POSTS)
    ]
    # discord.py retries a 429 itself (after retry_after) up to 5 times per send; 503 it leaves to us.
    await community.control.fault("ratelimit", route=ROUTE, count=60, retry_after=0.01)
    await community.control.fault("server_error", route=ROUTE, count=40, status=503)
    storm_over = None
    for _ in range(900):
        await community.advance(timedelta(seconds=1))
        if storm_over is None and not await community.control.call("GET", "/faults"):
            storm_over = community.clock.now()
        if storm_over is not None and len(await posts(community, "Storm post")) == POSTS:
            break
    assert storm_over is not None, "the storm never ended"
    sent = await eventually(lambda: _all(community), what="every post")
    delivered_by = community.clock.now()
    assert delivered_by - storm_over <= RECOVERY, (storm_over, delivered_by)
    assert sorted(m["content"] for m in sent) == [f"Storm post {n}" for n in range(POSTS)]  # each once
    for job_id in ids:
        job = await community.bot.scheduler.jobs.get(job_id)
        assert job is not None
        assert job.state is JobState.DONE, (job.state, job.last_error)
        assert job.attempts > 5  # an outage is not a reason to give up after five attempts


async def _all(community: Community) -> list[dict[str, object]] | None:
    found = await posts(community, "Storm post")
    return found if len(found) == POSTS else None
