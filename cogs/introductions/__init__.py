"""`/intro`: welcome new members, introductions (two short forms, a card, roles), reminders, leaving.

`cog.py` holds the commands and listeners, `flow.py` the forms, the card's posting and the buttons, `cards.py`
the fields' checks and the card, `posts.py` copbot's posts about a member, `purge.py` the `profile.purge` job.
The rules are in `core.profiles`: a member who leaves is hidden for a period (30 days by default; they may
come back) and then every personal row of theirs is deleted by the job, which re-reads the departure first.
"""

from __future__ import annotations

from bot.client import CopBot
from cogs.introductions.cog import Introductions


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Introductions(bot))
