"""Interactions end to end: the real discord.py bot against the emulator over real sockets."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from emu_helpers import ControlClient, until
from emu_testbot import EmuBot

from emulator import Emulator

pytestmark = pytest.mark.usefixtures("bot")
Json = dict[str, Any]


async def slash(control: ControlClient, guild: Json, user: Json, command: str, **extra: Any) -> Json:
    body = {"guild_id": guild["id"], "user_id": user["user"]["id"], "command": command, **extra}
    result: Json = await control.post("/interactions", body)
    return result


async def test_slash_with_typed_options(
    control: ControlClient, guild: Json, member: Json, emu: Emulator
) -> None:
    general = guild["channels"][0]
    role = await control.post(f"/guilds/{guild['id']}/roles", {"name": "Speakers"})
    options = {
        "title": "Kickoff",
        "when": 5,
        "host": member["user"]["id"],
        "room": general["id"],
        "online": True,
        "hours": 1.5,
        "role": role["id"],
    }
    out = await slash(control, guild, member, "meeting schedule", options=options)
    assert out["response"]["type"] == 4
    assert out["response"]["data"]["content"] == "Kickoff|5|alice|general|True|1.5|Speakers"
    history = await control.get(f"/channels/{general['id']}/messages")
    assert history[-1]["id"] == out["message_id"]
    assert history[-1]["author"]["bot"] is True
    payload = emu.control.get_interaction(int(out["interaction_id"]))["payload"]
    resolved = payload["data"]["resolved"]
    assert set(resolved) == {"users", "members", "channels", "roles"}


async def test_subcommand_group_and_ephemeral(control: ControlClient, guild: Json, member: Json) -> None:
    out = await slash(control, guild, member, "cop settings show", options={"section": "general"})
    assert out["response"]["data"]["content"] == "settings:general"
    assert out["response"]["data"]["flags"] & 64
    channel = guild["channels"][0]["id"]
    assert await control.get(f"/channels/{channel}/messages") == []
    mine = await control.get(f"/channels/{channel}/messages?as_user={member['user']['id']}")
    assert [m["content"] for m in mine] == ["settings:general"]


async def test_schema_errors_are_reported(control: ControlClient, guild: Json, member: Json) -> None:
    body = {"guild_id": guild["id"], "user_id": member["user"]["id"], "command": "cop settings show"}
    status, data = await control.call("POST", "/interactions", {**body, "options": {"section": "nope"}})
    assert status == 400
    assert "choices" in data["error"]
    status, data = await control.call("POST", "/interactions", {**body, "command": "meeting schedule"})
    assert status == 400
    assert "missing required" in data["error"]


async def test_defer_then_followups(control: ControlClient, guild: Json, member: Json) -> None:
    out = await slash(control, guild, member, "slow", followups=1)
    assert out["response"]["type"] == 5
    assert out["response"]["data"]["content"] == "done later"
    assert out["pending"] is False
    assert [f["content"] for f in out["followups"]] == ["and one more"]
    assert out["followups"][0]["ephemeral"] is True


async def test_defer_then_edit_original(control: ControlClient, guild: Json, member: Json) -> None:
    out = await slash(control, guild, member, "slowedit")
    assert out["response"]["data"]["content"] == "edited original"
    assert out["response"]["data"]["embeds"][0]["title"] == "T"
    assert out["message"]["ephemeral"] is True


async def test_button_click_updates_message(control: ControlClient, guild: Json, member: Json) -> None:
    sent = await slash(control, guild, member, "buttons")
    uid = member["user"]["id"]
    clicked = await control.post(
        "/components", {"user_id": uid, "message_id": sent["message_id"], "custom_id": "yes"}
    )
    assert clicked["response"]["type"] == 7
    assert clicked["message"]["content"] == f"clicked by {uid}"
    assert clicked["message"]["components"] == []


async def test_button_on_ephemeral_message_with_deferred_update(
    control: ControlClient, guild: Json, member: Json
) -> None:
    sent = await slash(control, guild, member, "secretbuttons")
    body = {"user_id": member["user"]["id"], "message_id": sent["message_id"], "custom_id": "later"}
    clicked = await control.post("/components", body)
    assert clicked["response"]["type"] == 6
    assert clicked["response"]["data"]["content"] == "updated after defer"
    other = await control.post(f"/guilds/{guild['id']}/members", {"username": "bob"})
    status, _ = await control.call("POST", "/components", {**body, "user_id": other["user"]["id"]})
    assert status == 403


async def test_selects(control: ControlClient, guild: Json, member: Json) -> None:
    sent = await slash(control, guild, member, "choose")
    base = {"user_id": member["user"]["id"], "message_id": sent["message_id"]}
    out = await control.post("/components", {**base, "custom_id": "fruit", "values": ["apple", "cherry"]})
    assert out["response"]["data"]["content"] == "chose apple,cherry"
    out = await control.post("/components", {**base, "custom_id": "who", "values": [member["user"]["id"]]})
    assert out["response"]["data"]["content"] == f"picked {member['user']['id']} Member"
    out = await control.post(
        "/components", {**base, "custom_id": "where", "values": [guild["channels"][0]["id"]]}
    )
    assert out["response"]["data"]["content"] == "channel general"
    status, data = await control.call(
        "POST", "/components", {**base, "custom_id": "fruit", "values": ["kiwi"]}
    )
    assert status == 400
    assert "kiwi" in data["error"]


async def test_modal_with_action_rows(control: ControlClient, guild: Json, member: Json) -> None:
    opened = await slash(control, guild, member, "form")
    assert opened["response"]["type"] == 9
    modal = opened["response"]["data"]
    assert modal["title"] == "Introduce yourself"
    assert [f["custom_id"] for f in modal["fields"]] == ["name", "about"]
    body = {"user_id": member["user"]["id"], "interaction_id": opened["interaction_id"]}
    status, data = await control.call("POST", "/modals", {**body, "values": {"About": "x"}})
    assert status == 400
    assert "required" in data["error"]
    out = await control.post("/modals", {**body, "values": {"Name": "Alice", "about": "testing"}})
    assert out["response"]["data"]["content"] == "hi Alice (testing)"


async def test_modal_with_labels(control: ControlClient, guild: Json, member: Json) -> None:
    opened = await slash(control, guild, member, "form2")
    body = {"user_id": member["user"]["id"], "interaction_id": opened["interaction_id"]}
    out = await control.post("/modals", {**body, "values": {"Topic": "Onboarding", "team": ["blue"]}})
    assert out["response"]["data"]["content"] == "Onboarding/blue"


async def test_autocomplete(control: ControlClient, guild: Json, member: Json) -> None:
    body = {"guild_id": guild["id"], "user_id": member["user"]["id"], "command": "fruit"}
    out = await control.post("/autocomplete", {**body, "options": {"name": "ap"}, "focused": "name"})
    assert [c["value"] for c in out["choices"]] == ["apple", "apricot"]


async def test_context_menus(control: ControlClient, guild: Json, member: Json) -> None:
    channel = guild["channels"][0]["id"]
    posted = await control.post(
        "/messages", {"channel_id": channel, "user_id": member["user"]["id"], "content": "wise"}
    )
    base = {"guild_id": guild["id"], "channel_id": channel, "user_id": member["user"]["id"]}
    out = await control.post("/context-menu", {**base, "command": "Quote", "target_id": posted["id"]})
    assert out["response"]["data"]["content"] == "quoted: wise"
    out = await control.post("/context-menu", {**base, "command": "Whois", "target_id": member["user"]["id"]})
    assert out["response"]["data"]["content"] == "whois alice"


async def test_no_answer_in_time_then_late_answer_gets_10062(
    control: ControlClient, guild: Json, member: Json, bot: EmuBot, emu: Emulator
) -> None:
    assert emu.interactions.timeout == 3.0
    emu.interactions.timeout = 0.2  # the 3 s rule, shortened to keep the test fast
    result = bot.expect("late_result")
    out = await slash(control, guild, member, "late")
    assert "response" not in out
    assert "did not answer" in out["error"]
    bot.late_gate.set()
    exc = await result
    assert isinstance(exc, discord.NotFound)
    assert exc.code == 10062


async def test_double_answer_gets_40060(
    control: ControlClient, guild: Json, member: Json, bot: EmuBot
) -> None:
    result = bot.expect("twice_result")
    out = await slash(control, guild, member, "twice")
    assert out["response"]["data"]["content"] == "once"
    exc = await result
    assert isinstance(exc, discord.HTTPException)
    assert exc.status == 400
    assert exc.code == 40060


async def test_expired_token_rejects_followups(
    control: ControlClient, guild: Json, member: Json, bot: EmuBot
) -> None:
    result = bot.expect("expired_result")
    out = await slash(control, guild, member, "expiring", timeout=0.1)
    assert out["pending"] is True
    await control.post(f"/interactions/{out['interaction_id']}/expire")
    bot.expire_gate.set()
    exc = await result
    assert isinstance(exc, discord.HTTPException)
    assert exc.code == 50027


async def test_unknown_command_types_inferred(
    control: ControlClient, guild: Json, member: Json, emu: Emulator
) -> None:
    # Not registered: the bot's tree raises CommandNotFound and never answers.
    emu.interactions.timeout = 0.1
    out = await slash(control, guild, member, "nosuch thing", options={"n": 2, "x": 1.5, "b": True, "s": "t"})
    assert "response" not in out
    payload = emu.control.get_interaction(int(out["interaction_id"]))["payload"]
    sub = payload["data"]["options"][0]
    assert sub["type"] == 1
    assert [o["type"] for o in sub["options"]] == [4, 10, 5, 3]


async def test_dm_slash_command(control: ControlClient, guild: Json, member: Json, emu: Emulator) -> None:
    out = await control.post(
        "/interactions", {"dm": True, "user_id": member["user"]["id"], "command": "ping"}
    )
    assert out["response"]["data"]["content"] == "pong"
    payload = emu.control.get_interaction(int(out["interaction_id"]))["payload"]
    assert "user" in payload
    assert "member" not in payload


async def test_fifty_round_trips_in_a_row_are_all_answered(
    control: ControlClient, guild: Json, member: Json
) -> None:
    # How fast they are is a figure for bench/emulator_roundtrip.py, not an assertion here.
    for _ in range(50):
        out = await slash(control, guild, member, "ping")
        assert out["response"]["data"]["content"] == "pong"


async def test_message_history_shows_interaction_messages(
    control: ControlClient, guild: Json, member: Json
) -> None:
    await slash(control, guild, member, "ping")
    channel = guild["channels"][0]["id"]
    await until(lambda: True)
    history = await control.get(f"/channels/{channel}/messages")
    assert history[-1]["content"] == "pong"
    assert history[-1]["type"] == 20


async def test_modal_from_button_updates_the_message(
    control: ControlClient, guild: Json, member: Json
) -> None:
    sent = await slash(control, guild, member, "buttons")
    uid = member["user"]["id"]
    opened = await control.post(
        "/components", {"user_id": uid, "message_id": sent["message_id"], "custom_id": "rename"}
    )
    assert opened["response"]["type"] == 9
    body = {"user_id": uid, "interaction_id": opened["interaction_id"], "values": {"New name": "Standup"}}
    out = await control.post("/modals", body)
    assert out["response"]["type"] == 7
    assert out["message_id"] == sent["message_id"]
    assert out["message"]["content"] == "renamed to Standup"


async def test_followups_edited_and_deleted(control: ControlClient, guild: Json, member: Json) -> None:
    out = await slash(control, guild, member, "notes", followups=2, settle=0.2)
    assert [f["content"] for f in out["followups"]] == ["first (edited)", "done"]
    assert out["message"]["content"] == "original (edited)"
    channel = guild["channels"][0]["id"]
    history = [m["content"] for m in await control.get(f"/channels/{channel}/messages")]
    assert history == ["original (edited)", "first (edited)", "done"]
