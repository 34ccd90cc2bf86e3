"""The resource library's storage: resources, tags, members' marks (helpful, used, saved), full-text search.

No Discord here. Links arrive already normalized (`bot.urls`); tags go through `normalize_tag`. Every write
that changes what search sees (title, description, tags) rewrites the resource's `resources_fts` row in
the same transaction.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from storage.database import Database
from storage.fts import match_query
from storage.jobs import from_db_time, to_db_time

__all__ = [
    "GRADES",
    "KINDS",
    "MAX_TAGS",
    "MAX_TAG_LENGTH",
    "STARTER_TAGS",
    "Mark",
    "NewResource",
    "Resource",
    "ResourceRepository",
    "ShareOutcome",
    "TagError",
    "normalize_tag",
    "scope_tokens",
    "tag_key",
]

STARTER_TAGS = (
    "Science Framework",
    "Funding & Grants",
    "Project-Based Learning",
    "Community Partners",
    "Engineering",
    "Computer Science",
    "Math",
    "Professional Development",
    "Family Engagement",
    "Events",
)
GRADES = ("K-2", "3-5", "6-8", "9-12", "Post-secondary", "All")
KINDS = ("lesson", "guide", "funding", "program", "video", "tool", "research", "other")
MAX_TAGS = 10
MAX_TAG_LENGTH = 30
# Search weights for bm25, per column of resources_fts: a title match counts most; `scope` (filter
# tokens) counts nothing.
TITLE_WEIGHT, DESCRIPTION_WEIGHT, TAGS_WEIGHT = 10.0, 2.0, 4.0
# A query matching more resources than this ranks the most recent CANDIDATES of them: bm25 costs about a
# microsecond per match, and this bounds a search's time however common its words are.
CANDIDATES = 2000

# Letters, digits, spaces and a few joiners people use in topic names ("Funding & Grants", "K-12", "C++").
_TAG_FORBIDDEN = re.compile(r"[^\w &+./'-]|_")
_TAG_EDGES = " &./'-"  # joiners that mean nothing at either end ("C++" keeps its pluses)
_SPACES = re.compile(r"\s+")
_TAG_SEPARATOR = "\x1f"


def _shown(text: str, limit: int = 40) -> str:
    """Typed text quoted back in a refusal: short, whatever was typed."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TagError(ValueError):
    """A tag that cannot be used; the message is for a member."""


class Mark(StrEnum):
    HELPFUL = "helpful"
    USED = "used"
    SAVED = "saved"


def tag_key(name: str) -> str:
    """Tags that differ only in case are one tag."""
    return name.casefold()


def normalize_tag(text: str) -> str:
    """A tag as stored: forbidden characters dropped, spaces collapsed, at most MAX_TAG_LENGTH characters."""
    cleaned = _TAG_FORBIDDEN.sub(" ", unicodedata.normalize("NFKC", text))
    cleaned = _SPACES.sub(" ", cleaned).strip(_TAG_EDGES)
    cleaned = cleaned[:MAX_TAG_LENGTH].rstrip(_TAG_EDGES)
    if not any(ch.isalnum() for ch in cleaned):
        raise TagError(
            f"“{_shown(text)}” can't be a tag: tags are made of letters and numbers "
            "(spaces and & + - . / ' may join them), like “Project-Based Learning”."
        )
    return cleaned


@dataclass(frozen=True, slots=True)
class NewResource:
    guild_id: int
    url: str
    url_key: str
    title: str
    shared_by: int
    description: str = ""
    tags: Sequence[str] = ()
    grades: str | None = None
    kind: str | None = None
    filename: str | None = None
    author_id: int | None = None
    source_channel_id: int | None = None
    source_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class Resource:
    id: int
    guild_id: int
    url: str
    url_key: str
    title: str
    description: str
    grades: str | None
    kind: str | None
    shared_by: int
    author_id: int | None
    filename: str | None
    source_channel_id: int | None
    source_message_id: int | None
    card_channel_id: int | None
    card_thread_id: int | None
    card_message_id: int | None
    helpful_count: int
    used_count: int
    created_at: datetime
    updated_at: datetime
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ShareOutcome:
    resource: Resource
    created: bool  # False: the link was already in the library, `resource` is that one


@dataclass(frozen=True, slots=True)
class Ranked:
    resource: Resource
    count: int


@dataclass(frozen=True, slots=True)
class DigestSettings:
    series_id: int | None
    day: str | None
    hour: int | None


_COLUMNS = (
    "id, guild_id, url, url_key, title, description, grades, kind, shared_by, author_id, filename,"
    " source_channel_id, source_message_id, card_channel_id, card_thread_id, card_message_id,"
    " helpful_count, used_count, created_at, updated_at"
)
# Every resource read carries its tags (in name order, joined by _TAG_SEPARATOR): one statement per list.
_R_COLUMNS = ", ".join(f"r.{c.strip()}" for c in _COLUMNS.split(",")) + (
    ", (SELECT group_concat(name, char(31)) FROM (SELECT n.name FROM resource_tags t"
    " JOIN resource_tag_names n ON n.id = t.tag_id WHERE t.resource_id = r.id ORDER BY n.key)) AS tag_list"
)


def _token(prefix: str, value: object) -> str:
    """A filter token for the `scope` column: letters and digits only, so the tokenizer keeps it whole."""
    return prefix + re.sub(r"[^0-9a-z]", "", str(value).lower())


def scope_tokens(grades: str | None, kind: str | None, tag_ids: Iterable[int]) -> list[str]:
    """The filter tokens of a resource's search row."""
    tokens = []
    if grades:
        tokens.append(_token("gr", grades))
    if kind:
        tokens.append(_token("k", kind))
    tokens.extend(_token("t", tag_id) for tag_id in tag_ids)
    return tokens


def _resource(row: sqlite3.Row) -> Resource:
    return Resource(
        id=row["id"],
        guild_id=row["guild_id"],
        url=row["url"],
        url_key=row["url_key"],
        title=row["title"],
        description=row["description"],
        grades=row["grades"],
        kind=row["kind"],
        shared_by=row["shared_by"],
        author_id=row["author_id"],
        filename=row["filename"],
        source_channel_id=row["source_channel_id"],
        source_message_id=row["source_message_id"],
        card_channel_id=row["card_channel_id"],
        card_thread_id=row["card_thread_id"],
        card_message_id=row["card_message_id"],
        helpful_count=row["helpful_count"],
        used_count=row["used_count"],
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        tags=tuple(row["tag_list"].split(_TAG_SEPARATOR)) if row["tag_list"] else (),
    )


class ResourceRepository:
    """Reads and writes one database's resource library; every call names its guild."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._seeded: set[int] = set()

    # -- tags ----------------------------------------------------------------------------------------------

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

    async def find_tag(self, guild_id: int, name: str) -> str | None:
        """The guild's spelling of a tag, or None."""
        found = await self.db.fetchval(
            "SELECT name FROM resource_tag_names WHERE guild_id = ? AND key = ?", (guild_id, tag_key(name))
        )
        return str(found) if found is not None else None

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

    # -- resources -----------------------------------------------------------------------------------------

    async def share(self, new: NewResource, *, now: datetime) -> ShareOutcome:
        """Add a resource, or return the one already holding its link (the second of two simultaneous
        shares gets the first's)."""
        async with self.db.transaction():
            existing = await self.find_by_key(new.guild_id, new.url_key)
            if existing is not None:
                return ShareOutcome(existing, created=False)
            stamp = to_db_time(now)
            resource_id = await self.db.execute(
                "INSERT INTO resources (guild_id, url, url_key, filename, title, description, grades, kind,"
                " shared_by, author_id, source_channel_id, source_message_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.guild_id,
                    new.url,
                    new.url_key,
                    new.filename,
                    new.title,
                    new.description,
                    new.grades,
                    new.kind,
                    new.shared_by,
                    new.author_id,
                    new.source_channel_id,
                    new.source_message_id,
                    stamp,
                    stamp,
                ),
            )
            await self._set_tags(new.guild_id, resource_id, new.tags)
            await self._index(resource_id)
            created = await self.get(new.guild_id, resource_id)
            assert created is not None
            return ShareOutcome(created, created=True)

    async def _set_tags(self, guild_id: int, resource_id: int, tags: Iterable[str]) -> None:
        await self.db.execute("DELETE FROM resource_tags WHERE resource_id = ?", (resource_id,))
        for tag_id in await self._tag_ids(guild_id, tags):
            await self.db.execute(
                "INSERT OR IGNORE INTO resource_tags (guild_id, resource_id, tag_id) VALUES (?, ?, ?)",
                (guild_id, resource_id, tag_id),
            )

    async def _index(self, resource_id: int) -> None:
        """Rewrite the resource's search row from what is stored."""
        row = await self.db.fetchone(
            "SELECT guild_id, title, description, grades, kind FROM resources WHERE id = ?", (resource_id,)
        )
        if row is None:
            return
        tags = await self.db.fetchall(
            "SELECT n.id, n.name FROM resource_tags t JOIN resource_tag_names n ON n.id = t.tag_id"
            " WHERE t.resource_id = ?",
            (resource_id,),
        )
        scope = scope_tokens(row["grades"], row["kind"], [int(t["id"]) for t in tags])
        await self.db.execute("DELETE FROM resources_fts WHERE rowid = ?", (resource_id,))
        await self.db.execute(
            "INSERT INTO resources_fts (rowid, title, description, tags, scope) VALUES (?, ?, ?, ?, ?)",
            (
                resource_id,
                row["title"],
                row["description"],
                " ".join(t["name"] for t in tags),
                " ".join(scope),
            ),
        )

    async def get(self, guild_id: int, resource_id: int) -> Resource | None:
        row = await self.db.fetchone(
            f"SELECT {_R_COLUMNS} FROM resources r WHERE guild_id = ? AND id = ?", (guild_id, resource_id)
        )
        return None if row is None else _resource(row)

    async def find_by_key(self, guild_id: int, url_key: str) -> Resource | None:
        row = await self.db.fetchone(
            f"SELECT {_R_COLUMNS} FROM resources r WHERE guild_id = ? AND url_key = ?", (guild_id, url_key)
        )
        return None if row is None else _resource(row)

    async def set_card(
        self, resource_id: int, *, channel_id: int | None, thread_id: int | None, message_id: int | None
    ) -> None:
        await self.db.execute(
            "UPDATE resources SET card_channel_id = ?, card_thread_id = ?, card_message_id = ? WHERE id = ?",
            (channel_id, thread_id, message_id, resource_id),
        )

    async def set_url(self, resource_id: int, url: str) -> None:
        """Where a shared file now lives (the card's copy of it)."""
        await self.db.execute("UPDATE resources SET url = ? WHERE id = ?", (url, resource_id))

    async def update(
        self,
        guild_id: int,
        resource_id: int,
        *,
        now: datetime,
        title: str | None = None,
        description: str | None = None,
        tags: Sequence[str] | None = None,
        grades: str | None = None,
        kind: str | None = None,
    ) -> Resource | None:
        """Change what is given; the resource as it now is, or None if it is gone."""
        changes: dict[str, Any] = {
            k: v
            for k, v in (("title", title), ("description", description), ("grades", grades), ("kind", kind))
            if v is not None
        }
        async with self.db.transaction():
            if await self.get(guild_id, resource_id) is None:
                return None
            changes["updated_at"] = to_db_time(now)
            assignments = ", ".join(f"{column} = ?" for column in changes)
            await self.db.execute(
                f"UPDATE resources SET {assignments} WHERE id = ?", (*changes.values(), resource_id)
            )
            if tags is not None:
                await self._set_tags(guild_id, resource_id, tags)
            await self._index(resource_id)
            return await self.get(guild_id, resource_id)

    async def add_tags(
        self, guild_id: int, resource_id: int, tags: Sequence[str], *, now: datetime
    ) -> Resource | None:
        """Add tags to a resource (keeping its own), within MAX_TAGS; TagError past it."""
        async with self.db.transaction():
            current = await self.get(guild_id, resource_id)
            if current is None:
                return None
            merged = await self.canonical_tags(guild_id, [*current.tags, *tags])
            if len(merged) > MAX_TAGS:
                raise TagError(
                    f"That would give it {len(merged)} tags; a resource can have at most {MAX_TAGS}."
                )
            return await self.update(guild_id, resource_id, now=now, tags=merged)

    async def remove(self, guild_id: int, resource_id: int) -> Resource | None:
        """Delete a resource with its tags, marks and search row; what it was, or None."""
        async with self.db.transaction():
            found = await self.get(guild_id, resource_id)
            if found is not None:
                await self._delete([resource_id])
            return found

    async def _delete(self, resource_ids: Sequence[int]) -> None:
        marks = ",".join("?" * len(resource_ids))
        await self.db.execute(f"DELETE FROM resources_fts WHERE rowid IN ({marks})", tuple(resource_ids))
        await self.db.execute(f"DELETE FROM resources WHERE id IN ({marks})", tuple(resource_ids))

    # -- marks ---------------------------------------------------------------------------------------------

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

    # -- lists ---------------------------------------------------------------------------------------------

    @staticmethod
    def _tag_filter(tag: str | None) -> tuple[str, list[Any]]:
        if not tag:
            return "", []
        return (
            " AND r.id IN (SELECT t.resource_id FROM resource_tags t JOIN resource_tag_names n"
            " ON n.id = t.tag_id WHERE n.guild_id = r.guild_id AND n.key = ?)",
            [tag_key(tag)],
        )

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
        filters, params = self._tag_filter(tag)
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

    # -- digest setting ------------------------------------------------------------------------------------

    async def digest_settings(self, guild_id: int) -> DigestSettings:
        row = await self.db.fetchone(
            "SELECT digest_series, digest_day, digest_hour FROM resource_guilds WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return DigestSettings(None, None, None)
        return DigestSettings(row["digest_series"], row["digest_day"], row["digest_hour"])

    async def set_digest(
        self, guild_id: int, series_id: int | None, day: str | None, hour: int | None
    ) -> None:
        await self.db.execute(
            "INSERT INTO resource_guilds (guild_id, digest_series, digest_day, digest_hour) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET digest_series = excluded.digest_series,"
            " digest_day = excluded.digest_day, digest_hour = excluded.digest_hour",
            (guild_id, series_id, day, hour),
        )

    # -- personal data -------------------------------------------------------------------------------------

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
