"""Per-guild settings: time zone, organizer role and the channel for each purpose."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from storage.database import Database

DEFAULT_TIMEZONE = "America/Phoenix"


class Purpose(StrEnum):
    """What a configured channel is used for."""

    INTRODUCTIONS = "introductions"
    ANNOUNCEMENTS = "announcements"
    MEETINGS = "meetings"
    RESOURCES = "resources"


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    timezone: str = DEFAULT_TIMEZONE
    organizer_role_id: int | None = None
    channels: dict[Purpose, int] = field(default_factory=dict)


class GuildRepository:
    """Reads and writes guild settings. A guild with no row has the defaults."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, guild_id: int) -> GuildSettings:
        row = await self.db.fetchone(
            "SELECT timezone, organizer_role_id FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        if row is None:
            return GuildSettings(guild_id)
        channels = await self.db.fetchall(
            "SELECT purpose, channel_id FROM guild_channels WHERE guild_id = ?", (guild_id,)
        )
        return GuildSettings(
            guild_id,
            timezone=row["timezone"],
            organizer_role_id=row["organizer_role_id"],
            channels={Purpose(c["purpose"]): c["channel_id"] for c in channels},
        )

    async def timezone(self, guild_id: int) -> str:
        zone = await self.db.fetchval("SELECT timezone FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return str(zone) if zone else DEFAULT_TIMEZONE

    async def first_timezone(self) -> str:
        """The zone of the first server that set one (the community's, for what is not a server's)."""
        zone = await self.db.fetchval(
            "SELECT timezone FROM guild_settings WHERE timezone IS NOT NULL ORDER BY guild_id LIMIT 1"
        )
        return str(zone) if zone else DEFAULT_TIMEZONE

    async def _ensure(self, guild_id: int) -> None:
        await self.db.execute("INSERT OR IGNORE INTO guild_settings (guild_id) VALUES (?)", (guild_id,))

    async def set_timezone(self, guild_id: int, zone: str) -> None:
        async with self.db.transaction():
            await self._ensure(guild_id)
            await self.db.execute(
                "UPDATE guild_settings SET timezone = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
                " WHERE guild_id = ?",
                (zone, guild_id),
            )

    async def set_organizer_role(self, guild_id: int, role_id: int | None) -> None:
        async with self.db.transaction():
            await self._ensure(guild_id)
            await self.db.execute(
                "UPDATE guild_settings SET organizer_role_id = ?,"
                " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE guild_id = ?",
                (role_id, guild_id),
            )

    async def set_channel(self, guild_id: int, purpose: Purpose, channel_id: int) -> None:
        async with self.db.transaction():
            await self._ensure(guild_id)
            await self.db.execute(
                "INSERT INTO guild_channels (guild_id, purpose, channel_id) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id, purpose) DO UPDATE SET channel_id = excluded.channel_id",
                (guild_id, purpose.value, channel_id),
            )

    async def set_channels(self, guild_id: int, channels: dict[Purpose, int]) -> None:
        async with self.db.transaction():
            for purpose, channel_id in channels.items():
                await self.set_channel(guild_id, purpose, channel_id)

    async def forget_channel(self, guild_id: int, channel_id: int) -> None:
        """A configured channel was deleted in Discord."""
        await self.db.execute(
            "DELETE FROM guild_channels WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
        )

    async def forget_role(self, guild_id: int, role_id: int) -> None:
        await self.db.execute(
            "UPDATE guild_settings SET organizer_role_id = NULL WHERE guild_id = ? AND organizer_role_id = ?",
            (guild_id, role_id),
        )

    async def count(self) -> int:
        return int(await self.db.fetchval("SELECT COUNT(*) FROM guild_settings") or 0)
