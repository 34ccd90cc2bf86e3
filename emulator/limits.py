"""Payload limits Discord enforces, reported as 400 50035 with Discord's nested error tree."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

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
STICKERS_MAX = 3
ATTACHMENTS_MAX = 10
MENTION_IDS_MAX = 100
NONCE_MAX = 25
MENTION_PARSE_TYPES = ("users", "roles", "everyone")
EMBED_COLOUR_MAX = 0xFFFFFF
BUTTON_STYLES = range(1, 7)
LINK_STYLE, PREMIUM_STYLE = 5, 6
BUTTON_URL_MAX = 512
SELECT_MAX_VALUES_MIN = 1
TEXT_INPUT_STYLES = (1, 2)
TEXT_INPUT_LENGTH_MAX = 4000

_SELECT_TYPES = frozenset({3, 5, 6, 7, 8})


class ErrorTree:
    """Collects errors at dotted paths and renders Discord's `errors` object."""

    def __init__(self) -> None:
        self.tree: JSON = {}

    def add(self, path: str, message: str, code: str = "BASE_TYPE_INVALID") -> None:
        """One error at a dotted path; the empty path is the body itself (Discord's root `_errors`)."""
        node = self.tree
        for part in path.split(".") if path else []:
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def too_long(self, path: str, limit: int) -> None:
        self.add(path, f"Must be {limit} or fewer in length.", "BASE_TYPE_MAX_LENGTH")

    def check_len(self, path: str, value: Any, limit: int) -> None:
        if isinstance(value, str | list) and len(value) > limit:
            self.too_long(path, limit)

    def check_text(self, path: str, value: Any, limit: int) -> None:
        """A string of at most `limit` characters; absent (None) passes."""
        if value is None:
            return
        if not isinstance(value, str):
            self.add(path, "Could not interpret value as string.", "BASE_TYPE_STRING")
        else:
            self.check_len(path, value, limit)

    def bad_length(self, path: str, low: int, high: int) -> None:
        self.add(path, f"Must be between {low} and {high} in length.", "BASE_TYPE_BAD_LENGTH")

    def check_between(self, path: str, value: Any, low: int, high: int) -> None:
        """A string (or list) whose length must be `low`..`high`; absent (None) passes."""
        if isinstance(value, str | list) and not low <= len(value) <= high:
            self.bad_length(path, low, high)

    def check_int(self, path: str, value: Any, low: int, high: int) -> None:
        """An integer in `low`..`high`; absent (None) passes."""
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.lstrip("-").isdigit():
                value = int(value)
            else:
                self.add(path, "Value is not int.", "NUMBER_TYPE_COERCE")
                return
        if value > high:
            self.add(path, f"int value should be less than or equal to {high}.", "NUMBER_TYPE_MAX")
        elif value < low:
            self.add(path, f"int value should be greater than or equal to {low}.", "NUMBER_TYPE_MIN")

    def check_choice(self, path: str, value: Any, allowed: Any) -> None:
        """A value that must be one of `allowed`; absent (None) passes."""
        if value is not None and value not in allowed:
            shown = ", ".join(repr(a) for a in allowed)
            self.add(path, f"Value must be one of ({shown}).", "BASE_TYPE_CHOICES")

    def raise_if_any(self) -> None:
        if self.tree:
            raise invalid_form(self.tree)


def validate_message(body: JSON, *, require_content: bool = True) -> None:
    """Content, embeds and components of a message body (create or edit)."""
    errors = ErrorTree()
    errors.check_text("content", body.get("content"), CONTENT_MAX)
    embeds = body.get("embeds")
    if embeds is None and isinstance(body.get("embed"), dict):
        embeds = [body["embed"]]
    if embeds is not None:
        _check_embeds(errors, embeds)
    components = body.get("components")
    v2 = bool(int(body.get("flags") or 0) & IS_COMPONENTS_V2)
    if components:
        if v2:
            _check_v2(errors, components)
        else:
            _check_rows(errors, components)
    if v2:
        for key in ("content", "embeds", "sticker_ids", "poll"):
            if body.get(key):
                errors.add(
                    key,
                    f"The '{key}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                )
    errors.check_len("sticker_ids", body.get("sticker_ids"), STICKERS_MAX)
    errors.check_len("attachments", body.get("attachments"), ATTACHMENTS_MAX)
    mentions = body.get("allowed_mentions")
    if mentions is not None:
        check_allowed_mentions(errors, mentions)
    nonce = body.get("nonce")
    if isinstance(nonce, str):
        errors.check_len("nonce", nonce, NONCE_MAX)
    elif nonce is not None and (isinstance(nonce, bool) or not isinstance(nonce, int)):
        errors.add("nonce", "Could not interpret value as string or integer.", "BASE_TYPE_NONCE")
    errors.raise_if_any()


def check_allowed_mentions(errors: ErrorTree, mentions: Any, path: str = "allowed_mentions") -> None:
    """`parse` values, and `parse: ["users"]` (or roles) never together with an id list of that kind."""
    if not isinstance(mentions, dict):
        errors.add(path, "Must be an object.", "DICT_TYPE_CONVERT")
        return
    parse = mentions.get("parse")
    if parse is not None and not isinstance(parse, list):
        errors.add(f"{path}.parse", "Must be an array.", "BASE_TYPE_ARRAY")
        parse = None
    for i, item in enumerate(parse or []):
        errors.check_choice(f"{path}.parse.{i}", item, MENTION_PARSE_TYPES)
    for key in ("users", "roles"):
        ids = mentions.get(key)
        if ids is None:
            continue
        if not isinstance(ids, list):
            errors.add(f"{path}.{key}", "Must be an array.", "BASE_TYPE_ARRAY")
            continue
        errors.check_len(f"{path}.{key}", ids, MENTION_IDS_MAX)
        if ids and key in (parse or []):
            errors.add(
                path,
                f'parse:["{key}"] and {key}: [ids] are mutually exclusive.',
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
            )


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
        _check_embed_extras(errors, p, embed)
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


def _check_embed_extras(errors: ErrorTree, p: str, embed: JSON) -> None:
    """Colour range, URL schemes and the ISO8601 timestamp of one embed."""
    errors.check_int(f"{p}.color", embed.get("color"), 0, EMBED_COLOUR_MAX)
    media = ("http", "https", "attachment")
    urls: list[tuple[str, Any, tuple[str, ...]]] = [(f"{p}.url", embed.get("url"), media)]
    for part in ("image", "thumbnail"):
        sub = embed.get(part)
        if isinstance(sub, dict):
            urls.append((f"{p}.{part}.url", sub.get("url"), media))
    author = embed.get("author")
    if isinstance(author, dict):
        urls.append((f"{p}.author.url", author.get("url"), ("http", "https")))
        urls.append((f"{p}.author.icon_url", author.get("icon_url"), media))
    footer = embed.get("footer")
    if isinstance(footer, dict):
        urls.append((f"{p}.footer.icon_url", footer.get("icon_url"), media))
    for path, url, schemes in urls:
        if url is not None:
            check_url(errors, path, url, schemes)
    stamp = embed.get("timestamp")
    if stamp is not None and not _is_iso8601(stamp):
        errors.add(f"{p}.timestamp", f"Could not parse {stamp}. Should be ISO8601.", "DATE_TIME_TYPE_PARSE")


def check_url(errors: ErrorTree, path: str, url: Any, schemes: tuple[str, ...]) -> None:
    """A well formed URL (scheme and, for http(s), a host) with one of `schemes`."""
    if not isinstance(url, str):
        errors.add(path, "Could not interpret value as string.", "BASE_TYPE_STRING")
        return
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or not parts.scheme or not (parts.netloc or parts.scheme == "attachment"):
        errors.add(path, "Not a well formed URL.", "URL_TYPE_INVALID_URL")
    elif parts.scheme.lower() not in schemes:
        shown = ", ".join(repr(s) for s in schemes)
        errors.add(
            path,
            f'Scheme "{parts.scheme}" is not supported. Scheme must be one of ({shown}).',
            "URL_TYPE_INVALID_SCHEME",
        )


def _is_iso8601(value: Any) -> bool:
    if not isinstance(value, str) or len(value) < 10:
        return False
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        datetime.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


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
        _check_button(errors, p, comp)
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
                for key in ("label", "value"):
                    if not opt.get(key):
                        errors.bad_length(f"{p}.options.{k}.{key}", 1, OPTION_TEXT_MAX)
                for key in ("label", "value", "description"):
                    errors.check_len(f"{p}.options.{k}.{key}", opt.get(key), OPTION_TEXT_MAX)
        errors.check_int(f"{p}.min_values", comp.get("min_values"), 0, SELECT_OPTIONS_MAX)
        errors.check_int(f"{p}.max_values", comp.get("max_values"), SELECT_MAX_VALUES_MIN, SELECT_OPTIONS_MAX)
        low, high = _int_or(comp.get("min_values"), 1), _int_or(comp.get("max_values"), 1)
        if low is not None and high is not None and low > high:
            errors.add(
                f"{p}.min_values",
                "min_values must be less than or equal to max_values.",
                "SELECT_COMPONENT_MIN_VALUES_GREATER_THAN_MAX_VALUES",
            )
        if ctype == 3 and options and int(comp.get("max_values") or 1) > len(options):
            errors.add(f"{p}.max_values", f"Must be less than or equal to {len(options)}.", "NUMBER_TYPE_MAX")
    elif ctype == 4:
        _check_text_input(errors, p, comp)
        if not custom_id:
            errors.add(f"{p}.custom_id", "This field is required", "BASE_TYPE_REQUIRED")


def _int_or(value: Any, default: int) -> int | None:
    """An int field's value (its default when absent), or None when it is not an integer at all."""
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _check_button(errors: ErrorTree, p: str, comp: JSON) -> None:
    """Styles 1-6; link buttons need a url and no custom_id; premium ones an sku_id and nothing else."""
    errors.check_len(f"{p}.label", comp.get("label"), BUTTON_LABEL_MAX)
    style = comp.get("style")
    if style not in BUTTON_STYLES:
        errors.check_choice(f"{p}.style", style if style is not None else "", tuple(BUTTON_STYLES))
        return
    custom_id, url = comp.get("custom_id"), comp.get("url")
    if style == LINK_STYLE:
        if not url:
            errors.add(f"{p}.url", "This field is required", "BASE_TYPE_REQUIRED")
        errors.check_len(f"{p}.url", url, BUTTON_URL_MAX)
        if custom_id is not None:
            errors.add(
                f"{p}.custom_id",
                "A link button cannot have a custom_id.",
                "BUTTON_COMPONENT_CUSTOM_ID_WITH_URL",
            )
    elif style == PREMIUM_STYLE:
        if not comp.get("sku_id"):
            errors.add(f"{p}.sku_id", "This field is required", "BASE_TYPE_REQUIRED")
        for key in ("custom_id", "label", "url", "emoji"):
            if comp.get(key) is not None:
                errors.add(
                    f"{p}.{key}", f"A premium button cannot have a {key}.", "BUTTON_COMPONENT_PREMIUM_INVALID"
                )
    else:
        if not custom_id:
            errors.add(f"{p}.custom_id", "This field is required", "BASE_TYPE_REQUIRED")
        if url is not None:
            errors.add(
                f"{p}.url", "Only link buttons can have a url.", "BUTTON_COMPONENT_URL_WITHOUT_LINK_STYLE"
            )


def _check_text_input(errors: ErrorTree, p: str, comp: JSON) -> None:
    """Style 1 or 2, lengths 0-4000 / 1-4000 with min <= max, a pre-filled value within max_length."""
    errors.check_len(f"{p}.label", comp.get("label"), TEXT_INPUT_LABEL_MAX)
    if comp.get("label") == "":
        errors.bad_length(f"{p}.label", 1, TEXT_INPUT_LABEL_MAX)
    errors.check_len(f"{p}.placeholder", comp.get("placeholder"), OPTION_TEXT_MAX)
    errors.check_len(f"{p}.value", comp.get("value"), TEXT_INPUT_VALUE_MAX)
    style = comp.get("style")
    if style not in TEXT_INPUT_STYLES:
        errors.check_choice(f"{p}.style", style if style is not None else "", TEXT_INPUT_STYLES)
    errors.check_int(f"{p}.min_length", comp.get("min_length"), 0, TEXT_INPUT_LENGTH_MAX)
    errors.check_int(f"{p}.max_length", comp.get("max_length"), 1, TEXT_INPUT_LENGTH_MAX)
    low = _int_or(comp.get("min_length"), 0)
    high = _int_or(comp.get("max_length"), TEXT_INPUT_LENGTH_MAX)
    if low is not None and high is not None:
        if low > high:
            errors.add(
                f"{p}.min_length",
                "min_length must be less than or equal to max_length.",
                "TEXT_INPUT_COMPONENT_MIN_LENGTH_GREATER_THAN_MAX_LENGTH",
            )
        value = comp.get("value")
        if isinstance(value, str) and len(value) > high and high < TEXT_INPUT_VALUE_MAX:
            errors.too_long(f"{p}.value", high)


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
            children = comp.get("components") or []
            if len(children) != 1:
                errors.add(
                    f"{p}.components",
                    "A modal action row holds exactly one text input.",
                    "BASE_TYPE_BAD_LENGTH",
                )
            for j, child in enumerate(children):
                if child.get("type") != 4:
                    errors.add(f"{p}.components.{j}.type", "Only text inputs go in modal action rows.")
                _check_interactive(errors, f"{p}.components.{j}", child, seen)
        elif ctype == 18:
            label = comp.get("label")
            if not isinstance(label, str) or not 1 <= len(label) <= TEXT_INPUT_LABEL_MAX:
                errors.bad_length(f"{p}.label", 1, TEXT_INPUT_LABEL_MAX)
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
        errors.check_between(f"data.choices.{i}.name", choice.get("name") or "", 1, OPTION_TEXT_MAX)
        value = choice.get("value")
        if isinstance(value, str):
            errors.check_len(f"data.choices.{i}.value", value, OPTION_TEXT_MAX)
    errors.raise_if_any()
