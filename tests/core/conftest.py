"""Unit tests of the feature core (`core/`): the rules alone, with plain data and small fakes of
`core.platform` protocols; no Discord, no emulator, a database only where a rule reads one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from core.clock import ManualClock
from core.resources.library import Library
from storage.database import Database
from storage.profiles import ProfileRepository
from storage.resources import ResourceRepository


@pytest.fixture
async def db(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """A migrated `Database` on a fresh file; a test module that sets `SEED = <async function>` gets it
    seeded with that first."""
    database = await Database.open(tmp_path / "core.db")
    seed: Callable[[Database], Awaitable[object]] | None = getattr(request.module, "SEED", None)
    try:
        if seed is not None:
            await seed(database)
        yield database
    finally:
        await database.close()


@pytest.fixture
def library(db: Database, request: pytest.FixtureRequest) -> Library:
    """The resource library's use cases on `db`, with the clock standing at the test module's `NOW`."""
    return Library(ResourceRepository(db), ManualClock(request.module.NOW))


@pytest.fixture
def profiles(db: Database) -> ProfileRepository:
    """The profiles of `db` (seeded by the module's `SEED`)."""
    return ProfileRepository(db)
