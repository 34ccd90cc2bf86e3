"""Finding resources: full-text search (bm25 over `resources_fts`), the recent ones, the ones of a week."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.fts import match_query
from storage.jobs import to_db_time

from .base import Store
from .model import (
    _R_COLUMNS,
    CANDIDATES,
    DESCRIPTION_WEIGHT,
    TAGS_WEIGHT,
    TITLE_WEIGHT,
    Resource,
    _resource,
    _token,
    tag_key,
)


class SearchStore(Store):
    """Searches and lists."""

    async def search(
        self,
        guild_id: int,
        text: str,
        *,
        tag: str | None = None,
        grades: str | None = None,
        kind: str | None = None,
        limit: int = 50,
    ) -> list[Resource]:
        """Best matches first (bm25, the title weighted over tags and description); words match as prefixes.

        Whatever the text holds, this never raises: only its words are searched for.
        """
        words = match_query(text)
        if words is None:
            return []
        required = []
        if tag:
            tag_id = await self.db.fetchval(
                "SELECT id FROM resource_tag_names WHERE guild_id = ? AND key = ?", (guild_id, tag_key(tag))
            )
            if tag_id is None:
                return []
            required.append(_token("t", tag_id))
        if kind:
            required.append(_token("k", kind))
        scope = [f'"{t}"' for t in required]
        if grades and grades != "All":
            scope.append(f'("{_token("gr", grades)}" OR "{_token("gr", "All")}")')
        query = f"{{title description tags}} : ({words})"
        if scope:
            query += f" AND scope : ({' AND '.join(scope)})"
        # Rank the candidates, keep the best `limit`, and only then read their rows and tags.
        rows = await self.db.fetchall(
            f"SELECT {_R_COLUMNS} FROM ("
            "  SELECT id, score FROM ("
            f"   SELECT f.rowid AS id, bm25(resources_fts, {TITLE_WEIGHT}, {DESCRIPTION_WEIGHT}, {TAGS_WEIGHT}, 0)"
            "    AS score FROM resources_fts f JOIN resources g ON g.id = f.rowid"
            "    WHERE resources_fts MATCH ? AND g.guild_id = ? ORDER BY f.rowid DESC LIMIT ?"
            "  ) ORDER BY score, id DESC LIMIT ?"
            ") c JOIN resources r ON r.id = c.id ORDER BY c.score, r.id DESC",
            (query, guild_id, CANDIDATES, limit),
        )
        return [_resource(row) for row in rows]

    async def search_like(self, guild_id: int, text: str, *, limit: int = 50) -> list[Resource]:
        """The naive search FTS replaces: `LIKE '%word%'` on every word, title matches first (which needs a
        scan of every row). For the benchmark only."""
        words = [w for w in text.split() if w]
        if not words:
            return []
        where = " AND ".join("(title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')" for _ in words)
        params: list[Any] = []
        for word in words:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [pattern, pattern]
        rows = await self.db.fetchall(
            f"SELECT {_R_COLUMNS} FROM resources r WHERE guild_id = ? AND {where}"
            " ORDER BY title LIKE ? ESCAPE '\\' DESC, id DESC LIMIT ?",
            (guild_id, *params, params[0], limit),
        )
        return [_resource(row) for row in rows]

    async def recent(self, guild_id: int, *, limit: int = 50) -> list[Resource]:
        rows = await self.db.fetchall(
            f"SELECT {_R_COLUMNS} FROM resources r WHERE guild_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [_resource(row) for row in rows]

    async def created_between(
        self, guild_id: int, since: datetime, until: datetime, *, limit: int = 25
    ) -> list[Resource]:
        rows = await self.db.fetchall(
            f"SELECT {_R_COLUMNS} FROM resources r WHERE guild_id = ? AND created_at >= ? AND created_at < ?"
            " ORDER BY created_at, id LIMIT ?",
            (guild_id, to_db_time(since), to_db_time(until), limit),
        )
        return [_resource(row) for row in rows]

    async def count_between(self, guild_id: int, since: datetime, until: datetime) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM resources WHERE guild_id = ? AND created_at >= ? AND created_at < ?",
                (guild_id, to_db_time(since), to_db_time(until)),
            )
            or 0
        )

    async def count(self, guild_id: int) -> int:
        return int(
            await self.db.fetchval("SELECT COUNT(*) FROM resources WHERE guild_id = ?", (guild_id,)) or 0
        )
