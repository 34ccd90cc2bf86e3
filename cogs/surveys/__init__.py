"""`/survey`: organizers run surveys (two templates); members answer privately, page by page."""

from __future__ import annotations

from bot.client import CopBot

from .cog import Surveys

__all__ = ["Surveys", "setup"]


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Surveys(bot))
