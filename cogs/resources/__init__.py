"""The resource library: `/resource` commands, resource cards and the weekly digest."""

from __future__ import annotations

from bot.client import CopBot

from .cog import Resources


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Resources(bot))
