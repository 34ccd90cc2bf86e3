"""What the bot last registered with Discord, per scope: the hash of its command tree (`bot.command_sync`)."""

from __future__ import annotations

from datetime import datetime

from storage.database import Database
from storage.jobs import to_db_time


class CommandSyncRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, scope: str) -> str | None:
        value = await self.db.fetchval("SELECT tree_hash FROM command_syncs WHERE scope = ?", (scope,))
        return None if value is None else str(value)

    async def record(self, scope: str, tree_hash: str, when: datetime) -> None:
        await self.db.execute(
            "INSERT INTO command_syncs (scope, tree_hash, synced_at) VALUES (?, ?, ?)"
            " ON CONFLICT (scope) DO UPDATE SET tree_hash = excluded.tree_hash, synced_at = excluded.synced_at",
            (scope, tree_hash, to_db_time(when)),
        )
