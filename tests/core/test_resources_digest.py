"""The weekly digest without Discord (`core.resources.digest`): what a week's digest shows, and turning its
durable series on and off. A real SQLite file and the real scheduler (not started: nothing runs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.clock import ManualClock
from core.resources.digest import (
    DIGEST_GRACE,
    DIGEST_KIND,
    DIGEST_OWNER,
    SHOWN,
    TOP,
    WEEK,
    select_digest,
    set_digest,
    was_set,
)
from core.resources.library import Library, link_of
from core.scheduler import RunContext, Scheduler
from storage.jobs import Job
from storage.resources import DigestSettings, NewResource, Resource

MONDAY = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)  # 09:00 in Phoenix
G, OTHER = 1, 2
ALICE = 10


NOW = MONDAY - 2 * WEEK  # where the conftest's library fixture starts the clock


def at(library: Library, when: datetime) -> None:
    clock = library.clock
    assert isinstance(clock, ManualClock)
    clock.set(when)


async def add(library: Library, title: str, *, guild: int = G) -> Resource:
    new = NewResource(guild_id=guild, url="", url_key="", title=title, shared_by=ALICE)
    slug = title.lower().replace(" ", "-")
    return (await library.share(new, link_of(f"https://example.org/{guild}/{slug}"), [])).resource


async def test_a_quiet_week_has_no_digest(library: Library) -> None:
    at(library, MONDAY - WEEK - timedelta(hours=1))
    await add(library, "Shared the week before")
    assert await select_digest(library.repo, G, MONDAY) is None


async def test_the_digest_shows_the_weeks_new_resources_oldest_first(library: Library) -> None:
    at(library, MONDAY - WEEK - timedelta(minutes=1))
    await add(library, "Too early")
    at(library, MONDAY - WEEK)
    await add(library, "First of the week")
    at(library, MONDAY - timedelta(days=1))
    await add(library, "Yesterday")
    await add(library, "Elsewhere", guild=OTHER)
    at(library, MONDAY)
    await add(library, "After the digest")
    digest = await select_digest(library.repo, G, MONDAY)
    assert digest is not None
    assert (digest.since, digest.until) == (MONDAY - WEEK, MONDAY)
    assert [r.title for r in digest.new] == ["First of the week", "Yesterday"]
    assert digest.more == 0
    assert digest.helpful == []
    assert digest.used == []


async def test_a_busy_week_lists_the_first_and_counts_the_rest(library: Library) -> None:
    at(library, MONDAY - timedelta(days=3))
    for n in range(SHOWN + 4):
        await add(library, f"Resource {n}")
    digest = await select_digest(library.repo, G, MONDAY)
    assert digest is not None
    assert [r.title for r in digest.new] == [f"Resource {n}" for n in range(SHOWN)]
    assert digest.more == 4


async def test_votes_of_the_week_rank_its_most_helpful_and_used(library: Library) -> None:
    at(library, MONDAY - 2 * WEEK)
    old = [await add(library, f"Old {n}") for n in range(TOP + 2)]
    await library.toggle(G, old[0].id, 99, "helpful")  # a vote before the week does not count
    at(library, MONDAY - timedelta(days=2))
    for rank, resource in enumerate(old):
        for voter in range(len(old) - rank):
            await library.toggle(G, resource.id, 100 + voter, "helpful")
    await library.toggle(G, old[3].id, 100, "used")
    digest = await select_digest(library.repo, G, MONDAY)
    assert digest is not None
    assert digest.new == []  # nothing new, but votes make a digest
    assert [(r.resource.title, r.count) for r in digest.helpful] == [
        (f"Old {n}", TOP + 2 - n) for n in range(TOP)
    ]
    assert [r.resource.title for r in digest.used] == ["Old 3"]


async def nothing(job: Job, ctx: RunContext) -> None:
    raise AssertionError("not started: no digest runs")


async def test_turning_the_digest_on_and_off(library: Library) -> None:
    at(library, MONDAY - timedelta(days=1))
    scheduler = Scheduler(library.repo.db, clock=library.clock)
    scheduler.register(DIGEST_KIND, nothing, grace=DIGEST_GRACE)
    change = await set_digest(
        library.repo, scheduler, G, enabled=True, day="mon", hour=9, zone="America/Phoenix"
    )
    assert change.before == DigestSettings(None, None, None)
    assert change.next_due == MONDAY  # Monday 09:00 in Phoenix
    again = await set_digest(
        library.repo, scheduler, G, enabled=True, day="fri", hour=15, zone="America/Phoenix"
    )
    assert (again.before.day, again.before.hour) == ("mon", 9)
    assert [j.owner for j in await scheduler.upcoming(G)] == [DIGEST_OWNER]  # one series, moved
    off = await set_digest(
        library.repo, scheduler, G, enabled=False, day="mon", hour=9, zone="America/Phoenix"
    )
    assert off.next_due is None
    assert was_set(off.before) == " (it was set for Fridays at 15:00)"
    assert await scheduler.upcoming(G) == []
    assert was_set(await library.repo.digest_settings(G)) == ""
