"""Activity steps: members post messages through the emulator, the counts the bot wrote, `/activity`."""

from __future__ import annotations

from typing import cast

from cogs.activity import Activity
from emulator.driver import Actor
from tests.e2e.community import Community, eventually


async def post(actor: Actor, channel_id: str, times: int = 1, text: str = "hello everyone") -> None:
    """The member posts `times` messages in the channel (as a Discord client would)."""
    for _ in range(times):
        await actor.say(channel_id, text)


async def counted(community: Community) -> int:
    """Every message counted so far (all channels and days)."""
    return int(
        await community.bot.db.fetchval("SELECT COALESCE(SUM(messages), 0) FROM activity_messages") or 0
    )


async def counts_reach(community: Community, total: int, *, within: float = 30.0) -> None:
    """Wait until the bot has counted `total` messages in all."""

    async def reached() -> bool:
        return await counted(community) >= total

    await eventually(reached, within=within, what=f"{total} messages counted")


async def by_group(community: Community) -> dict[int | None, int]:
    rows = await community.bot.db.fetchall(
        "SELECT group_id, SUM(messages) AS n FROM activity_group_counts GROUP BY group_id"
    )
    return {r["group_id"]: int(r["n"]) for r in rows}


async def all_counted(community: Community) -> None:
    """Once the bot has written every message it received so far."""
    await cast(Activity, community.bot.get_cog("Activity")).flushed()
