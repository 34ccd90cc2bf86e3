"""Meeting cards are edited after RSVPs; bursts of clicks are coalesced into few edits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class CardRefresher:
    """At most one edit in flight per card, and at most one more queued behind it (with the latest state)."""

    def __init__(self, render: Callable[[int], Awaitable[None]]) -> None:
        self.render = render
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._dirty: set[int] = set()

    def request(self, meeting_id: int) -> None:
        if meeting_id in self._tasks:
            self._dirty.add(meeting_id)
            return
        self._tasks[meeting_id] = asyncio.create_task(
            self._run(meeting_id), name=f"meeting-card-{meeting_id}"
        )

    async def _run(self, meeting_id: int) -> None:
        try:
            while True:
                self._dirty.discard(meeting_id)
                try:
                    await self.render(meeting_id)
                except Exception:
                    log.exception("could not refresh the card of meeting %s", meeting_id)
                if meeting_id not in self._dirty:
                    return
        finally:
            self._tasks.pop(meeting_id, None)

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
