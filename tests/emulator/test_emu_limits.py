"""Payload limits on raw REST bodies (discord.py validates some of them itself, so these bypass it)."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import Emulator

Json = dict[str, Any]


def button(i: int, **extra: Any) -> Json:
    return {"type": 2, "style": 1, "label": f"b{i}", "custom_id": f"b{i}", **extra}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (
            {"content": "x", "components": [{"type": 1, "components": [button(i) for i in range(6)]}]},
            ["components", "0", "components"],
        ),
        ({"content": "x", "components": [{"type": 1, "components": [button(0)]}] * 6}, ["components"]),
        (
            {"content": "x", "components": [{"type": 1, "components": [button(0, custom_id="c" * 101)]}]},
            ["components", "0", "components", "0", "custom_id"],
        ),
        (
            {"content": "x", "components": [{"type": 1, "components": [button(0, label="l" * 81)]}]},
            ["components", "0", "components", "0", "label"],
        ),
        (
            {
                "content": "x",
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {
                                "type": 3,
                                "custom_id": "s",
                                "options": [{"label": str(i), "value": str(i)} for i in range(26)],
                            }
                        ],
                    }
                ],
            },
            ["components", "0", "components", "0", "options"],
        ),
        ({"embeds": [{"title": "t"}] * 11}, ["embeds"]),
        ({"embeds": [{"footer": {"text": "f" * 2049}}]}, ["embeds", "0", "footer", "text"]),
        ({"embeds": [{"author": {"name": "a" * 257}}]}, ["embeds", "0", "author", "name"]),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
            ["embeds", "0", "fields", "0", "value"],
        ),
        ({"embeds": [{"description": "d" * 4097}]}, ["embeds", "0", "description"]),
    ],
)
async def test_message_limits(rest: Any, guild: Json, body: Json, path: list[str]) -> None:
    status, data = await rest("POST", f"/channels/{guild['channels'][0]['id']}/messages", body)
    assert status == 400
    assert data["code"] == 50035
    assert data["message"] == "Invalid Form Body"
    node = data["errors"]
    for key in path:
        node = node[key]
    assert node["_errors"][0]["message"]


async def test_empty_message(rest: Any, guild: Json) -> None:
    status, data = await rest("POST", f"/channels/{guild['channels'][0]['id']}/messages", {"content": ""})
    assert (status, data["code"]) == (400, 50006)


async def test_modal_and_choice_limits(rest: Any, emu: Emulator, guild: Json, member: Json) -> None:
    """Answer interactions by hand (no bot needed: the callback only needs the id and token)."""
    channel = emu.state.channels[int(guild["channels"][0]["id"])]
    user = emu.state.users[int(member["user"]["id"])]
    record = emu.interactions.create(
        type=2, channel=channel, user=user, data={"id": "1", "name": "x", "type": 1}
    )
    url = f"/interactions/{record.id}/{record.token}/callback?with_response=1"
    modal = {
        "custom_id": "m",
        "title": "t" * 46,
        "components": [{"type": 1, "components": [{"type": 4, "custom_id": "a", "label": "A", "style": 1}]}],
    }
    status, data = await rest("POST", url, {"type": 9, "data": modal})
    assert status == 400
    assert "title" in data["errors"]["data"]
    status, data = await rest("POST", url, {"type": 8, "data": {"choices": []}})
    assert status == 400  # autocomplete results are only for autocomplete interactions
    status, data = await rest("POST", url, {"type": 4, "data": {"content": "ok"}})
    assert status == 200
    assert data["resource"]["message"]["content"] == "ok"
    assert data["interaction"]["response_message_id"] == data["resource"]["message"]["id"]
    status, data = await rest("POST", url, {"type": 4, "data": {"content": "again"}})
    assert (status, data["code"]) == (400, 40060)
    auto = emu.interactions.create(
        type=4, channel=channel, user=user, data={"id": "1", "name": "x", "type": 1}
    )
    choices = [{"name": str(i), "value": str(i)} for i in range(26)]
    status, data = await rest(
        "POST", f"/interactions/{auto.id}/{auto.token}/callback", {"type": 8, "data": {"choices": choices}}
    )
    assert status == 400
    assert "choices" in data["errors"]["data"]


async def test_unknown_interaction_and_webhook(rest: Any, emu: Emulator) -> None:
    status, data = await rest(
        "POST", "/interactions/1234567890123/abc/callback", {"type": 4, "data": {"content": "x"}}
    )
    assert (status, data["code"]) == (404, 10062)
    status, data = await rest("POST", f"/webhooks/{emu.application_id}/nope?wait=1", {"content": "x"})
    assert (status, data["code"]) == (401, 50027)
