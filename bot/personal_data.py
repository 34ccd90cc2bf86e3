"""Every feature's personal data of one member, found, exported and deleted through one registry.

Each feature registers, when its cog loads, how to export and how to delete what it stores about a member
(as Red-DiscordBot's `red_delete_data_for_user`). `/profile delete` and `/profile export` walk the registry,
so a new feature cannot be forgotten.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

Exporter = Callable[[int, int], Awaitable[dict[str, Any] | list[Any] | None]]  # (guild_id, user_id)
Deleter = Callable[[int, int], Awaitable[int]]  # (guild_id, user_id) -> rows removed


@dataclass(frozen=True, slots=True)
class DataHandler:
    feature: str  # shown to the member, e.g. "meeting RSVPs"
    export: Exporter
    delete: Deleter


class PersonalDataRegistry:
    """Where features say what they keep about a member."""

    def __init__(self) -> None:
        self._handlers: dict[str, DataHandler] = {}

    def register(self, feature: str, *, export: Exporter, delete: Deleter) -> None:
        self._handlers[feature] = DataHandler(feature, export, delete)

    def unregister(self, feature: str) -> None:
        self._handlers.pop(feature, None)

    @property
    def features(self) -> list[str]:
        return sorted(self._handlers)

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Everything every feature keeps about the member, keyed by feature."""
        found: dict[str, Any] = {}
        for name in self.features:
            data = await self._handlers[name].export(guild_id, user_id)
            if data:
                found[name] = data
        return found

    async def delete(self, guild_id: int, user_id: int) -> dict[str, int]:
        """Delete the member's rows in every feature; returns the count removed per feature."""
        removed: dict[str, int] = {}
        for name in self.features:
            count = await self._handlers[name].delete(guild_id, user_id)
            if count:
                removed[name] = count
        log.info("deleted personal data of user %s in guild %s: %s", user_id, guild_id, removed)
        return removed
