"""Demo scene: an organizer sets the community up; a teacher finds organizer commands are not for them."""

from __future__ import annotations

from bot.demo import DEMO_ZONE, Stage

ORDER = 10


async def play(stage: Stage) -> None:
    olivia, tara = stage.people["olivia_organizer"], stage.people["tara_teacher"]
    await stage.act(tara, "cop setup")
    await stage.act(olivia, "cop setup")
    await stage.act(olivia, "cop timezone", zone="America/Phonix")
    await stage.act(olivia, "cop timezone", zone=DEMO_ZONE)
    await stage.act(olivia, "cop settings")
    await stage.act(tara, "cop about")
