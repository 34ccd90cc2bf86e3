"""`/schools`: school teams — each a role and a private cross-sector channel — CSV import and the gaps grid.

`cog.py` holds the commands, `grid.py` the schools × groups pages, `inputs.py` a school of this guild as an
argument (`SchoolArg`). The shared shape with stakeholder groups is `cogs/_units.py`; the rules without
Discord (CSV reading, coverage gaps, names, room) are in `core/units/`.
"""

from __future__ import annotations

from bot.client import CopBot
from cogs.schools.cog import Schools


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Schools(bot))
