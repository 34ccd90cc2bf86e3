"""The durable scheduler under test: `Harness` (one database file across "restarts", a test clock, recorded
calls and failures) and the waits the scheduler tests share."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from core.clock import ManualClock
from core.scheduler import RunContext, Scheduler
from storage.database import Database
from storage.jobs import Job, JobState
from tests.clock import pass_time, pinned_now

KIND = "test.job"
GRACE = timedelta(minutes=5)
SOON = timedelta(seconds=0.3)


@dataclass(frozen=True)
class Call:
    job: Job
    ctx: RunContext


class Harness:
    """One database file across "restarts": boot opens it and starts a new Scheduler, stop closes both."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.clock = ManualClock(pinned_now())
        self.calls: list[Call] = []
        self.failures: list[tuple[Job, Exception]] = []
        self._db: Database | None = None
        self._scheduler: Scheduler | None = None

    @property
    def db(self) -> Database:
        assert self._db is not None
        return self._db

    @property
    def scheduler(self) -> Scheduler:
        assert self._scheduler is not None
        return self._scheduler

    async def record(self, job: Job, ctx: RunContext) -> None:
        self.calls.append(Call(job, ctx))

    async def on_failure(self, job: Job, error: Exception) -> None:
        self.failures.append((job, error))

    async def boot(
        self,
        handler: Callable[[Job, RunContext], Awaitable[None]] | None = None,
        *,
        grace: timedelta = GRACE,
        start: bool = True,
        **options: Any,
    ) -> Scheduler:
        self._db = await Database.open(self.path)
        options.setdefault("clock", self.clock)
        options.setdefault("on_failure", self.on_failure)
        self._scheduler = Scheduler(self._db, **options)
        self._scheduler.register(KIND, handler or self.record, grace=grace)
        if start:
            await self._scheduler.start()
        return self._scheduler

    async def stop(self, **options: Any) -> None:
        if self._scheduler is not None:
            await self._scheduler.shutdown(**options)
            self._scheduler = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def restart(
        self, handler: Callable[[Job, RunContext], Awaitable[None]] | None = None, **options: Any
    ) -> Scheduler:
        await self.stop()
        return await self.boot(handler, **options)

    async def advance(self, by: timedelta) -> None:
        """Let `by` pass with the scheduler running: each job due meanwhile runs at its time."""
        await pass_time(self.clock, self.scheduler, self.clock.now() + by)

    async def job(self, job_id: int) -> Job:
        job = await self.scheduler.jobs.get(job_id)
        assert job is not None
        return job

    async def jobs(self) -> list[Job]:
        rows = await self.db.fetchall("SELECT * FROM jobs ORDER BY scheduled_for, id")
        return [Job.from_row(row) for row in rows]

    async def schedule(self, due: datetime, *, owner: str = "meeting:1", guild_id: int = 1) -> int:
        return await self.scheduler.schedule(KIND, due, {"owner": owner}, guild_id=guild_id, owner=owner)


async def until(check: Callable[[], object], what: str, within: float = 5.0) -> None:
    """Poll `check` (sync or async) until it is true, failing after `within` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.01)


async def idle(s: Scheduler) -> None:
    """Every timer has fired and every job it started has finished."""
    await until(lambda: s.timer_count == 0 and s.busy == 0, "the scheduler is idle")


async def state_is(h: Harness, job_id: int, state: JobState) -> None:
    async def check() -> bool:
        return (await h.job(job_id)).state is state

    await until(check, f"job {job_id} is {state}")
