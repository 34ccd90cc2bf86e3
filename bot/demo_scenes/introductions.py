"""Demo scene: a teacher and a business partner introduce themselves; the teacher finds help with /connect."""

from __future__ import annotations

from bot.demo import Stage
from bot.demo_scenes.groups import option_value

ORDER = 30


async def play(stage: Stage) -> None:
    tara, bea = stage.people["tara_teacher"], stage.people["bea_business"]
    form = await stage.act(tara, "intro me")
    group = option_value({"components": [{"components": form.components}]}, "Teachers")
    await stage.submit(
        tara,
        form,
        {
            "name": "Tara Torres",
            "organization": "Lincoln Elementary",
            "group": [group],
            "title": "4th-grade teacher",
            "interests": "robotics, coding",
        },
    )
    needs = await stage.act(tara, "intro needs")
    await stage.submit(tara, needs, {"offers": "Classroom visits", "seeks": "A robotics mentor for our club"})
    form = await stage.act(bea, "intro me")
    group = option_value({"components": [{"components": form.components}]}, "Business & Industry")
    await stage.submit(
        bea, form, {"name": "Bea Baptiste", "organization": "Desert Robotics Inc.", "group": [group]}
    )
    needs = await stage.act(bea, "intro needs")
    await stage.submit(bea, needs, {"offers": "Robotics mentoring and factory tours", "seeks": ""})
    await stage.act(tara, "connect")
    await stage.act(bea, "directory", interest="robotics")
