"""Members' marks on resources: helpful, I used this, saved (bookmarks); each member counts once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.jobs import to_db_time

from .base import Store
from .model import _R_COLUMNS, Mark, Ranked, Resource, _resource, tag_filter


class MarkStore(Store):
    """Votes, uses and bookmarks."""

    async def toggle(
        self, guild_id: int, resource_id: int, user_id: int, mark: Mark, *, now: datetime
    ) -> tuple[bool, Resource] | None:
        """Set the member's mark if it was not set, else clear it: (now set?, the resource), or None if the
        resource is gone. A member counts once however often they click."""
        async with self.db.transaction():
            if (
                await self.db.fetchval(
                    "SELECT 1 FROM resources WHERE guild_id = ? AND id = ?", (guild_id, resource_id)
                )
                is None
            ):
                return None
            cleared = await self.db.execute_rowcount(
                "DELETE FROM resource_marks WHERE resource_id = ? AND user_id = ? AND mark = ?",
                (resource_id, user_id, mark.value),
            )
            if not cleared:
                await self.db.execute(
                    "INSERT INTO resource_marks (guild_id, resource_id, user_id, mark, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (guild_id, resource_id, user_id, mark.value, to_db_time(now)),
                )
            if mark is not Mark.SAVED:
                await self._recount([resource_id])
            resource = await self.get(guild_id, resource_id)
            assert resource is not None
            return not cleared, resource

    async def _recount(self, resource_ids: Sequence[int]) -> None:
        marks = ",".join("?" * len(resource_ids))
        await self.db.execute(
            "UPDATE resources SET"
            " helpful_count = (SELECT COUNT(*) FROM resource_marks m WHERE m.resource_id = resources.id"
            "  AND m.mark = 'helpful'),"
            " used_count = (SELECT COUNT(*) FROM resource_marks m WHERE m.resource_id = resources.id"
            "  AND m.mark = 'used')"
            f" WHERE id IN ({marks})",
            tuple(resource_ids),
        )

    async def marks_of(self, resource_id: int, user_id: int) -> set[Mark]:
        rows = await self.db.fetchall(
            "SELECT mark FROM resource_marks WHERE resource_id = ? AND user_id = ?", (resource_id, user_id)
        )
        return {Mark(r["mark"]) for r in rows}

    async def saved(self, guild_id: int, user_id: int, *, limit: int = 100) -> list[Resource]:
        rows = await self.db.fetchall(
            f"SELECT {_R_COLUMNS} FROM resource_marks m JOIN resources r ON r.id = m.resource_id"
            " WHERE m.guild_id = ? AND m.user_id = ? AND m.mark = 'saved'"
            " ORDER BY m.created_at DESC, r.id DESC LIMIT ?",
            (guild_id, user_id, limit),
        )
        return [_resource(row) for row in rows]

    async def top(
        self,
        guild_id: int,
        mark: Mark,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        tag: str | None = None,
        limit: int = 10,
    ) -> list[Ranked]:
        """Resources most marked `mark` (by marks made within [since, until)), most first."""
        filters, params = tag_filter(tag)
        window = ""
        window_params: list[Any] = []
        if since is not None:
            window += " AND m.created_at >= ?"
            window_params.append(to_db_time(since))
        if until is not None:
            window += " AND m.created_at < ?"
            window_params.append(to_db_time(until))
        rows = await self.db.fetchall(
            f"SELECT {_R_COLUMNS}, COUNT(*) AS marks FROM resource_marks m JOIN resources r ON r.id = m.resource_id"
            f" WHERE m.guild_id = ? AND m.mark = ?{window}{filters}"
            " GROUP BY r.id ORDER BY marks DESC, r.created_at DESC LIMIT ?",
            (guild_id, mark.value, *window_params, *params, limit),
        )
        resources = [_resource(row) for row in rows]
        return [Ranked(resource, int(row["marks"])) for resource, row in zip(resources, rows, strict=True)]
