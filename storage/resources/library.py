"""Resources themselves: sharing (one resource per link), changing, removing, the card's place, and the
guild's digest setting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.jobs import to_db_time

from .model import MAX_TAGS, DigestSettings, NewResource, Resource, ShareOutcome, TagError
from .tags import TagStore


class LibraryStore(TagStore):
    """Adding, changing and removing resources."""

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
