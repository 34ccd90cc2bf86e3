"""Meetings: `/meeting` commands, persistent RSVP buttons, reminders, Discord events and calendar files."""

from __future__ import annotations

from bot.client import CopBot


async def setup(bot: CopBot) -> None:
    from cogs.meetings.cog import Meetings

    await bot.add_cog(Meetings(bot))
