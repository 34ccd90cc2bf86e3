"""Facts about the bot itself, not a server's settings (migration 0026): a key and its text value."""

from __future__ import annotations

from storage.database import Database


class BotStateRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        value = await self.db.fetchval("SELECT value FROM bot_state WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def set(self, key: str, value: str) -> None:
        await self.db.execute("INSERT OR REPLACE INTO bot_state (key, value) VALUES (?, ?)", (key, value))

    async def forget(self, key: str) -> None:
        await self.db.execute("DELETE FROM bot_state WHERE key = ?", (key,))
