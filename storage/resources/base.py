"""What every part of the resource repository shares: the connection, reading one resource, and rewriting a
resource's search row (every write that changes what search sees calls `_index` in its transaction)."""

from __future__ import annotations

from storage.database import Database

from .model import _R_COLUMNS, Resource, _resource, scope_tokens


class Store:
    """The connection and the reads every concern uses; every call names its guild."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._seeded: set[int] = set()

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
