"""Discord's rules for application commands (create, edit and bulk overwrite), at every nesting level.

From Discord's documentation (interactions/application-commands): names 1-32 (chat-input and option names
match `^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$` and use lowercase where a letter has it), descriptions
1-100, at most 25 options or choices per level, choice names 1-100 and string values up to 100, required
options before optional ones, unique option names per level, subcommands and groups never mixed with other
options, groups holding only subcommands, `autocomplete` never with `choices`, min/max_value only on
integer/number options, min/max_length (0-6000 / 1-6000) only on strings, 8000 characters per chat-input
command, and 100 chat-input, 15 user and 15 message commands per scope.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from emulator.errors import ApiError
from emulator.limits import ErrorTree
from emulator.models import JSON

CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3
SUB_COMMAND, SUB_GROUP = 1, 2
STRING, INTEGER, NUMBER = 3, 4, 10
OPTION_TYPES = range(1, 12)
NAME_MAX = 32
DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
CHOICES_MAX = 25
CHOICE_TEXT_MAX = 100
STRING_LENGTH_MAX = 6000
COMMAND_SIZE_MAX = 8000
NUMBER_MAX = 2**53 - 1  # min_value / max_value of an integer or number option
COMMANDS_MAX = {CHAT_INPUT: 100, USER_COMMAND: 15, MESSAGE_COMMAND: 15}
MAX_COMMANDS_REACHED = 30032


def valid_chat_name(name: str) -> bool:
    """Discord's chat-input name regex, and lowercase wherever a letter has a lowercase form."""
    if not 1 <= len(name) <= NAME_MAX or any(ch.lower() != ch for ch in name):
        return False
    # \p{L} and \p{N} are the Unicode categories L* and N*; the two scripts add their combining marks.
    return all(ch in "-_'" or unicodedata.category(ch)[0] in "LN" or _indic_mark(ch) for ch in name)


def _indic_mark(ch: str) -> bool:
    """Devanagari and Thai combining marks (allowed by the regex's script classes)."""
    return 0x0900 <= ord(ch) <= 0x097F or 0x0E00 <= ord(ch) <= 0x0E7F


def _localized(longest: int, localizations: Any) -> int:
    if isinstance(localizations, dict):
        for value in localizations.values():
            if isinstance(value, str):
                longest = max(longest, len(value))
    return longest


def _field_size(item: JSON, key: str) -> int:
    """Characters a field counts toward the 8000: the longest of the default and its localizations."""
    value = item.get(key)
    base = len(value) if isinstance(value, str) else len(str(value)) if value is not None else 0
    return _localized(base, item.get(f"{key}_localizations"))


def command_size(body: JSON) -> int:
    """Combined name, description and value characters of a command, its options and choices."""

    def options_size(options: Any) -> int:
        total = 0
        for option in options if isinstance(options, list) else []:
            if not isinstance(option, dict):
                continue
            total += _field_size(option, "name") + _field_size(option, "description")
            for choice in option.get("choices") or []:
                if isinstance(choice, dict):
                    total += _field_size(choice, "name") + _field_size(choice, "value")
            total += options_size(option.get("options"))
        return total

    return _field_size(body, "name") + _field_size(body, "description") + options_size(body.get("options"))


def _check_localizations(errors: ErrorTree, path: str, item: JSON, key: str, high: int, chat: bool) -> None:
    values = item.get(f"{key}_localizations")
    if values is None:
        return
    if not isinstance(values, dict):
        errors.add(f"{path}{key}_localizations", "Must be an object.", "DICT_TYPE_CONVERT")
        return
    for locale, value in values.items():
        where = f"{path}{key}_localizations.{locale}"
        if not isinstance(value, str) or not 1 <= len(value) <= high:
            errors.bad_length(where, 1, high)
        elif key == "name" and chat and not valid_chat_name(value):
            errors.add(where, "Command name is invalid", "APPLICATION_COMMAND_INVALID_NAME")


def _check_name(errors: ErrorTree, path: str, item: JSON, chat: bool) -> None:
    name = item.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= NAME_MAX:
        errors.bad_length(f"{path}name", 1, NAME_MAX)
    elif chat and not valid_chat_name(name):
        errors.add(f"{path}name", "Command name is invalid", "APPLICATION_COMMAND_INVALID_NAME")
    _check_localizations(errors, path, item, "name", NAME_MAX, chat)


def _check_description(errors: ErrorTree, path: str, item: JSON) -> None:
    description = item.get("description")
    if not isinstance(description, str) or not 1 <= len(description) <= DESCRIPTION_MAX:
        errors.bad_length(f"{path}description", 1, DESCRIPTION_MAX)
    _check_localizations(errors, path, item, "description", DESCRIPTION_MAX, True)


def check_command(errors: ErrorTree, body: Any, path: str = "") -> None:
    """One command body; errors go under `path` (e.g. "3." for item 3 of a bulk overwrite)."""
    if not isinstance(body, dict):
        errors.add(path.rstrip("."), "Must be an object.", "DICT_TYPE_CONVERT")
        return
    kind = body.get("type", CHAT_INPUT)
    if kind is None:
        kind = CHAT_INPUT
    chat = kind == CHAT_INPUT
    _check_name(errors, path, body, chat)
    if not chat:
        return
    _check_description(errors, path, body)
    _check_options(errors, f"{path}options", body.get("options"), depth=0)
    size = command_size(body)
    if size > COMMAND_SIZE_MAX:
        errors.add(
            path.rstrip("."),
            f"Command exceeds maximum size ({COMMAND_SIZE_MAX})",
            "APPLICATION_COMMAND_TOO_LARGE",
        )


def _check_options(errors: ErrorTree, path: str, options: Any, depth: int, parent: int = 0) -> None:
    """One level of options. depth 0: the command's own; 1: a group's or top subcommand's; 2: deepest."""
    if options is None:
        return
    if not isinstance(options, list):
        errors.add(path, "Must be an array.", "BASE_TYPE_ARRAY")
        return
    errors.check_len(path, options, OPTIONS_MAX)
    items = [o for o in options if isinstance(o, dict)]
    nested = [o for o in items if o.get("type") in (SUB_COMMAND, SUB_GROUP)]
    if nested and len(nested) != len(items):
        errors.add(
            path,
            "Sub-command and sub-command group option types are mutually exclusive to all other types",
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
        )
    seen: set[str] = set()
    optional_seen = False
    for i, option in enumerate(options):
        p = f"{path}.{i}."
        if not isinstance(option, dict):
            errors.add(f"{path}.{i}", "Must be an object.", "DICT_TYPE_CONVERT")
            continue
        kind = option.get("type")
        if kind not in OPTION_TYPES:
            errors.check_choice(f"{p}type", kind if kind is not None else "", tuple(OPTION_TYPES))
            continue
        _check_name(errors, p, option, True)
        _check_description(errors, p, option)
        name = option.get("name")
        if isinstance(name, str):
            if name in seen:
                errors.add(
                    f"{p}name", "Option names must be unique", "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME"
                )
            seen.add(name)
        if parent == SUB_GROUP and kind != SUB_COMMAND:
            errors.add(
                f"{p}type",
                "Sub-command groups can only hold sub-commands",
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            )
        if kind in (SUB_COMMAND, SUB_GROUP):
            if parent == SUB_COMMAND or (kind == SUB_GROUP and depth > 0) or depth > 1:
                errors.add(
                    f"{p}type",
                    "Sub-commands nest at most as group → sub-command",
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                )
                continue
            for key in ("choices", "min_value", "max_value", "min_length", "max_length", "autocomplete"):
                if option.get(key) is not None:
                    errors.add(f"{p}{key}", f"Not allowed on this option type ({kind}).")
            _check_options(errors, f"{p}options", option.get("options"), depth + 1, kind)
            continue
        if option.get("options"):
            errors.add(f"{p}options", "Only sub-commands and groups hold options.")
        if option.get("required"):
            if optional_seen:
                errors.add(
                    f"{p}required",
                    "Required options must be placed before non-required options",
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                )
        else:
            optional_seen = True
        _check_value_rules(errors, p, option, int(kind or 0))


def _check_value_rules(errors: ErrorTree, p: str, option: JSON, kind: int) -> None:
    choices = option.get("choices")
    if choices is not None:
        if kind not in (STRING, INTEGER, NUMBER):
            errors.add(f"{p}choices", f"Not allowed on this option type ({kind}).")
        elif not isinstance(choices, list):
            errors.add(f"{p}choices", "Must be an array.", "BASE_TYPE_ARRAY")
        else:
            errors.check_len(f"{p}choices", choices, CHOICES_MAX)
            for j, choice in enumerate(choices):
                _check_choice(errors, f"{p}choices.{j}.", choice, kind)
    if option.get("autocomplete"):
        if kind not in (STRING, INTEGER, NUMBER):
            errors.add(f"{p}autocomplete", f"Not allowed on this option type ({kind}).")
        elif choices:
            errors.add(
                f"{p}autocomplete",
                "Autocomplete cannot be used with choices",
                "APPLICATION_COMMAND_OPTIONS_AUTOCOMPLETE_WITH_CHOICES",
            )
    for key in ("min_value", "max_value"):
        value = option.get(key)
        if value is None:
            continue
        if kind not in (INTEGER, NUMBER):
            errors.add(f"{p}{key}", f"Not allowed on this option type ({kind}).")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            errors.add(f"{p}{key}", "Value is not a number.", "NUMBER_TYPE_COERCE")
        elif value > NUMBER_MAX:
            errors.add(
                f"{p}{key}", f"float value should be less than or equal to {NUMBER_MAX}.", "NUMBER_TYPE_MAX"
            )
        elif value < -NUMBER_MAX:
            errors.add(
                f"{p}{key}",
                f"float value should be greater than or equal to {-NUMBER_MAX}.",
                "NUMBER_TYPE_MIN",
            )
    for key, low in (("min_length", 0), ("max_length", 1)):
        value = option.get(key)
        if value is None:
            continue
        if kind != STRING:
            errors.add(f"{p}{key}", f"Not allowed on this option type ({kind}).")
        else:
            errors.check_int(f"{p}{key}", value, low, STRING_LENGTH_MAX)


def _check_choice(errors: ErrorTree, p: str, choice: Any, kind: int) -> None:
    if not isinstance(choice, dict):
        errors.add(p.rstrip("."), "Must be an object.", "DICT_TYPE_CONVERT")
        return
    name = choice.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_TEXT_MAX:
        errors.bad_length(f"{p}name", 1, CHOICE_TEXT_MAX)
    _check_localizations(errors, p, choice, "name", CHOICE_TEXT_MAX, False)
    value = choice.get("value")
    if kind == STRING:
        errors.check_text(f"{p}value", value if value is not None else 0, CHOICE_TEXT_MAX)
    elif (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (kind == INTEGER and isinstance(value, float) and not value.is_integer())
    ):
        errors.add(f"{p}value", "Value is not a number.", "NUMBER_TYPE_COERCE")


def _kind(body: Any) -> Any:
    kind = body.get("type", CHAT_INPUT) if isinstance(body, dict) else None
    return CHAT_INPUT if kind is None else kind


def validate_one(body: JSON) -> None:
    """POST or PATCH of one command (the PATCH body merged over the stored command)."""
    errors = ErrorTree()
    check_command(errors, body)
    errors.raise_if_any()


def validate_bulk(bodies: list[Any]) -> None:
    """PUT bulk overwrite: every command, unique names per type, and the per-type caps."""
    errors = ErrorTree()
    names: set[tuple[Any, Any]] = set()
    for i, body in enumerate(bodies):
        check_command(errors, body, f"{i}.")
        if isinstance(body, dict):
            key = (_kind(body), body.get("name"))
            if key in names:
                errors.add(
                    f"{i}.name",
                    "Application command names must be unique",
                    "APPLICATION_COMMAND_NAME_ALREADY_EXISTS",
                )
            names.add(key)
    for kind, cap in COMMANDS_MAX.items():
        if sum(1 for body in bodies if _kind(body) == kind) > cap:
            errors.add("", f"Maximum number of application commands reached ({cap})", "BASE_TYPE_MAX_LENGTH")
    errors.raise_if_any()


def check_room(existing: Iterable[JSON], body: JSON) -> None:
    """A single create that adds a command (not one replacing a same-name, same-type one) needs room."""
    kind = _kind(body)
    same_kind = [c for c in existing if _kind(c) == kind]
    if any(c.get("name") == body.get("name") for c in same_kind):
        return
    cap = COMMANDS_MAX.get(kind)
    if cap is not None and len(same_kind) >= cap:
        raise ApiError(400, MAX_COMMANDS_REACHED, f"Maximum number of application commands reached ({cap})")
