"""The hot queries find their rows through an index, never by walking a whole table: SQLite's own plan
(`EXPLAIN QUERY PLAN`) says so, so a change that brings a full scan back fails here."""

from __future__ import annotations

from storage.database import Database
from storage.jobs import claim_sql


async def plan(db: Database, sql: str, params: list[object]) -> str:
    rows = await db.fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
    return "\n".join(str(row["detail"]) for row in rows)


async def test_claiming_due_jobs_finds_them_by_primary_key(db: Database) -> None:
    for count in (1, 3, 50):
        shown = await plan(db, claim_sql(count), ["", "", "", *range(count), *([1, ""] * count)])
        assert "USING INTEGER PRIMARY KEY" in shown, shown
        assert "SCAN jobs" not in shown, shown
