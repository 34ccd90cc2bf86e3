"""`/story`: value stories (what members took away and what came of it), and the prompts after meetings."""

from __future__ import annotations

from bot.client import CopBot

from .cog import Stories

__all__ = ["Stories", "setup"]


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Stories(bot))
