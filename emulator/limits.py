"""Payload limits Discord enforces, reported as 400 50035 with Discord's nested error tree."""

from __future__ import annotations

from typing import Any

from emulator.errors import JSON, ApiError, invalid_form

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
SELECT_OPTIONS_MAX = 25
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_PLACEHOLDER_MAX = 150
OPTION_TEXT_MAX = 100
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_VALUE_MAX = 4000
LABEL_DESCRIPTION_MAX = 100
AUTOCOMPLETE_CHOICES_MAX = 25
V2_COMPONENTS_MAX = 40
V2_TEXT_MAX = 4000
IS_COMPONENTS_V2 = 1 << 15

_SELECT_TYPES = frozenset({3, 5, 6, 7, 8})


class ErrorTree:
    """Collects errors at dotted paths and renders Discord's `errors` object."""

    def __init__(self) -> None:
        self.tree: JSON = {}

    def add(self, path: str, message: str, code: str = "BASE_TYPE_INVALID") -> None:
        node = self.tree
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def too_long(self, path: str, limit: int) -> None:
        self.add(path, f"Must be {limit} or fewer in length.", "BASE_TYPE_MAX_LENGTH")

    def check_len(self, path: str, value: Any, limit: int) -> None:
        if isinstance(value, str | list) and len(value) > limit:
            self.too_long(path, limit)

    def raise_if_any(self) -> None:
        if self.tree:
            raise invalid_form(self.tree)


def validate_message(body: JSON, *, require_content: bool = True) -> None:
    """Content, embeds and components of a message body (create or edit)."""
    errors = ErrorTree()
    content = body.get("content")
    if content is not None and not isinstance(content, str):
        errors.add("content", "Could not interpret value as string.", "BASE_TYPE_STRING")
    errors.check_len("content", content, CONTENT_MAX)
    embeds = body.get("embeds")
    if embeds is None and isinstance(body.get("embed"), dict):
        embeds = [body["embed"]]
    if embeds is not None:
        _check_embeds(errors, embeds)
    components = body.get("components")
    if components:
        if int(body.get("flags") or 0) & IS_COMPONENTS_V2:
            _check_v2(errors, components)
        else:
            _check_rows(errors, components)
    errors.raise_if_any()


def is_empty(body: JSON, files: int = 0) -> bool:
    """Whether a new message would have nothing to show."""
    keys = ("content", "embeds", "components", "sticker_ids", "poll", "attachments")
    return not files and not any(body.get(k) for k in keys)


def empty_message() -> ApiError:
    return ApiError(400, 50006, "Cannot send an empty message")


def _check_embeds(errors: ErrorTree, embeds: Any) -> None:
    if not isinstance(embeds, list):
        errors.add("embeds", "Must be an array.", "BASE_TYPE_ARRAY")
        return
    if len(embeds) > EMBEDS_MAX:
        errors.too_long("embeds", EMBEDS_MAX)
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            errors.add(f"embeds.{i}", "Must be an object.", "MODEL_TYPE_CONVERT")
            continue
        p = f"embeds.{i}"
        for key, limit in (("title", EMBED_TITLE_MAX), ("description", EMBED_DESCRIPTION_MAX)):
            errors.check_len(f"{p}.{key}", embed.get(key), limit)
            total += len(embed.get(key) or "")
        footer = embed.get("footer") or {}
        errors.check_len(f"{p}.footer.text", footer.get("text"), EMBED_FOOTER_MAX)
        total += len(footer.get("text") or "")
        author = embed.get("author") or {}
        errors.check_len(f"{p}.author.name", author.get("name"), EMBED_AUTHOR_MAX)
        total += len(author.get("name") or "")
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            errors.too_long(f"{p}.fields", EMBED_FIELDS_MAX)
        for j, fld in enumerate(fields):
            name, value = fld.get("name"), fld.get("value")
            if not name:
                errors.add(f"{p}.fields.{j}.name", "This field is required", "BASE_TYPE_REQUIRED")
            if not value:
                errors.add(f"{p}.fields.{j}.value", "This field is required", "BASE_TYPE_REQUIRED")
            errors.check_len(f"{p}.fields.{j}.name", name, EMBED_FIELD_NAME_MAX)
            errors.check_len(f"{p}.fields.{j}.value", value, EMBED_FIELD_VALUE_MAX)
            total += len(name or "") + len(value or "")
    if total > EMBED_TOTAL_MAX:
        errors.add(
            "embeds", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}", "MAX_EMBED_SIZE_EXCEEDED"
        )


def _check_rows(errors: ErrorTree, rows: Any) -> None:
    if not isinstance(rows, list):
        errors.add("components", "Must be an array.", "BASE_TYPE_ARRAY")
        return
    if len(rows) > ACTION_ROWS_MAX:
        errors.too_long("components", ACTION_ROWS_MAX)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        p = f"components.{i}"
        if not isinstance(row, dict) or row.get("type") != 1:
            errors.add(f"{p}.type", "Top-level components must be action rows.", "COMPONENT_TYPE_INVALID")
            continue
        children = row.get("components") or []
        if not children:
            errors.add(f"{p}.components", "Must be 1 or more in length.", "BASE_TYPE_MIN_LENGTH")
        selects = [c for c in children if c.get("type") in _SELECT_TYPES]
        if selects and len(children) > 1:
            errors.add(
                f"{p}.components",
                "The specified component exceeds the maximum width",
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            )
        elif len(children) > ROW_BUTTONS_MAX:
            errors.too_long(f"{p}.components", ROW_BUTTONS_MAX)
        for j, child in enumerate(children):
            _check_interactive(errors, f"{p}.components.{j}", child, seen)


def _check_interactive(errors: ErrorTree, p: str, comp: JSON, seen: set[str]) -> None:
    ctype = comp.get("type")
    custom_id = comp.get("custom_id")
    if isinstance(custom_id, str):
        errors.check_len(f"{p}.custom_id", custom_id, CUSTOM_ID_MAX)
        if custom_id in seen:
            errors.add(
                f"{p}.custom_id", "Component custom id cannot be duplicated", "COMPONENT_CUSTOM_ID_DUPLICATED"
            )
        seen.add(custom_id)
    if ctype == 2:
        errors.check_len(f"{p}.label", comp.get("label"), BUTTON_LABEL_MAX)
        style = comp.get("style")
        if style == 5:
            if not comp.get("url"):
                errors.add(f"{p}.url", "This field is required", "BASE_TYPE_REQUIRED")
        elif style != 6 and not custom_id:
            errors.add(f"{p}.custom_id", "This field is required", "BASE_TYPE_REQUIRED")
    elif ctype in _SELECT_TYPES:
        if not custom_id:
            errors.add(f"{p}.custom_id", "This field is required", "BASE_TYPE_REQUIRED")
        errors.check_len(f"{p}.placeholder", comp.get("placeholder"), SELECT_PLACEHOLDER_MAX)
        options = comp.get("options") or []
        if ctype == 3:
            if not options:
                errors.add(f"{p}.options", "Must be 1 or more in length.", "BASE_TYPE_MIN_LENGTH")
            if len(options) > SELECT_OPTIONS_MAX:
                errors.too_long(f"{p}.options", SELECT_OPTIONS_MAX)
            for k, opt in enumerate(options):
                for key in ("label", "value", "description"):
                    errors.check_len(f"{p}.options.{k}.{key}", opt.get(key), OPTION_TEXT_MAX)
        for key in ("min_values", "max_values"):
            value = comp.get(key)
            if value is not None and not 0 <= int(value) <= SELECT_OPTIONS_MAX:
                errors.add(
                    f"{p}.{key}", f"int value should be <= {SELECT_OPTIONS_MAX} and >= 0.", "NUMBER_TYPE_MAX"
                )
        if ctype == 3 and options and int(comp.get("max_values") or 1) > len(options):
            errors.add(f"{p}.max_values", f"Must be less than or equal to {len(options)}.", "NUMBER_TYPE_MAX")
    elif ctype == 4:
        errors.check_len(f"{p}.label", comp.get("label"), TEXT_INPUT_LABEL_MAX)
        errors.check_len(f"{p}.placeholder", comp.get("placeholder"), OPTION_TEXT_MAX)
        errors.check_len(f"{p}.value", comp.get("value"), TEXT_INPUT_VALUE_MAX)
        if not custom_id:
            errors.add(f"{p}.custom_id", "This field is required", "BASE_TYPE_REQUIRED")


def _check_v2(errors: ErrorTree, components: list[JSON]) -> None:
    count = 0
    text = 0
    seen: set[str] = set()

    def walk(items: list[JSON], prefix: str) -> None:
        nonlocal count, text
        for i, comp in enumerate(items):
            count += 1
            p = f"{prefix}.{i}"
            if comp.get("type") == 10:
                text += len(comp.get("content") or "")
            _check_interactive(errors, p, comp, seen)
            if isinstance(comp.get("components"), list):
                walk(comp["components"], f"{p}.components")
            if isinstance(comp.get("accessory"), dict):
                count += 1
                _check_interactive(errors, f"{p}.accessory", comp["accessory"], seen)

    walk(components, "components")
    if count > V2_COMPONENTS_MAX:
        errors.too_long("components", V2_COMPONENTS_MAX)
    if text > V2_TEXT_MAX:
        errors.add(
            "components", f"Text content must be {V2_TEXT_MAX} or fewer in length.", "BASE_TYPE_MAX_LENGTH"
        )


def validate_modal(data: JSON) -> None:
    """Callback type 9 body: title, custom_id, components."""
    errors = ErrorTree()
    title = data.get("title")
    if not title:
        errors.add("data.title", "This field is required", "BASE_TYPE_REQUIRED")
    errors.check_len("data.title", title, MODAL_TITLE_MAX)
    if not data.get("custom_id"):
        errors.add("data.custom_id", "This field is required", "BASE_TYPE_REQUIRED")
    errors.check_len("data.custom_id", data.get("custom_id"), CUSTOM_ID_MAX)
    components = data.get("components") or []
    if not components:
        errors.add("data.components", "Must be 1 or more in length.", "BASE_TYPE_MIN_LENGTH")
    if len(components) > MODAL_COMPONENTS_MAX:
        errors.too_long("data.components", MODAL_COMPONENTS_MAX)
    seen: set[str] = set()
    for i, comp in enumerate(components):
        p = f"data.components.{i}"
        ctype = comp.get("type")
        if ctype == 1:
            for j, child in enumerate(comp.get("components") or []):
                if child.get("type") != 4:
                    errors.add(f"{p}.components.{j}.type", "Only text inputs go in modal action rows.")
                _check_interactive(errors, f"{p}.components.{j}", child, seen)
        elif ctype == 18:
            errors.check_len(f"{p}.label", comp.get("label"), TEXT_INPUT_LABEL_MAX)
            errors.check_len(f"{p}.description", comp.get("description"), LABEL_DESCRIPTION_MAX)
            inner = comp.get("component")
            if not isinstance(inner, dict):
                errors.add(f"{p}.component", "This field is required", "BASE_TYPE_REQUIRED")
            else:
                _check_interactive(errors, f"{p}.component", inner, seen)
        elif ctype != 10:
            errors.add(f"{p}.type", "Unsupported top-level modal component.", "COMPONENT_TYPE_INVALID")
    errors.raise_if_any()


def validate_choices(data: JSON) -> None:
    """Callback type 8 body: autocomplete choices."""
    errors = ErrorTree()
    choices = data.get("choices")
    if not isinstance(choices, list):
        errors.add("data.choices", "This field is required", "BASE_TYPE_REQUIRED")
        errors.raise_if_any()
        return
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        errors.too_long("data.choices", AUTOCOMPLETE_CHOICES_MAX)
    for i, choice in enumerate(choices):
        errors.check_len(f"data.choices.{i}.name", choice.get("name"), OPTION_TEXT_MAX)
        value = choice.get("value")
        if isinstance(value, str):
            errors.check_len(f"data.choices.{i}.value", value, OPTION_TEXT_MAX)
    errors.raise_if_any()
