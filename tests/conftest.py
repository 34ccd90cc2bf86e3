"""Fixtures for every suite: the one clock, pinned (`tests/clock.py`)."""

from __future__ import annotations

import pytest

from core.clock import ManualClock
from tests.clock import PINNED_ENV, pinned_now


def pytest_report_header() -> str:
    return f"test clock starts at {pinned_now().isoformat()} (set {PINNED_ENV} to pin another instant)"


@pytest.fixture
def clock() -> ManualClock:
    """A clock that stands still at the pinned instant until the test moves it."""
    return ManualClock(pinned_now())
