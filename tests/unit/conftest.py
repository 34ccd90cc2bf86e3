"""Fixtures shared by the unit suites: a migrated database on a temporary file, a scheduler harness."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import Database
from tests.unit.harness import Harness


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A `Database` on a fresh file in the test's temporary folder, migrated to the latest schema."""
    database = await Database.open(tmp_path / "copbot.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    """A scheduler on its own database and test clock (`tests/unit/harness.py`)."""
    harness = Harness(tmp_path / "sched.db")
    try:
        yield harness
    finally:
        await harness.stop(finish_within=0)
