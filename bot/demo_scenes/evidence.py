"""Demo scene: the community's own evidence. The organizer starts the readiness self-assessment; a teacher
answers both pages through the survey's button; a business partner tells a value story she agrees to share;
the organizer adds a community goal, posts the story without naming anyone who did not agree, and reads
/cop stats (counts only)."""

from __future__ import annotations

from bot.demo import Stage

ORDER = 70
PAGE_ONE = {"vision": ["4"], "partners": ["3"], "rhythm": ["5"], "roles": ["2"], "leaders": ["4"]}
PAGE_TWO = {
    "families": ["3"],
    "evidence": ["2"],
    "stage": ["2"],
    "support": ["1", "4"],
    "next": "Meet monthly",
}


async def play(stage: Stage) -> None:
    olivia, tara, bea = (
        stage.people["olivia_organizer"],
        stage.people["tara_teacher"],
        stage.people["bea_business"],
    )
    await stage.act(olivia, "survey start", template="readiness", closes="in 2 weeks")
    posts = await stage.control.messages(await stage.channel_id("announcements"))
    post = next((p for p in posts if "Answer the survey" in str(p.get("components"))), None)
    if post is not None:
        first = await stage.click(tara, post, "Answer the survey")
        if first.is_modal:
            saved = await stage.submit(tara, first, PAGE_ONE)
            second = await stage.click(tara, saved, "Next page")
            if second.is_modal:
                await stage.submit(tara, second, PAGE_TWO)
    form = await stage.act(bea, "story tell")
    if form.is_modal:
        await stage.submit(
            bea,
            form,
            {
                "text": "After the career night two students asked to shadow our engineers for a day.",
                "cycle": ["realized"],
                "consent": ["shareable"],
                "named": ["no"],
            },
        )
    goal = await stage.act(olivia, "goals add", team="The whole community")
    if goal.is_modal:
        await stage.submit(
            olivia,
            goal,
            {"title": "Every team has a partner", "outcome": "All 61 teams name a business partner"},
        )
    await stage.act(olivia, "story post", id=1)
    await stage.act(olivia, "cop stats")
