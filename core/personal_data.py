"""Every feature's personal data of one member, found, exported and deleted through one registry.

Each feature registers, when its cog loads, how to export and how to delete what it stores about a member
(as Red-DiscordBot's `red_delete_data_for_user`). `/profile delete` and `/profile export` walk the registry,
so a new feature cannot be forgotten.

A delete handler removes the member's rows and, best effort, what the bot posted about them on Discord; it
returns the number of rows, or a `Deleted` that also names what it took off Discord and what it could not
(the member is told). After every handler ran, the registry's `after_delete` hook (`Database.erase_deleted`)
makes sure no copy of the deleted rows stays in the database files.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

Exporter = Callable[[int, int], Awaitable[dict[str, Any] | list[Any] | None]]  # (guild_id, user_id)


@dataclass(frozen=True, slots=True)
class Deleted:
    """What one feature's delete handler did."""

    rows: int = 0
    posts: tuple[str, ...] = ()  # taken off Discord, for the member: "your intro card"
    remains: tuple[str, ...] = ()  # what could not be, with a link: "your welcome message (https://…)"


@dataclass(frozen=True, slots=True)
class Erasure:
    """What `PersonalDataRegistry.erase` did, for the member."""

    removed: dict[str, int]  # feature -> rows deleted
    posts: tuple[str, ...]
    remains: tuple[str, ...]


Deleter = Callable[[int, int], Awaitable[int | Deleted]]  # (guild_id, user_id) -> rows removed


@dataclass(frozen=True, slots=True)
class DataHandler:
    feature: str  # shown to the member, e.g. "meeting RSVPs"
    export: Exporter
    delete: Deleter


class PersonalDataRegistry:
    """Where features say what they keep about a member."""

    def __init__(self, *, after_delete: Callable[[], Awaitable[None]] | None = None) -> None:
        self._handlers: dict[str, DataHandler] = {}
        self.after_delete = after_delete  # run once every handler deleted: erase the deleted rows' traces

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
        return (await self.erase(guild_id, user_id)).removed

    async def erase(self, guild_id: int, user_id: int) -> Erasure:
        """Delete the member's rows and posts in every feature, then every trace of the rows in the files."""
        removed: dict[str, int] = {}
        posts: list[str] = []
        remains: list[str] = []
        for name in self.features:
            done = await self._handlers[name].delete(guild_id, user_id)
            if isinstance(done, int):
                done = Deleted(done)
            if done.rows:
                removed[name] = done.rows
            posts += done.posts
            remains += done.remains
        if self.after_delete is not None:
            await self.after_delete()
        log.info(
            "deleted personal data of user %s in guild %s: %s; %d posts taken off Discord, %d could not be",
            user_id,
            guild_id,
            removed,
            len(posts),
            len(remains),
        )
        return Erasure(removed, tuple(posts), tuple(remains))
