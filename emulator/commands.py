"""Build `data` of application command interactions from a control call and the registered schema."""

from __future__ import annotations

import math
from typing import Any

from emulator.errors import ControlError
from emulator.models import JSON
from emulator.resolved import Resolver, parse_id
from emulator.state import State

SUB_COMMAND, SUB_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3


def infer_type(value: Any) -> int:
    """Option type for an unregistered command: str→3, bool→5, int→4, float→10."""
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, dict) and "type" in value:
        return int(value["type"])
    return STRING


def _fake_command(state: State, name: str, type_: int) -> JSON:
    return {"id": str(state.ids.next()), "name": name, "type": type_}


def build_chat_input(
    state: State,
    resolver: Resolver,
    command_path: str,
    options: JSON,
    *,
    focused: str | None = None,
) -> JSON:
    """`data` for a slash command (or its autocomplete when `focused` names an option)."""
    words = command_path.split()
    if not words:
        raise ControlError("command is empty")
    guild_id = resolver.guild.id if resolver.guild else None
    command = state.find_command(guild_id, words[0], [CHAT_INPUT])
    data: JSON = {
        "id": command["id"] if command else str(state.ids.next()),
        "name": words[0],
        "type": CHAT_INPUT,
    }
    if command and command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    schema: list[JSON] | None = command.get("options", []) if command else None
    container = data
    for depth, word in enumerate(words[1:], start=1):
        if schema is not None:
            sub = next(
                (o for o in schema if o["name"] == word and o["type"] in (SUB_COMMAND, SUB_GROUP)), None
            )
            if sub is None:
                raise ControlError(f"/{' '.join(words[:depth])} has no subcommand {word!r}")
            sub_type = sub["type"]
            schema = sub.get("options", [])
        else:
            sub_type = SUB_GROUP if depth < len(words) - 1 else SUB_COMMAND
        entry: JSON = {"name": word, "type": sub_type, "options": []}
        container.setdefault("options", []).append(entry)
        container = entry
    if schema is not None and any(o["type"] in (SUB_COMMAND, SUB_GROUP) for o in schema):
        names = ", ".join(o["name"] for o in schema)
        raise ControlError(f"/{command_path} needs a subcommand: {names}")
    leaf = _leaf_options(resolver, schema, options, focused, command_path)
    container.setdefault("options", []).extend(leaf)
    if resolver.data:
        data["resolved"] = resolver.data
    return data


def _leaf_options(
    resolver: Resolver, schema: list[JSON] | None, options: JSON, focused: str | None, path: str
) -> list[JSON]:
    out: list[JSON] = []
    given = dict(options)
    if focused is not None and focused not in given:
        given[focused] = ""
    known = {o["name"]: o for o in schema} if schema is not None else {}
    for name, raw in given.items():
        if schema is not None and name not in known:
            raise ControlError(f"/{path} has no option {name!r} (has: {', '.join(known) or 'none'})")
        spec = known.get(name) or {"name": name, "type": infer_type(raw)}
        value = (
            raw["value"] if isinstance(raw, dict) and "value" in raw and spec["type"] != ATTACHMENT else raw
        )
        option: JSON = {"name": name, "type": spec["type"]}
        if name == focused:
            option["value"] = value if isinstance(value, str | int | float) else str(value)
            option["focused"] = True
        else:
            option["value"] = convert_option(resolver, spec, value, path)
        out.append(option)
    if schema is not None and focused is None:
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
        if missing:
            raise ControlError(f"/{path} is missing required option(s): {', '.join(missing)}")
    return out


OPTION_NUMBER_MAX = 2**53 - 1  # Discord: integer and number options lie within ±(2^53 - 1)


def convert_option(resolver: Resolver, spec: JSON, value: Any, path: str) -> Any:
    """Type-check a value against an option schema and resolve snowflake options."""
    kind = spec["type"]
    name = spec["name"]
    where = f"/{path} option {name!r}"
    if kind == STRING:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ControlError(f"{where}: expected a string, got {value!r}")
        text = str(value)
        if spec.get("min_length") is not None and len(text) < spec["min_length"]:
            raise ControlError(f"{where}: shorter than min_length {spec['min_length']}")
        if spec.get("max_length") is not None and len(text) > spec["max_length"]:
            raise ControlError(f"{where}: longer than max_length {spec['max_length']}")
        _check_choices(spec, text, where)
        return text
    if kind in (INTEGER, NUMBER):
        number = _number(value, kind == INTEGER, where)
        if abs(number) > OPTION_NUMBER_MAX:
            raise ControlError(f"{where}: outside Discord's range of ±(2^53 - 1) for a number option")
        if spec.get("min_value") is not None and number < spec["min_value"]:
            raise ControlError(f"{where}: below min_value {spec['min_value']}")
        if spec.get("max_value") is not None and number > spec["max_value"]:
            raise ControlError(f"{where}: above max_value {spec['max_value']}")
        _check_choices(spec, number, where)
        return number
    if kind == BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ControlError(f"{where}: expected a boolean, got {value!r}")
    if kind == ATTACHMENT:
        return resolver.attachment(value)
    target = parse_id(value, where)
    if kind == USER:
        resolver.user(target)
    elif kind == ROLE:
        resolver.role(target)
    elif kind == MENTIONABLE:
        resolver.mentionable(target)
    elif kind == CHANNEL:
        resolver.guild_channel(target, spec.get("channel_types"))
    else:
        raise ControlError(f"{where}: unsupported option type {kind}")
    return str(target)


def _number(value: Any, integer: bool, where: str) -> int | float:
    if isinstance(value, bool):
        raise ControlError(f"{where}: expected a number, got {value!r}")
    try:
        number = float(value) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise ControlError(f"{where}: expected a number, got {value!r}") from None
    if integer:
        if isinstance(number, float) and not number.is_integer():
            raise ControlError(f"{where}: expected an integer, got {value!r}")
        return int(number)
    if isinstance(number, float) and not math.isfinite(number):
        raise ControlError(f"{where}: expected a finite number")
    return float(number)


def _check_choices(spec: JSON, value: Any, where: str) -> None:
    choices = spec.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        allowed = ", ".join(repr(c["value"]) for c in choices)
        raise ControlError(f"{where}: {value!r} is not one of the choices ({allowed})")


def build_context_menu(state: State, resolver: Resolver, name: str, target_id: int) -> JSON:
    """`data` for a user (type 2) or message (type 3) context menu command."""
    guild_id = resolver.guild.id if resolver.guild else None
    command = state.find_command(guild_id, name, [USER_COMMAND, MESSAGE_COMMAND])
    if command is not None:
        kind = int(command["type"])
    else:
        kind = MESSAGE_COMMAND if target_id in state.messages else USER_COMMAND
        command = _fake_command(state, name, kind)
    if kind == MESSAGE_COMMAND:
        resolver.message(target_id)
    else:
        resolver.user(target_id)
    data: JSON = {
        "id": command["id"],
        "name": name,
        "type": kind,
        "target_id": str(target_id),
        "resolved": resolver.data,
    }
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    return data
