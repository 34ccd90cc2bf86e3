"""`/goals`: each school team's (and the community's) vision, goals and check-ins, with check-in prompts."""

from __future__ import annotations

from bot.client import CopBot

from .cog import Goals

__all__ = ["Goals", "setup"]


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Goals(bot))
