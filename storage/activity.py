"""Activity counts: messages per channel and day, and per stakeholder group. No text, no authors.

Nothing here names a member, so it is not personal data: `/profile export` and `/profile delete` have
nothing to do with these rows and no handler is registered for them (`cogs/activity/cog.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from storage.database import Database

ChannelDay = tuple[int, int, date]  # guild, channel, local day
GroupDay = tuple[int, int, date, int | None]  # guild, channel, local day, group (None: in no group)


class ActivityRepository:
    """The counters of every guild."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, messages: Mapping[ChannelDay, int], groups: Mapping[GroupDay, int]) -> None:
        """Add a batch of counts, in one transaction (one UPSERT per counter)."""
        if not messages and not groups:
            return
        async with self.db.transaction():
            await self.db.executemany(
                "INSERT INTO activity_messages (guild_id, channel_id, day, messages) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (guild_id, channel_id, day) DO UPDATE SET messages = messages + excluded.messages",
                [(g, c, d.isoformat(), n) for (g, c, d), n in messages.items()],
            )
            await self.db.executemany(
                "INSERT INTO activity_group_counts (guild_id, channel_id, day, group_id, messages)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id, channel_id, day, IFNULL(group_id, 0))"
                " DO UPDATE SET messages = messages + excluded.messages",
                [(g, c, d.isoformat(), group, n) for (g, c, d, group), n in groups.items()],
            )

    async def groups_of(self, guild_id: int, user_ids: Sequence[int]) -> dict[int, list[int]]:
        """The stakeholder groups of each of these members (read, never stored with the counts)."""
        found: dict[int, list[int]] = {user_id: [] for user_id in user_ids}
        ids = list(found)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = await self.db.fetchall(
                f"SELECT user_id, group_id FROM group_members WHERE guild_id = ?"
                f" AND user_id IN ({', '.join('?' * len(chunk))}) ORDER BY group_id",
                (guild_id, *chunk),
            )
            for row in rows:
                found[int(row["user_id"])].append(int(row["group_id"]))
        return found

    async def messages_by_channel(self, guild_id: int, first: date, last: date) -> dict[int, int]:
        """Messages per channel from day `first` to day `last`, both included."""
        rows = await self.db.fetchall(
            "SELECT channel_id, SUM(messages) AS n FROM activity_messages"
            " WHERE guild_id = ? AND day BETWEEN ? AND ? GROUP BY channel_id",
            (guild_id, first.isoformat(), last.isoformat()),
        )
        return {int(r["channel_id"]): int(r["n"]) for r in rows}

    async def messages_by_group(self, guild_id: int, first: date, last: date) -> dict[int | None, int]:
        """Messages per stakeholder group (None: members in no group) from `first` to `last`."""
        rows = await self.db.fetchall(
            "SELECT group_id, SUM(messages) AS n FROM activity_group_counts"
            " WHERE guild_id = ? AND day BETWEEN ? AND ? GROUP BY group_id",
            (guild_id, first.isoformat(), last.isoformat()),
        )
        return {(None if r["group_id"] is None else int(r["group_id"])): int(r["n"]) for r in rows}

    async def grouped_members(self, guild_id: int) -> set[int]:
        """Members who are in at least one stakeholder group (to size the "in no group" line)."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT user_id FROM group_members WHERE guild_id = ?", (guild_id,)
        )
        return {int(r["user_id"]) for r in rows}
