"""Demo scene: an organizer schedules a weekly prompt, previews it, lists it and sends it now."""

from __future__ import annotations

from bot.demo import Stage

ORDER = 60


async def play(stage: Stage) -> None:
    olivia, tara = stage.people["olivia_organizer"], stage.people["tara_teacher"]
    await stage.act(tara, "announce create", repeat="every Monday at 9:00")
    form = await stage.act(olivia, "announce create", repeat="every Monday at 9:00")
    preview = await stage.submit(
        olivia,
        form,
        {
            "title": "Share your win",
            "text": "What went well in your classroom this week? Post it here. ({date})",
        },
    )
    await stage.click(olivia, preview, "Schedule it")
    await stage.act(olivia, "announce send-now", id=1)  # posted by the scheduler while the next steps run
    await stage.act(olivia, "announce create", repeat="every 3 days at 9am")
    await stage.act(olivia, "announce list")
