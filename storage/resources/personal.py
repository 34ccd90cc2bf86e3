"""A member's data in the library: exported, and deleted (what they shared, their marks, their name)."""

from __future__ import annotations

from typing import Any

from .library import LibraryStore
from .marks import MarkStore
from .model import _R_COLUMNS, Mark, Resource, _resource


class PersonalStore(LibraryStore, MarkStore):
    """One member's rows."""

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        shared = await self.db.fetchall(
            "SELECT id, title, url, created_at FROM resources WHERE guild_id = ? AND shared_by = ? ORDER BY id",
            (guild_id, user_id),
        )
        authored = await self.db.fetchall(
            "SELECT id, title, url FROM resources WHERE guild_id = ? AND author_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        marks = await self.db.fetchall(
            "SELECT m.mark, r.id, r.title, m.created_at FROM resource_marks m JOIN resources r"
            " ON r.id = m.resource_id WHERE m.guild_id = ? AND m.user_id = ? ORDER BY m.created_at",
            (guild_id, user_id),
        )
        found: dict[str, Any] = {}
        if shared:
            found["shared"] = [dict(r) for r in shared]
        if authored:
            found["saved from your messages"] = [dict(r) for r in authored]
        for mark in Mark:
            rows = [
                {"id": r["id"], "title": r["title"], "at": r["created_at"]}
                for r in marks
                if r["mark"] == mark
            ]
            if rows:
                found[mark.value] = rows
        return found

    async def member_cards(self, guild_id: int, user_id: int) -> list[Resource]:
        """The resources a member shared (their cards go when their data is deleted)."""
        rows = await self.db.fetchall(
            f"SELECT {_R_COLUMNS} FROM resources r WHERE guild_id = ? AND shared_by = ?", (guild_id, user_id)
        )
        return [_resource(row) for row in rows]

    async def saved_from_member(self, guild_id: int, user_id: int) -> list[int]:
        """Resources someone else saved from the member's messages (their cards credit the member)."""
        rows = await self.db.fetchall(
            "SELECT id FROM resources WHERE guild_id = ? AND author_id = ? AND shared_by != ?",
            (guild_id, user_id, user_id),
        )
        return [int(r["id"]) for r in rows]

    async def delete_member(self, guild_id: int, user_id: int) -> int:
        """Remove what the member shared, their marks, and their name from resources saved from their
        messages; how many rows."""
        async with self.db.transaction():
            shared = [
                int(r["id"])
                for r in await self.db.fetchall(
                    "SELECT id FROM resources WHERE guild_id = ? AND shared_by = ?", (guild_id, user_id)
                )
            ]
            marked = [
                int(r["resource_id"])
                for r in await self.db.fetchall(
                    "SELECT DISTINCT resource_id FROM resource_marks WHERE guild_id = ? AND user_id = ?",
                    (guild_id, user_id),
                )
            ]
            removed = await self.db.execute_rowcount(
                "DELETE FROM resource_marks WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            if marked:
                await self._recount(marked)
            removed += await self.db.execute_rowcount(
                "UPDATE resources SET author_id = NULL, source_channel_id = NULL, source_message_id = NULL"
                " WHERE guild_id = ? AND author_id = ?",
                (guild_id, user_id),
            )
            orphans: list[int] = []
            if shared:
                marks = ",".join("?" * len(shared))
                used = await self.db.fetchall(
                    f"SELECT DISTINCT tag_id FROM resource_tags WHERE resource_id IN ({marks})", tuple(shared)
                )
                await self._delete(shared)
                orphans = await self._unused_tags(guild_id, [int(r["tag_id"]) for r in used])
            if orphans:  # tags only the member's resources carried (starter tags stay)
                marks = ",".join("?" * len(orphans))
                await self.db.execute(f"DELETE FROM resource_tag_names WHERE id IN ({marks})", tuple(orphans))
            return removed + len(shared) + len(orphans)
