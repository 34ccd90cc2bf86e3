"""Tags: the guild's tag names (starter tags once), a resource's tags, renaming and merging."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from storage.jobs import to_db_time

from .base import Store
from .model import STARTER_TAGS, TagError, _shown, tag_key


class TagStore(Store):
    """The guild's tags and which resources carry them."""

    async def ensure_starter_tags(self, guild_id: int) -> None:
        """Give a guild the starter tags once (tags an organizer later merges away stay away)."""
        if guild_id in self._seeded:
            return
        async with self.db.transaction():
            done = await self.db.fetchval(
                "SELECT starter_tags FROM resource_guilds WHERE guild_id = ?", (guild_id,)
            )
            if not done:
                await self.db.conn.executemany(
                    "INSERT OR IGNORE INTO resource_tag_names (guild_id, name, key) VALUES (?, ?, ?)",
                    [(guild_id, name, tag_key(name)) for name in STARTER_TAGS],
                )
                await self.db.execute(
                    "INSERT INTO resource_guilds (guild_id, starter_tags) VALUES (?, 1)"
                    " ON CONFLICT (guild_id) DO UPDATE SET starter_tags = 1",
                    (guild_id,),
                )
        self._seeded.add(guild_id)

    async def _tag_ids(self, guild_id: int, names: Iterable[str]) -> list[int]:
        """The ids of these (normalized) tags, creating the new ones; an existing tag keeps its spelling."""
        ids: list[int] = []
        for name in names:
            await self.db.execute(
                "INSERT OR IGNORE INTO resource_tag_names (guild_id, name, key) VALUES (?, ?, ?)",
                (guild_id, name, tag_key(name)),
            )
            tag_id = await self.db.fetchval(
                "SELECT id FROM resource_tag_names WHERE guild_id = ? AND key = ?", (guild_id, tag_key(name))
            )
            if tag_id not in ids:
                ids.append(int(tag_id))
        return ids

    async def canonical_tags(self, guild_id: int, names: Iterable[str]) -> list[str]:
        """These tags as the guild already spells them (new ones as given), without repeats."""
        shown: dict[str, str] = {}
        for name in names:
            existing = await self.db.fetchval(
                "SELECT name FROM resource_tag_names WHERE guild_id = ? AND key = ?",
                (guild_id, tag_key(name)),
            )
            shown.setdefault(tag_key(name), existing or name)
        return list(shown.values())

    async def tag_names(self, guild_id: int, starting: str = "", limit: int = 25) -> list[str]:
        """Tag names for autocomplete: those containing `starting` (names that start with it first),
        most used first."""
        await self.ensure_starter_tags(guild_id)
        needle = tag_key(starting.strip())
        rows = await self.db.fetchall(
            "SELECT n.name, COUNT(t.resource_id) AS uses FROM resource_tag_names n"
            " LEFT JOIN resource_tags t ON t.tag_id = n.id"
            " WHERE n.guild_id = ? AND instr(n.key, ?) > 0"
            " GROUP BY n.id ORDER BY instr(n.key, ?) != 1, uses DESC, n.key LIMIT ?",
            (guild_id, needle, needle, limit),
        )
        return [row["name"] for row in rows]

    async def tag_counts(self, guild_id: int) -> list[tuple[str, int]]:
        """Every tag of the guild with how many resources carry it, most used first."""
        await self.ensure_starter_tags(guild_id)
        rows = await self.db.fetchall(
            "SELECT n.name, COUNT(t.resource_id) AS uses FROM resource_tag_names n"
            " LEFT JOIN resource_tags t ON t.tag_id = n.id WHERE n.guild_id = ?"
            " GROUP BY n.id ORDER BY uses DESC, n.key",
            (guild_id,),
        )
        return [(row["name"], int(row["uses"])) for row in rows]

    async def rename_tag(self, guild_id: int, old: str, new: str, *, now: datetime) -> int:
        """Rename a tag (also just its spelling); how many resources carry it. TagError if impossible."""
        async with self.db.transaction():
            row = await self.db.fetchone(
                "SELECT id, name FROM resource_tag_names WHERE guild_id = ? AND key = ?",
                (guild_id, tag_key(old)),
            )
            if row is None:
                raise TagError(f"There is no tag “{_shown(old)}”. `/resource tags` lists them.")
            clash = await self.db.fetchval(
                "SELECT name FROM resource_tag_names WHERE guild_id = ? AND key = ? AND id != ?",
                (guild_id, tag_key(new), row["id"]),
            )
            if clash is not None:
                raise TagError(
                    f"A tag “{clash}” already exists. To fold “{row['name']}” into it, use "
                    f"`/resource tag-merge a:{row['name']} b:{clash}`."
                )
            await self.db.execute(
                "UPDATE resource_tag_names SET name = ?, key = ? WHERE id = ?", (new, tag_key(new), row["id"])
            )
            return await self._reindex_tag(row["id"], now)

    async def merge_tags(
        self, guild_id: int, source: str, target: str, *, now: datetime
    ) -> tuple[str, str, int]:
        """Fold tag `source` into `target` (which stays); their spellings and how many resources now carry
        `target`."""
        async with self.db.transaction():
            rows = {}
            for name in (source, target):
                row = await self.db.fetchone(
                    "SELECT id, name FROM resource_tag_names WHERE guild_id = ? AND key = ?",
                    (guild_id, tag_key(name)),
                )
                if row is None:
                    raise TagError(f"There is no tag “{_shown(name)}”. `/resource tags` lists them.")
                rows[name] = row
            source_id, target_id = rows[source]["id"], rows[target]["id"]
            if source_id == target_id:
                raise TagError("Those are the same tag: pick two different tags to merge.")
            await self.db.execute(
                "INSERT OR IGNORE INTO resource_tags (guild_id, resource_id, tag_id)"
                " SELECT guild_id, resource_id, ? FROM resource_tags WHERE tag_id = ?",
                (target_id, source_id),
            )
            await self.db.execute("DELETE FROM resource_tag_names WHERE id = ?", (source_id,))
            count = await self._reindex_tag(target_id, now)
            return rows[source]["name"], rows[target]["name"], count

    async def _reindex_tag(self, tag_id: int, now: datetime) -> int:
        ids = [
            int(r["resource_id"])
            for r in await self.db.fetchall(
                "SELECT resource_id FROM resource_tags WHERE tag_id = ?", (tag_id,)
            )
        ]
        for resource_id in ids:
            await self._index(resource_id)
        if ids:
            await self.db.execute(
                f"UPDATE resources SET updated_at = ? WHERE id IN ({','.join('?' * len(ids))})",
                (to_db_time(now), *ids),
            )
        return len(ids)

    async def _set_tags(self, guild_id: int, resource_id: int, tags: Iterable[str]) -> None:
        await self.db.execute("DELETE FROM resource_tags WHERE resource_id = ?", (resource_id,))
        for tag_id in await self._tag_ids(guild_id, tags):
            await self.db.execute(
                "INSERT OR IGNORE INTO resource_tags (guild_id, resource_id, tag_id) VALUES (?, ?, ?)",
                (guild_id, resource_id, tag_id),
            )

    async def _unused_tags(self, guild_id: int, tag_ids: Sequence[int]) -> list[int]:
        """Of these tags, those no resource carries any more and that are not starter tags."""
        if not tag_ids:
            return []
        marks = ",".join("?" * len(tag_ids))
        starters = ",".join("?" * len(STARTER_TAGS))
        rows = await self.db.fetchall(
            f"SELECT id FROM resource_tag_names n WHERE guild_id = ? AND id IN ({marks})"
            f" AND key NOT IN ({starters})"
            " AND NOT EXISTS (SELECT 1 FROM resource_tags t WHERE t.tag_id = n.id)",
            (guild_id, *tag_ids, *(tag_key(name) for name in STARTER_TAGS)),
        )
        return [int(r["id"]) for r in rows]
