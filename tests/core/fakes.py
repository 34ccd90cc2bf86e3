"""Small fakes of what the core asks of the platform and the scheduler (`core.platform`, `core.scheduler.Jobs`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class FakeJobs:
    """Records what a use case asks of the scheduler."""

    scheduled: list[tuple[str, datetime, dict[str, Any], int, str]] = field(default_factory=list)
    cancelled: list[tuple[str | None, int | None]] = field(default_factory=list)

    async def schedule(
        self, kind: str, due: datetime, payload: Mapping[str, Any] | None = None, *, guild_id: int, owner: str
    ) -> int:
        self.scheduled.append((kind, due, dict(payload or {}), guild_id, owner))
        return len(self.scheduled)

    async def cancel(self, *, owner: str | None = None, guild_id: int | None = None) -> int:
        self.cancelled.append((owner, guild_id))
        return 1
