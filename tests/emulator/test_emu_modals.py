"""Modal submits in both layouts Discord accepts, in Discord's shape, through the driver as tests use it.

Discord numbers components the app left without an `id` (1, 2, … depth first, skipping ids the app chose)
and echoes the numbers in the submit: an action row gives `{type: 1, id, components: [{type: 4, id,
custom_id, value}]}`, a Label gives `{type: 18, id, component: {type: 4, id, custom_id, value}}`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from emulator import Emulator
from emulator.components import with_ids
from emulator.driver import Actor, Control, ControlError

pytestmark = pytest.mark.usefixtures("bot")
Json = dict[str, Any]


@pytest.fixture
async def alice(emu: Emulator, guild: Json) -> AsyncIterator[Actor]:
    control = await Control.connect(emu.url)
    try:
        yield await control.add_member(guild["id"], "alice")
    finally:
        await control.close()


def submitted(emu: Emulator, interaction_id: str) -> Json:
    """The `data` of the MODAL_SUBMIT interaction the bot received."""
    return emu.interactions.records[int(interaction_id)].data


async def test_a_modal_of_action_rows_submits_rows(emu: Emulator, alice: Actor) -> None:
    opened = await alice.run("form")
    assert opened.is_modal
    reply = await alice.submit(opened, {"Name": "Alice"})
    assert reply.content == "hi Alice (-)"  # discord.py read both values from the rows
    data = submitted(emu, reply.interaction_id)
    assert data["custom_id"] == opened.data["custom_id"]
    assert data["components"] == [
        {"type": 1, "id": 1, "components": [{"type": 4, "id": 2, "custom_id": "name", "value": "Alice"}]},
        {"type": 1, "id": 3, "components": [{"type": 4, "id": 4, "custom_id": "about", "value": ""}]},
    ]


async def test_a_modal_of_labels_submits_labels(emu: Emulator, alice: Actor) -> None:
    opened = await alice.run("form2")
    assert [c["type"] for c in opened.data["components"]] == [18, 18]
    assert [f["label"] for f in opened.data["fields"]] == ["Topic", "Team"]
    reply = await alice.submit(opened, {"topic": "Onboarding", "Team": ["blue"]})
    assert reply.content == "Onboarding/blue"  # discord.py read the Label's inner components
    assert submitted(emu, reply.interaction_id)["components"] == [
        {"type": 18, "id": 1, "component": {"type": 4, "id": 2, "custom_id": "topic", "value": "Onboarding"}},
        {"type": 18, "id": 3, "component": {"type": 3, "id": 4, "custom_id": "team", "values": ["blue"]}},
    ]


async def test_a_label_field_is_checked_like_a_row_field(alice: Actor) -> None:
    opened = await alice.run("form2")
    with pytest.raises(ControlError, match="required"):
        await alice.submit(opened, {"Team": ["red"]})
    with pytest.raises(ControlError, match="no option"):
        await alice.submit(opened, {"topic": "x", "team": ["green"]})
    with pytest.raises(ControlError, match="no field"):
        await alice.submit(opened, {"topic": "x", "team": ["red"], "colour": "blue"})


def test_ids_the_app_chose_are_kept_and_skipped() -> None:
    modal = [
        {"type": 18, "label": "A", "component": {"type": 4, "custom_id": "a", "id": 2}},
        {"type": 1, "components": [{"type": 4, "custom_id": "b"}]},
        {"type": 10, "content": "note", "id": 7},
    ]
    numbered = with_ids(modal)
    assert [numbered[0]["id"], numbered[0]["component"]["id"]] == [1, 2]
    assert [numbered[1]["id"], numbered[1]["components"][0]["id"]] == [3, 4]
    assert numbered[2]["id"] == 7
    assert "id" not in modal[1]  # the bot's own payload is left as it sent it
