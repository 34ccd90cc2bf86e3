"""Fixtures shared by the unit suites."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.unit.test_scheduler import Harness


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    """A scheduler on its own database and test clock (tests/unit/test_scheduler.py: Harness)."""
    harness = Harness(tmp_path / "sched.db")
    try:
        yield harness
    finally:
        await harness.stop(finish_within=0)
