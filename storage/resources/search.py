"""Finding resources: full-text search (over `resources_fts`, in tiers: `storage.fts.tiered_hits`), the recent ones, the ones of a week."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.fts import any_word, match_query, terms, tiered_hits
from storage.jobs import to_db_time

from .base import Store
from .model import (
    _R_COLUMNS,
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
        """Best matches first: every word in the title, then in the title or tags, then with a word in the
        title, then anywhere; the newest first within each. Words match as prefixes.

        Only the newest `limit` matches of each of those are read, however many match. Whatever the text
        holds, this never raises: only its words are searched for.
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
        within = f" AND scope : ({' AND '.join(scope)})" if scope else ""
        tiers = [f"{{title}} : ({words})", f"{{title tags}} : ({words})"]
        if len(terms(text)) > 1:
            tiers.append(f"{{title description tags}} : ({words}) AND {{title}} : ({any_word(text)})")
        tiers.append(f"{{title description tags}} : ({words})")
        hits, params = tiered_hits(
            "resources_fts",
            "JOIN resources g ON g.id = f.rowid",
            "g.guild_id = ?",
            [guild_id],
            [tier + within for tier in tiers],
            limit,
        )
        rows = await self.db.fetchall(
            f"WITH {hits} SELECT {_R_COLUMNS} FROM hits h JOIN resources r ON r.id = h.id"
            " ORDER BY h.tier, h.id DESC LIMIT ?",
            (*params, limit),
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
