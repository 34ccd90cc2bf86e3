"""`/report` and `/report-digest`: the evidence report for organizers, and its monthly summary."""

from __future__ import annotations

from bot.client import CopBot

from .cog import Reports

__all__ = ["Reports", "setup"]


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Reports(bot))
