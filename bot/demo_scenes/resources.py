"""Demo scene: a teacher shares the K-12 science framework, a coach shares it again (a duplicate, so he adds a
tag instead), members mark it helpful and save it, and a parent finds it with a half-typed search."""

from __future__ import annotations

from bot.demo import Stage

ORDER = 50
FRAMEWORK = "https://www.nextgenscience.org/framework-k-12-science-education"


async def play(stage: Stage) -> None:
    tara, carlos, pat = stage.people["tara_teacher"], stage.people["carlos_coach"], stage.people["pat_parent"]
    await stage.act(
        tara,
        "resource share",
        url=FRAMEWORK + "?utm_source=newsletter",
        title="A Framework for K-12 Science Education",
        tags="Science Framework, Professional Development",
        description="The research behind the science standards: practices, crosscutting concepts, core ideas.",
        grades="All",
        kind="guide",
    )
    duplicate = await stage.act(
        carlos,
        "resource share",
        url="www.NextGenScience.org/framework-k-12-science-education/",
        title="NGSS framework",
        tags="Engineering",
    )
    if duplicate.type == 5:
        duplicate = await stage.control.settled(duplicate, "already in the library")
    await stage.click(carlos, duplicate, "Add Engineering to it")
    cards = await stage.control.messages(await stage.channel_id("resources"))
    if cards:
        await stage.click(pat, cards[0], "Helpful")
        await stage.click(carlos, cards[0], "Save")
    await stage.act(pat, "resource search", query="scien framew")
