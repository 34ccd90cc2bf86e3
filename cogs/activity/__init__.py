"""`/activity`: counts of members' messages (never their text) and where meeting agendas came from."""

from __future__ import annotations

from bot.client import CopBot

from .cog import Activity

__all__ = ["Activity", "setup"]


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Activity(bot))
