"""Message components and modals: finding a clicked component, building select and modal submit data."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from emulator.errors import ControlError
from emulator.models import JSON
from emulator.resolved import Resolver

BUTTON, STRING_SELECT, TEXT_INPUT = 2, 3, 4
ENTITY_SELECTS = frozenset({5, 6, 7, 8})
SELECTS = frozenset({STRING_SELECT}) | ENTITY_SELECTS
LABEL, TEXT_DISPLAY, FILE_UPLOAD, RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX = 18, 10, 19, 21, 22, 23


def walk(components: list[JSON]) -> Iterator[JSON]:
    """Every component, depth first (rows, sections' accessories, containers, labels)."""
    for comp in components:
        yield comp
        if isinstance(comp.get("components"), list):
            yield from walk(comp["components"])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from walk([comp[key]])


def with_ids(components: list[JSON]) -> list[JSON]:
    """A copy of `components` in which each component without an `id` gets one, as Discord does.

    Discord numbers them sequentially from 1, depth first (a Label, then the input inside it), skipping the
    ids the app chose itself; the numbers come back in the submit interaction's components.
    """
    out = copy.deepcopy(components)
    taken = {c["id"] for c in walk(out) if isinstance(c.get("id"), int)}
    next_id = 1
    for comp in walk(out):
        if comp.get("id") is None:
            while next_id in taken:
                next_id += 1
            comp["id"] = next_id
            taken.add(next_id)
    return out


def find_component(components: list[JSON], custom_id: str) -> JSON | None:
    return next((c for c in walk(components) if c.get("custom_id") == custom_id), None)


def component_data(resolver: Resolver, comp: JSON, values: Any) -> JSON:
    """`data` of a component interaction for a button or select click."""
    ctype = int(comp["type"])
    if comp.get("disabled"):
        raise ControlError(f"component {comp['custom_id']!r} is disabled")
    data: JSON = {"custom_id": comp["custom_id"], "component_type": ctype}
    if comp.get("id") is not None:
        data["id"] = comp["id"]
    if ctype == BUTTON:
        if comp.get("style") == 5:
            raise ControlError("link buttons do not create interactions")
        return data
    if ctype not in SELECTS:
        raise ControlError(f"component type {ctype} is not interactive")
    data["values"] = select_values(resolver, comp, values)
    if ctype in ENTITY_SELECTS and resolver.data:
        data["resolved"] = resolver.data
    return data


def select_values(resolver: Resolver, comp: JSON, values: Any) -> list[str]:
    """Check a select's chosen values against its options and min/max; resolve entity selects."""
    if values is None:
        values = []
    if not isinstance(values, list):
        values = [values]
    ctype = int(comp["type"])
    low = comp.get("min_values", 1)
    high = comp.get("max_values", 1)
    label = comp.get("custom_id")
    if not low <= len(values) <= high:
        raise ControlError(f"select {label!r} takes {low}..{high} values, got {len(values)}")
    if ctype == STRING_SELECT:
        allowed = [str(o["value"]) for o in comp.get("options", [])]
        for value in values:
            if str(value) not in allowed:
                raise ControlError(
                    f"select {label!r} has no option {value!r} (options: {', '.join(allowed)})"
                )
        return [str(v) for v in values]
    return [resolver.entity(ctype, v, comp.get("channel_types")) for v in values]


def modal_fields(modal: JSON) -> list[JSON]:
    """A flat description of a modal's inputs: custom_id, label, type and constraints."""
    fields: list[JSON] = []
    for comp in modal.get("components", []):
        if comp.get("type") == 1:
            for child in comp.get("components", []):
                fields.append(_field(child, child.get("label")))
        elif comp.get("type") == LABEL and isinstance(comp.get("component"), dict):
            fields.append(_field(comp["component"], comp.get("label")))
    return fields


def _field(comp: JSON, label: str | None) -> JSON:
    keys = (
        "custom_id",
        "type",
        "style",
        "required",
        "min_length",
        "max_length",
        "value",
        "placeholder",
        "options",
    )
    out = {k: comp[k] for k in keys if k in comp}
    out["label"] = label
    return out


def modal_submit_components(resolver: Resolver, modal: JSON, values: JSON) -> list[JSON]:
    """The `components` of a modal submit, filled from values keyed by custom_id or label.

    Discord's shape for each layout: an action row gives `{type: 1, id, components: [{type: 4, id,
    custom_id, value}]}`, a Label gives `{type: 18, id, component: {type: 4, id, custom_id, value}}` (a
    select inside has `values` instead of `value`), a text display gives `{type: 10, id}`.
    """
    used: set[str] = set()

    def value_for(comp: JSON, label: str | None) -> Any:
        for key in (comp.get("custom_id"), label):
            if key is not None and key in values:
                used.add(key)
                return values[key]
        return None

    out: list[JSON] = []
    for top in modal.get("components", []):
        ttype = top.get("type")
        if ttype == 1:
            row = [
                _submit_one(resolver, c, value_for(c, c.get("label")), c.get("label"))
                for c in top["components"]
            ]
            entry: JSON = {"type": 1}
            if top.get("id") is not None:
                entry["id"] = top["id"]
            entry["components"] = row
            out.append(entry)
        elif ttype == LABEL:
            inner = top["component"]
            item = _submit_one(resolver, inner, value_for(inner, top.get("label")), top.get("label"))
            entry = {"type": LABEL, "component": item}
            if top.get("id") is not None:
                entry["id"] = top["id"]
            out.append(entry)
        elif ttype == TEXT_DISPLAY:
            entry = {"type": TEXT_DISPLAY}
            if top.get("id") is not None:
                entry["id"] = top["id"]
            out.append(entry)
    unknown = set(values) - used
    if unknown:
        raise ControlError(f"modal has no field(s) {', '.join(sorted(unknown))}")
    return out


def _submit_one(resolver: Resolver, comp: JSON, value: Any, label: str | None) -> JSON:
    ctype = int(comp["type"])
    name = label or comp.get("custom_id")
    item: JSON = {"type": ctype, "custom_id": comp["custom_id"]}
    if comp.get("id") is not None:
        item["id"] = comp["id"]
    if ctype == TEXT_INPUT:
        text = "" if value is None else str(value)
        if comp.get("required", True) and not text:
            raise ControlError(f"modal field {name!r} is required")
        if text and comp.get("min_length") and len(text) < comp["min_length"]:
            raise ControlError(f"modal field {name!r} is shorter than {comp['min_length']}")
        if comp.get("max_length") and len(text) > comp["max_length"]:
            raise ControlError(f"modal field {name!r} is longer than {comp['max_length']}")
        item["value"] = text
    elif ctype in SELECTS:
        if value is None and not comp.get("required", True):
            value = []
        if value is None:
            raise ControlError(f"modal field {name!r} is required")
        item["values"] = select_values(resolver, comp, value)
    elif ctype == FILE_UPLOAD:
        files = value if isinstance(value, list) else ([] if value is None else [value])
        item["values"] = [resolver.attachment(f) for f in files]
    elif ctype == RADIO_GROUP:
        item["value"] = None if value is None else str(value)
    elif ctype == CHECKBOX_GROUP:
        item["values"] = [str(v) for v in (value or [])]
    elif ctype == CHECKBOX:
        item["value"] = bool(value)
    else:
        raise ControlError(f"unsupported modal component type {ctype}")
    return item
