"""Value-story steps: a meeting that ends with members checked in or going, the prompts they get."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from emulator.driver import Actor, Reply
from tests.e2e.community import Community, eventually
from tests.e2e.steps.meetings import card, schedule, starts_of

PROMPT = "What will you take away"
FOLLOWUP = "Did you use it?"


async def meeting_that_ends(
    community: Community, *, going: list[Actor], here: Sequence[Actor] = ()
) -> tuple[int, Any]:  # type: ignore[assignment]
    """A 30-minute meeting in 10 minutes; `going` click Going, `here` check in. Returns its id and end."""
    _, meeting_id = await schedule(
        community,
        title="Robotics <@&1> @everyone night",
        when="in 10 minutes",
        duration="30m",
        reminders="1h",
    )
    message = await card(community, meeting_id)
    for actor in going:
        await actor.click(message, "Going")
    for actor in here:
        await actor.click(await card(community, meeting_id), "I'm here")
    return meeting_id, await starts_of(community, meeting_id) + timedelta(minutes=30)


async def prompts_in_dms(actor: Actor, words: str = PROMPT) -> list[dict[str, Any]]:
    return [m for m in await actor.dms() if words in (m.get("content") or "")]


async def dm_prompt(actor: Actor, words: str = PROMPT) -> dict[str, Any]:
    async def found() -> dict[str, Any] | None:
        return (await prompts_in_dms(actor, words) or [None])[-1]

    return await eventually(found, what=f"the DM {words!r}")


async def answer(
    actor: Actor,
    on: dict[str, Any] | Reply,
    text: str,
    *,
    cycle: str = "potential",
    consent: str = "private",
    named: str = "no",
) -> Reply:
    form = await actor.click(on, on_label(on))
    assert form.is_modal, form.text
    return await actor.submit(form, {"text": text, "cycle": [cycle], "consent": [consent], "named": [named]})


def on_label(message: dict[str, Any] | Reply) -> str:
    rows = message.components if isinstance(message, Reply) else message["components"]
    [button] = [c for row in rows for c in row["components"]]
    return str(button["custom_id"])


async def tell(
    actor: Actor,
    text: str,
    *,
    cycle: str = "applied",
    consent: str = "private",
    named: str = "no",
    **options: Any,
) -> Reply:
    form = await actor.run("story tell", **options)
    assert form.is_modal, form.text
    return await actor.submit(form, {"text": text, "cycle": [cycle], "consent": [consent], "named": [named]})
