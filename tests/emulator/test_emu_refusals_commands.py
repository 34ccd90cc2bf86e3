"""Application commands Discord refuses, at every nesting level, each beside the nearest accepted one."""

from __future__ import annotations

from typing import Any

import pytest
from refusals import Json, Rest, assert_accepted, assert_refused

from emulator import Emulator

STRING, INTEGER, SUB, GROUP = 3, 4, 1, 2


def option(name: str = "topic", kind: int = STRING, **fields: Any) -> Json:
    return {"type": kind, "name": name, "description": "what about", **fields}


def sub(name: str = "add", *options: Json, **fields: Any) -> Json:
    return {"type": SUB, "name": name, "description": "a subcommand", "options": list(options), **fields}


def command(*options: Json, **fields: Any) -> Json:
    return {"type": 1, "name": "meeting", "description": "Meetings", "options": list(options), **fields}


def choices(count: int, name: int = 1, value: int = 1) -> list[Json]:
    return [{"name": f"{n}".rjust(name, "n"), "value": f"{n}".rjust(value, "v")} for n in range(count)]


def sized(total: int) -> Json:
    """A valid command whose name, description and choice characters add up to exactly `total` (≥ 300)."""
    opts = []
    for n in range(25):
        picks = [{"name": f"{k}", "value": "v" * 100} for k in range(25)]
        opts.append({"type": STRING, "name": f"o{n}", "description": "d", "choices": picks})
    body = {"type": 1, "name": "big", "description": "d", "options": opts}
    excess = characters(body) - total
    while excess > 0:  # shorten the last choices (values stay 1+ characters), dropping emptied ones
        picks = body["options"][-1]["choices"]
        cut = min(excess, len(picks[-1]["value"]) - 1)
        picks[-1]["value"] = picks[-1]["value"][: len(picks[-1]["value"]) - cut]
        excess -= cut
        if excess > 0:
            excess -= len(picks[-1]["name"]) + len(picks.pop()["value"])
            if not picks:
                excess -= len(body["options"][-1]["name"]) + len(body["options"].pop()["description"])
    if excess < 0:
        body["options"][-1]["choices"][-1]["value"] += "v" * -excess
    assert characters(body) == total
    return body


def characters(body: Json) -> int:
    """Discord's count toward 8 000: names, descriptions and choice values of the command and its options."""
    total = len(body["name"]) + len(body["description"])
    for opt in body["options"]:
        total += len(opt["name"]) + len(opt["description"])
        total += sum(len(c["name"]) + len(c["value"]) for c in opt.get("choices", []))
    return total


CASES = [
    pytest.param(command(sub("Add")), "options.0.name", command(sub("add")), id="nested-uppercase-name"),
    pytest.param(command(sub("add it")), "options.0.name", command(sub("add-it")), id="nested-name-space"),
    pytest.param(
        command(sub("add", option("Topic"))),
        "options.0.options.0.name",
        command(sub("add", option("topic"))),
        id="deep-uppercase-name",
    ),
    pytest.param(
        command(sub("add", option("t" * 33))),
        "options.0.options.0.name",
        command(sub("add", option("t" * 32))),
        id="deep-name-over-32",
    ),
    pytest.param(
        command(sub("add", option(description=""))),
        "options.0.options.0.description",
        command(sub("add", option(description="d"))),
        id="deep-empty-description",
    ),
    pytest.param(
        command(sub("add", description="d" * 101)),
        "options.0.description",
        command(sub("add", description="d" * 100)),
        id="nested-description-over-100",
    ),
    pytest.param(
        command(sub("add", *[option(f"o{n}") for n in range(26)])),
        "options.0.options",
        command(sub("add", *[option(f"o{n}") for n in range(25)])),
        id="over-25-nested-options",
    ),
    pytest.param(
        command(*[sub(f"s{n}") for n in range(26)]),
        "options",
        command(*[sub(f"s{n}") for n in range(25)]),
        id="over-25-subcommands",
    ),
    pytest.param(
        command(option(choices=choices(26))),
        "options.0.choices",
        command(option(choices=choices(25))),
        id="over-25-choices",
    ),
    pytest.param(
        command(option(choices=choices(1, name=101))),
        "options.0.choices.0.name",
        command(option(choices=choices(1, name=100))),
        id="choice-name-over-100",
    ),
    pytest.param(
        command(option(choices=choices(1, value=101))),
        "options.0.choices.0.value",
        command(option(choices=choices(1, value=100))),
        id="choice-value-over-100",
    ),
    pytest.param(
        command(option(choices=[{"name": "", "value": "v"}])),
        "options.0.choices.0.name",
        command(option(choices=[{"name": "n", "value": "v"}])),
        id="empty-choice-name",
    ),
    pytest.param(
        command(option("a"), option("b", required=True)),
        "options.1.required",
        command(option("b", required=True), option("a")),
        id="required-after-optional",
    ),
    pytest.param(
        command(sub("add", option("a"), option("a"))),
        "options.0.options.1.name",
        command(sub("add", option("a"), option("b"))),
        id="duplicate-option-names",
    ),
    pytest.param(
        command(sub("add"), option("topic")),
        "options",
        command(sub("add"), sub("topic")),
        id="subcommands-mixed-with-options",
    ),
    pytest.param(
        command({"type": GROUP, "name": "g", "description": "group", "options": [option()]}),
        "options.0.options.0.type",
        command({"type": GROUP, "name": "g", "description": "group", "options": [sub("add", option())]}),
        id="group-holding-an-option",
    ),
    pytest.param(
        command(sub("add", sub("deeper"))),
        "options.0.options.0.type",
        command(sub("add", option("deeper"))),
        id="subcommand-inside-subcommand",
    ),
    pytest.param(
        command(option(autocomplete=True, choices=choices(2))),
        "options.0.autocomplete",
        command(option(autocomplete=True)),
        id="autocomplete-with-choices",
    ),
    pytest.param(
        command(option(kind=INTEGER, min_length=1)),
        "options.0.min_length",
        command(option(kind=INTEGER, min_value=1)),
        id="min-length-on-integer",
    ),
    pytest.param(
        command(option(max_length=6001)),
        "options.0.max_length",
        command(option(max_length=6000)),
        id="max-length-over-6000",
    ),
    pytest.param(sized(8001), "", sized(8000), id="over-8000-characters"),
    pytest.param(
        command(option(kind=INTEGER, min_value=1, max_value=2**53)),
        "options.0.max_value",
        command(option(kind=INTEGER, min_value=1, max_value=2**53 - 1)),
        id="max-value-past-2-53",
    ),
    pytest.param(
        command(option(kind=INTEGER, min_value=-(2**53))),
        "options.0.min_value",
        command(option(kind=INTEGER, min_value=-(2**53 - 1))),
        id="min-value-past-minus-2-53",
    ),
]


@pytest.mark.parametrize(("refused", "path", "accepted"), CASES)
async def test_command_refusals(
    rest: Rest, emu: Emulator, guild: Json, refused: Json, path: str, accepted: Json
) -> None:
    app = f"/applications/{emu.application_id}"
    assert_refused(*await rest("POST", f"{app}/commands", refused), path)
    assert_accepted(*await rest("POST", f"{app}/commands", accepted))
    guild_url = f"{app}/guilds/{guild['id']}/commands"
    assert_refused(*await rest("PUT", guild_url, [accepted, refused]), f"1.{path}".rstrip("."))
    assert_accepted(*await rest("PUT", guild_url, [accepted]))


async def test_an_edit_is_checked_at_every_level(rest: Rest, emu: Emulator) -> None:
    url = f"/applications/{emu.application_id}/commands"
    status, created = await rest("POST", url, command(sub("add")))
    assert_accepted(status, created)
    edit = f"{url}/{created['id']}"
    assert_refused(*await rest("PATCH", edit, {"options": [sub("Add")]}), "options.0.name")
    assert_accepted(*await rest("PATCH", edit, {"options": [sub("list")]}))


def many(kind: int, count: int) -> list[Json]:
    if kind == 1:
        return [{"type": 1, "name": f"c{n}", "description": "d"} for n in range(count)]
    return [{"type": kind, "name": f"Context {n}"} for n in range(count)]


@pytest.mark.parametrize(("kind", "cap"), [(1, 100), (2, 15), (3, 15)], ids=["chat", "user", "message"])
async def test_commands_per_kind(rest: Rest, emu: Emulator, kind: int, cap: int) -> None:
    url = f"/applications/{emu.application_id}/commands"
    assert_refused(*await rest("PUT", url, many(kind, cap + 1)), "")
    assert_accepted(*await rest("PUT", url, many(kind, cap)))
    # The same cap for one more create; replacing one of the same name and type is no new command.
    status, data = await rest("POST", url, many(kind, cap + 1)[-1])
    assert (status, data["code"]) == (400, 30032), data
    assert_accepted(*await rest("POST", url, many(kind, 1)[0]))
    other = 2 if kind != 2 else 3
    assert_accepted(*await rest("POST", url, many(other, 1)[0]))


async def test_duplicate_names_in_a_bulk_overwrite(rest: Rest, emu: Emulator) -> None:
    url = f"/applications/{emu.application_id}/commands"
    same = [{"type": 1, "name": "a", "description": "d"}, {"type": 1, "name": "a", "description": "e"}]
    assert_refused(*await rest("PUT", url, same), "1.name")
    # A chat-input and a user command may share a name.
    assert_accepted(*await rest("PUT", url, [same[0], {"type": 2, "name": "a"}]))
