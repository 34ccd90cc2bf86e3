"""Demo scene: the organizer builds the stakeholder lounges and a school team; members pick their groups."""

from __future__ import annotations

from typing import Any

from bot.demo import Stage

ORDER = 20


def option_value(message: dict[str, Any], label: str) -> str:
    for row in message.get("components") or []:
        for component in row.get("components") or []:
            for option in component.get("options") or []:
                if option["label"] == label:
                    return str(option["value"])
    raise LookupError(label)


async def play(stage: Stage) -> None:
    olivia, tara, bea = (stage.people[n] for n in ("olivia_organizer", "tara_teacher", "bea_business"))
    await stage.control.settled(await stage.act(olivia, "groups setup"), "ready", within=15)
    await stage.act(olivia, "groups picker")
    general = tara.channel_id or await stage.channel_id("general")
    picker = next(m for m in await stage.control.messages(general) if m.get("components"))
    await stage.click(tara, picker, "grp:pick:0", values=[option_value(picker, "Teachers")])
    await stage.click(bea, picker, "grp:pick:0", values=[option_value(picker, "Business & Industry")])
    await stage.control.settled(
        await stage.act(olivia, "schools add", name="Lincoln Elementary", district="Phoenix Unified"), "Added"
    )
    await stage.act(tara, "schools join", school="Lincoln Elementary")
    await stage.act(bea, "schools join", school="Lincoln Elementary")
    await stage.act(olivia, "schools gaps")
