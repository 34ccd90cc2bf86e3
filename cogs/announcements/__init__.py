"""`/announce`: scheduled announcements, one-off and recurring, delivered by the durable scheduler."""

from __future__ import annotations

from bot.client import CopBot

from .cog import Announcements

__all__ = ["Announcements", "setup"]


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Announcements(bot))
