"""Components Discord refuses (buttons, selects, modals, autocomplete), each beside the nearest accepted one."""

from __future__ import annotations

from typing import Any

import pytest
from refusals import Json, Rest, assert_accepted, assert_refused

from emulator import Emulator

BUTTON = "components.0.components.0"


def row(*components: Json) -> Json:
    return {"content": "x", "components": [{"type": 1, "components": list(components)}]}


def button(**fields: Any) -> Json:
    return {"type": 2, "style": 1, "label": "Go", "custom_id": "go", **fields}


def link(**fields: Any) -> Json:
    return {"type": 2, "style": 5, "label": "Site", "url": "https://example.com", **fields}


def select(options: int = 3, **fields: Any) -> Json:
    choices = [{"label": f"o{n}", "value": f"v{n}"} for n in range(options)]
    return {"type": 3, "custom_id": "pick", "options": choices, **fields}


def select_with(option: Json) -> Json:
    return {"type": 3, "custom_id": "pick", "options": [option]}


MESSAGE_CASES = [
    pytest.param(row(link(custom_id="c")), f"{BUTTON}.custom_id", row(link()), id="link-with-custom-id"),
    pytest.param(row(button(style=7)), f"{BUTTON}.style", row(button(style=4)), id="style-7"),
    pytest.param(row(button(style=0)), f"{BUTTON}.style", row(button(style=1)), id="style-0"),
    pytest.param(
        row(button(url="https://example.com")), f"{BUTTON}.url", row(button()), id="url-on-non-link"
    ),
    pytest.param(
        row(select_with({"label": "", "value": "v"})),
        f"{BUTTON}.options.0.label",
        row(select_with({"label": "a", "value": "v"})),
        id="empty-option-label",
    ),
    pytest.param(
        row(select_with({"label": "a", "value": ""})),
        f"{BUTTON}.options.0.value",
        row(select_with({"label": "a", "value": "v"})),
        id="empty-option-value",
    ),
    pytest.param(
        row(select(min_values=3, max_values=2)),
        f"{BUTTON}.min_values",
        row(select(min_values=2, max_values=2)),
        id="min-values-over-max-values",
    ),
    pytest.param(
        row(select(max_values=0)), f"{BUTTON}.max_values", row(select(max_values=1)), id="max-values-0"
    ),
    pytest.param(
        row({"type": 5, "custom_id": "u", "min_values": 5, "max_values": 4}),
        f"{BUTTON}.min_values",
        row({"type": 5, "custom_id": "u", "min_values": 0, "max_values": 25}),
        id="user-select-min-over-max",
    ),
]


@pytest.mark.parametrize(("refused", "path", "accepted"), MESSAGE_CASES)
async def test_message_component_refusals(
    rest: Rest, guild: Json, refused: Json, path: str, accepted: Json
) -> None:
    url = f"/channels/{guild['channels'][0]['id']}/messages"
    assert_refused(*await rest("POST", url, refused), path)
    assert_accepted(*await rest("POST", url, accepted))


def text_input(**fields: Any) -> Json:
    return {"type": 4, "custom_id": "answer", "style": 1, "label": "Answer", **fields}


def modal(*components: Json) -> Json:
    return {"type": 9, "data": {"custom_id": "m", "title": "Tell us", "components": list(components)}}


def in_row(*inputs: Json) -> Json:
    return {"type": 1, "components": list(inputs)}


def labelled(label: Any = "Your name", **inner: Any) -> Json:
    field = {k: v for k, v in text_input(**inner).items() if k != "label"}
    return {"type": 18, "label": label, "component": field}


INPUT = "data.components.0.components.0"
MODAL_CASES = [
    pytest.param(
        modal(in_row(text_input(), text_input(custom_id="other"))),
        "data.components.0.components",
        modal(in_row(text_input()), in_row(text_input(custom_id="other"))),
        id="two-inputs-in-a-row",
    ),
    pytest.param(
        modal(in_row(text_input(min_length=10, max_length=5))),
        f"{INPUT}.min_length",
        modal(in_row(text_input(min_length=5, max_length=5))),
        id="min-length-over-max-length",
    ),
    pytest.param(
        modal(in_row(text_input(max_length=4001))),
        f"{INPUT}.max_length",
        modal(in_row(text_input(max_length=4000))),
        id="max-length-over-4000",
    ),
    pytest.param(
        modal(in_row(text_input(style=3))),
        f"{INPUT}.style",
        modal(in_row(text_input(style=2))),
        id="text-input-style-3",
    ),
    pytest.param(
        modal(labelled(label="")),
        "data.components.0.label",
        modal(labelled()),
        id="empty-label",
    ),
    pytest.param(
        modal(labelled(style=3)),
        "data.components.0.component.style",
        modal(labelled(style=2, min_length=1, max_length=4000)),
        id="label-input-style-3",
    ),
]


async def answer(rest: Rest, emu: Emulator, guild: Json, member: Json, kind: int, body: Json) -> Any:
    """Answer a fresh interaction of `kind` (2: slash command, 4: autocomplete) with `body`."""
    channel = emu.state.channels[int(guild["channels"][0]["id"])]
    user = emu.state.users[int(member["user"]["id"])]
    record = emu.interactions.create(
        type=kind, channel=channel, user=user, data={"id": "1", "name": "x", "type": 1}
    )
    return await rest("POST", f"/interactions/{record.id}/{record.token}/callback?with_response=1", body)


@pytest.mark.parametrize(("refused", "path", "accepted"), MODAL_CASES)
async def test_modal_refusals(
    rest: Rest, emu: Emulator, guild: Json, member: Json, refused: Json, path: str, accepted: Json
) -> None:
    assert_refused(*await answer(rest, emu, guild, member, 2, refused), path)
    assert_accepted(*await answer(rest, emu, guild, member, 2, accepted))


async def test_empty_autocomplete_choice_name(rest: Rest, emu: Emulator, guild: Json, member: Json) -> None:
    refused = {"type": 8, "data": {"choices": [{"name": "", "value": "v"}]}}
    assert_refused(*await answer(rest, emu, guild, member, 4, refused), "data.choices.0.name")
    accepted = {"type": 8, "data": {"choices": [{"name": "n", "value": "v"}]}}
    assert_accepted(*await answer(rest, emu, guild, member, 4, accepted))
