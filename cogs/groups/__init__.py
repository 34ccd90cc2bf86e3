"""`/groups`: stakeholder groups — each a role and a private channel — and a self-service picker.

`cog.py` holds the commands, `picker.py` the picker message and the private join/leave selects, `inputs.py`
what organizers and members type (a group, an emoji, a description). The shared shape with school teams is
`cogs/_units.py`; the rules without Discord are in `core/units/`.
"""

from __future__ import annotations

from bot.client import CopBot
from cogs.groups.cog import Groups


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Groups(bot))
