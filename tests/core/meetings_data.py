"""Plain meetings for the meetings core tests (no database, no tests of its own): `meeting(id, starts_at, **fields)`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from storage.meetings import Meeting, MeetingState

NOW = datetime(2026, 10, 14, 17, 0, tzinfo=UTC)
ZONE = "America/New_York"


def meeting(number: int = 1, starts_at: datetime | None = None, **fields: object) -> Meeting:
    start = starts_at or NOW + timedelta(days=3)
    base = Meeting(
        id=number,
        guild_id=1,
        title="Weekly chat",
        description="",
        location="",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone=ZONE,
        channel_id=2,
        message_id=None,
        audience_kind="all",
        audience_id=None,
        ping_audience=False,
        capacity=None,
        reminder_offsets=(86400, 3600),
        state=MeetingState.SCHEDULED,
        cancel_reason=None,
        event_id=None,
        series_id=None,
        repeat_rule=None,
        created_by=3,
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(base, **fields)  # type: ignore[arg-type]
