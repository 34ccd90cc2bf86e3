"""Demo scene: an organizer schedules a meeting with a few seats; members answer; one joins the waitlist."""

from __future__ import annotations

import asyncio

from bot.demo import Stage

ORDER = 40


async def play(stage: Stage) -> None:
    olivia, tara = stage.people["olivia_organizer"], stage.people["tara_teacher"]
    carlos, pat = stage.people["carlos_coach"], stage.people["pat_parent"]
    await stage.act(
        olivia,
        "meeting schedule",
        title="Kickoff at the Arts Center",
        when="next Thursday 4pm",
        duration="2h",
        location="Phoenix Arts Center",
        capacity=2,
        description="Meet the school teams and plan the year.",
    )
    card = None
    for _ in range(100):  # the card is posted just after the organizer's answer
        messages = await stage.control.messages(await stage.channel_id("meetings"))
        card = next((m for m in reversed(messages) if m["embeds"]), None)
        if card is not None:
            break
        await asyncio.sleep(0.02)
    if card is None:
        return
    await stage.click(tara, card, "Going")
    await stage.click(carlos, card, "Going")
    await stage.click(pat, card, "Going")
    await stage.act(tara, "meeting reminders", mode="dm")
    await stage.act(pat, "meeting list")
