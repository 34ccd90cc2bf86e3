"""`/agreement`: collaboration agreements between a school team and a partner, confirmed by both sides."""

from __future__ import annotations

from bot.client import CopBot

from .cog import Agreements

__all__ = ["Agreements", "setup"]


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Agreements(bot))
