"""Claiming a due job with 1 000 and with 100 000 jobs pending: the cost should not grow with the queue.

    python bench/job_claim.py [--runs 200]

Writes the pending jobs (one a minute from now on) into a fresh database, then claims single due jobs through
`JobRepository.claim` (the statement of `storage.jobs.claim_sql`), median and p99 per claim, and prints the
plan SQLite chose. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.database import Database
from storage.jobs import JobRepository, claim_sql, to_db_time

START = datetime(2026, 1, 1, tzinfo=UTC)


async def measure(pending: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "jobs.db")
        try:
            stamp = to_db_time(START)
            await db.executemany(
                "INSERT INTO jobs (guild_id, kind, owner, due_at, scheduled_for, payload, created_at, updated_at)"
                " VALUES (1, 'bench.post', 'bench', ?, ?, '{}', ?, ?)",
                [(to_db_time(START + timedelta(minutes=n)),) * 2 + (stamp, stamp) for n in range(pending)],
            )
            plan = await db.fetchall(f"EXPLAIN QUERY PLAN {claim_sql(1)}", [stamp] * 3 + [1, 1, stamp])
            repo = JobRepository(db)
            times = []
            for run in range(runs):
                job_id = 1 + (run * 37) % pending
                due = START + timedelta(minutes=job_id - 1)
                started = time.perf_counter()
                claimed = await repo.claim([(job_id, due)], now=due, late_before=due)
                times.append(time.perf_counter() - started)
                assert len(claimed) == 1
            ordered = sorted(times)
            print(
                f"{pending:>7} pending: claim median {statistics.median(times) * 1000:.3f} ms, "
                f"p99 {ordered[int(0.99 * (len(ordered) - 1))] * 1000:.3f} ms "
                f"(plan: {' | '.join(str(r['detail']) for r in plan)})"
            )
        finally:
            await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    for pending in (1_000, 100_000):
        asyncio.run(measure(pending, args.runs))


if __name__ == "__main__":
    main()
