"""The hot queries find their rows through an index, never by walking a whole table: SQLite's own plan
(`EXPLAIN QUERY PLAN`) says so, so a change that brings a full scan back fails here."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from storage.database import Database
from storage.jobs import claim_sql
from storage.meetings import MeetingRepository
from storage.profiles import DirectoryQuery, ProfileRepository, Viewer
from storage.resources import NewResource, ResourceRepository


async def plan(db: Database, sql: str, params: list[object]) -> str:
    rows = await db.fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
    return "\n".join(str(row["detail"]) for row in rows)


async def test_claiming_due_jobs_finds_them_by_primary_key(db: Database) -> None:
    for count in (1, 3, 50):
        shown = await plan(db, claim_sql(count), ["", "", "", *range(count), *([1, ""] * count)])
        assert "USING INTEGER PRIMARY KEY" in shown, shown
        assert "SCAN jobs" not in shown, shown


@contextlib.contextmanager
def statements(db: Database) -> Iterator[list[tuple[str, Sequence[Any]]]]:
    """The reads a repository call makes, to be planned afterwards (the calls still run)."""
    seen: list[tuple[str, Sequence[Any]]] = []
    fetchall = db.fetchall

    async def recording(sql: str, params: Sequence[Any] = (), **options: Any) -> list[Any]:
        seen.append((sql, params))
        return await fetchall(sql, params, **options)

    db.fetchall = recording  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del db.fetchall


# A base table walked row by row: what a search must never do (small tables, groups and schools, may be).
FULL_SCAN = re.compile(r"^SCAN (p|r|g|profiles|resources|meetings)\b", re.MULTILINE)
# FTS5's plan when it hands the matches over newest first, so that LIMIT stops reading them (idxNum 192 is
# FTS5_BI_ORDER_ROWID | FTS5_BI_ORDER_DESC).
NEWEST_FIRST = "VIRTUAL TABLE INDEX 192:"


async def test_every_search_reads_matches_newest_first_and_never_walks_a_table(db: Database) -> None:
    profiles, resources = ProfileRepository(db), ResourceRepository(db)
    member, organizer = Viewer(10), Viewer(11, organizer=True)
    url = "https://example.org/kit"
    await resources.share(
        NewResource(1, url, url, "Robotics kit", shared_by=10, tags=("Math",)),
        now=datetime(2026, 5, 4, tzinfo=UTC),
    )
    searches = [
        lambda: profiles.directory(1, DirectoryQuery(text="robot"), member),
        lambda: profiles.directory(1, DirectoryQuery(text="robot", school="Linc", interest="cod"), organizer),
        lambda: profiles.directory(1, DirectoryQuery(offering="grant", seeking="tours", group_id=3), member),
        lambda: profiles.connect_candidates(1, "robotics mentors and a grant", exclude=10),
        lambda: resources.search(1, "robotics grant"),
        lambda: resources.search(1, "robotics", tag="Math", grades="6-8", kind="lesson"),
    ]
    for search in searches:
        with statements(db) as seen:
            await search()
        searched = [(sql, params) for sql, params in seen if "MATCH" in sql]
        assert searched, seen
        for sql, params in searched:
            shown = await plan(db, sql, list(params))
            assert not FULL_SCAN.search(shown), shown
            tiers = sql.count(" MATCH ?")
            assert shown.count(NEWEST_FIRST) == tiers, shown


async def test_the_directory_without_words_walks_names_in_order(db: Database) -> None:
    with statements(db) as seen:
        await ProfileRepository(db).directory(1, DirectoryQuery(), Viewer(10))
    (sql, params), *_ = seen
    shown = await plan(db, sql, list(params))
    assert "USING INDEX profiles_by_name" in shown, shown
    assert not FULL_SCAN.search(shown), shown


async def test_meeting_lists_and_search_walk_the_time_index_from_now(db: Database) -> None:
    repo, now = MeetingRepository(db), datetime(2026, 5, 4, tzinfo=UTC)
    calls = [
        lambda: repo.search(1, "kick", now=now),
        lambda: repo.listing(1, now=now, limit=11),
        lambda: repo.listing(1, now=now, past=True, limit=11),
    ]
    for call in calls:
        with statements(db) as seen:
            await call()
        for sql, params in seen:
            shown = await plan(db, sql, list(params))
            assert "USING INDEX meetings_by_time (guild_id=? AND starts_at" in shown, shown
            assert "TEMP B-TREE FOR ORDER BY" not in shown, (
                shown
            )  # in order (ties aside): LIMIT stops the walk
