"""Validate recorded requests against Discord's published OpenAPI description.

Each record (emulator.recording) is matched to the spec's operation by method and path, and its JSON body
(for multipart requests, the `payload_json`) is validated with `jsonschema` (Draft 2020-12) against the
operation's `application/json` request-body schema, every `$ref` resolved in the spec document. A record is
a violation when:

- its body breaks the schema (a wrong type, a string too long, a value outside an enum, a missing required
  property). The spec's objects are open (it says nothing of properties it does not list); `closed_objects`
  makes them closed, an audit for properties the spec does not describe (discord.py sends several that
  Discord documents or ignores, so it is not on by default);
- the emulator answered it with 400 / 50035 (Invalid Form Body): that is how the emulator enforces
  Discord's documented limits that the schema does not encode (6 000 characters across embeds, 50 channels
  per category…), and a bot must never send what Discord refuses. `refusal_expected` names the tests that
  provoke such a refusal on purpose;
- it has a body but the spec has no such operation, or the operation takes no body;
- its body was not valid JSON.

The spec's known gaps are handled by `SPEC_GAPS`: each amends named schemas only, to accept what Discord
accepts; nothing else is relaxed. Two are the ones its README lists (channel type 16, `use_nested_fields`);
two more were found by running this check on copbot's suite (snowflakes sent as integers, permissions sent
as strings), both what discord.py sends on every such request and Discord accepts.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_ENV = "EMULATOR_DISCORD_SPEC"
SPEC_RELATIVE = Path("..") / "shared" / "discord-api-spec" / "openapi.json"
SPEC_URI = "urn:discord-api-spec"
REFUSAL_CODE = 50035
VALUE_WIDTH = 80

JSON = dict[str, Any]


def default_spec_path(root: str | os.PathLike[str]) -> Path:
    """$EMULATOR_DISCORD_SPEC, else `../shared/discord-api-spec/openapi.json` beside the project `root`."""
    configured = os.environ.get(SPEC_ENV, "").strip()
    return Path(configured) if configured else Path(root) / SPEC_RELATIVE


# -- the spec's known gaps ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpecGap:
    """One place where the spec is stricter than Discord, amended in our copy of the spec, by schema name."""

    name: str
    why: str
    source: str  # "spec README": listed there; "found here": by running this check, reported upstream-worthy
    amend: Callable[[JSON], bool]  # changes the spec's schemas; False when the gap is not there (fixed?)


def _add_guild_media(schemas: JSON) -> bool:
    types = schemas.get("ChannelTypes", {})
    choices = types.get("oneOf")
    if not isinstance(choices, list) or any(c.get("const") == 16 for c in choices):
        return False
    choices.append(
        {"title": "GUILD_MEDIA", "description": "A channel that can only contain threads", "const": 16}
    )
    return True


def _add_use_nested_fields(schemas: JSON) -> bool:
    properties = schemas.get("CreateForumThreadRequest", {}).get("properties")
    if not isinstance(properties, dict) or "use_nested_fields" in properties:
        return False
    properties["use_nested_fields"] = {"type": "boolean"}
    return True


def _snowflake_as_integer(schemas: JSON) -> bool:
    snowflake = schemas.get("SnowflakeType")
    if not isinstance(snowflake, dict) or snowflake.get("type") != "string":
        return False
    schemas["SnowflakeType"] = {"anyOf": [snowflake, {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}]}
    return True


_PERMISSION_FIELDS = {
    "CreateRoleRequest": ("permissions",),
    "UpdateRoleRequestPartial": ("permissions",),
    "ChannelPermissionOverwriteRequest": ("allow", "deny"),
}


def _permissions_as_string(schemas: JSON) -> bool:
    amended = False
    for name, fields in _PERMISSION_FIELDS.items():
        properties = schemas.get(name, {}).get("properties", {})
        for key in fields:
            if properties.get(key) == {"type": ["integer", "null"]}:
                properties[key] = {"anyOf": [properties[key], {"type": "string", "pattern": "^[0-9]{1,20}$"}]}
                amended = True
    return amended


SPEC_GAPS = (
    SpecGap(
        "channel-type-16",
        "ChannelTypes lacks 16 (GUILD_MEDIA), a documented channel type discord.py sends in every "
        "forum-channel option's channel_types",
        "spec README",
        _add_guild_media,
    ),
    SpecGap(
        "forum-thread-use-nested-fields",
        "CreateForumThreadRequest does not describe use_nested_fields, which discord.py always adds",
        "spec README",
        _add_use_nested_fields,
    ),
    SpecGap(
        "snowflake-as-integer",
        "SnowflakeType is a string only; Discord also takes a snowflake as a JSON integer, and discord.py "
        "sends integers for parent_id, overwrite ids, member roles, recipient_id, allowed_mentions and "
        "attachment ids",
        "found here",
        _snowflake_as_integer,
    ),
    SpecGap(
        "permissions-as-string",
        "role permissions and overwrite allow/deny are integers only; Discord documents them as strings "
        "(a bit set can pass 2^53), and discord.py sends role permissions as a decimal string",
        "found here",
        _permissions_as_string,
    ),
)


def _close_objects(node: Any) -> None:
    """Every object schema that lists its properties and says nothing of others: no others."""
    if isinstance(node, dict):
        if (
            isinstance(node.get("properties"), dict)
            and "additionalProperties" not in node
            and "unevaluatedProperties" not in node
            and node.get("type") in ("object", ["object", "null"], ["null", "object"], None)
        ):
            node["additionalProperties"] = False
        for value in node.values():
            _close_objects(value)
    elif isinstance(node, list):
        for value in node:
            _close_objects(value)


# -- formats --------------------------------------------------------------------------------------------

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    moment = datetime.fromisoformat(value)
    return moment.tzinfo is not None and "T" in value.upper()


@FORMATS.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) and bool(parts.netloc or parts.path)


# -- the spec -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Operation:
    method: str
    path: str  # the spec's template, e.g. /channels/{channel_id}/messages
    pattern: re.Pattern[str]
    literals: int
    pointer: str | None  # JSON pointer to the application/json request-body schema, None: takes no body
    validator: Draft202012Validator | None = None


class Spec:
    """Discord's OpenAPI document, its gaps amended, with a validator per operation (built when needed)."""

    def __init__(self, document: JSON, *, closed_objects: bool = False) -> None:
        self.document = copy.deepcopy(document)
        schemas = self.document.setdefault("components", {}).setdefault("schemas", {})
        self.gaps_amended = [gap.name for gap in SPEC_GAPS if gap.amend(schemas)]
        if closed_objects:
            _close_objects(schemas)
            for item in self.document.get("paths", {}).values():
                for operation in item.values():
                    if isinstance(operation, dict) and "requestBody" in operation:
                        _close_objects(operation["requestBody"])
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self.operations: list[Operation] = []
        for path, item in self.document.get("paths", {}).items():
            segments = path.strip("/").split("/")
            regex = "/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in segments)
            pattern = re.compile(f"/{regex}")
            literals = sum(1 for s in segments if not s.startswith("{"))
            for method, operation in item.items():
                if not isinstance(operation, dict) or method == "parameters":
                    continue
                body = operation.get("requestBody", {}).get("content", {})
                pointer = None
                if "application/json" in body:
                    escaped = path.replace("~", "~0").replace("/", "~1")
                    pointer = f"#/paths/{escaped}/{method}/requestBody/content/application~1json/schema"
                self.operations.append(Operation(method.upper(), path, pattern, literals, pointer))

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, closed_objects: bool = False) -> Spec:
        """Raises FileNotFoundError when there is no spec at `path`."""
        with open(path, encoding="utf-8") as handle:
            return cls(json.load(handle), closed_objects=closed_objects)

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation for a concrete path (`/channels/123/messages`): the most literal template wins."""
        found = [op for op in self.operations if op.method == method.upper() and op.pattern.fullmatch(path)]
        return max(found, key=lambda op: op.literals) if found else None

    def validator(self, operation: Operation) -> Draft202012Validator | None:
        if operation.pointer is None:
            return None
        if operation.validator is None:
            operation.validator = Draft202012Validator(
                {"$ref": SPEC_URI + operation.pointer}, registry=self.registry, format_checker=FORMATS
            )
        return operation.validator


# -- checking records -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Violation:
    route: str  # "POST /channels/{channel_id}/messages"
    field: str  # "$.embeds[0].title", "$" for the body itself
    value: str  # the offending value, as JSON, truncated
    problem: str
    test: str | None

    def line(self) -> str:
        return f"{self.route}  {self.field} = {self.value}: {self.problem}  [{self.test or 'no test'}]"


@dataclass(slots=True)
class Report:
    validated: int = 0  # records checked (bodies against schemas, answers for refusals)
    bodies: int = 0  # of which had a body validated against a schema
    skipped: int = 0  # records of tests outside the check's scope
    violations: list[Violation] = field(default_factory=list)
    gaps_amended: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"conformance: {self.validated} requests validated, {len(self.violations)} violations"


def shorten(value: Any, width: int = VALUE_WIDTH) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The errors that explain a failure; for anyOf/oneOf, those of the branch the body meant.

    The branch meant is the one whose discriminator matched: branches that fail on the body's own type or on
    a `type`/const property come last, then the branch with the fewest errors.
    """
    if not error.context:
        return [error]
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        index = sub.relative_schema_path[0] if sub.relative_schema_path else 0
        branches.setdefault(int(index), []).append(sub)

    def miss(errors: list[ValidationError]) -> tuple[int, int, int]:
        wrong_type = any(len(e.relative_path) == 0 and e.validator == "type" for e in errors)
        wrong_kind = any(
            list(e.relative_path) == ["type"] and e.validator in ("const", "enum", "type") for e in errors
        )
        return (int(wrong_type), int(wrong_kind), len(errors))

    if all(e.validator == "const" for errors in branches.values() for e in errors):
        return [error]  # a oneOf of constants is an enum: "not valid under any of the given schemas"
    chosen = min(branches.values(), key=miss)
    return [leaf for sub in chosen for leaf in _leaves(sub)]


def _errors_path(tree: Any, prefix: str = "$") -> Iterator[tuple[str, str]]:
    """Discord's `errors` tree flattened: ("$.embeds[0].title", "BASE_TYPE_MAX_LENGTH: …")."""
    if not isinstance(tree, dict):
        return
    for key, value in tree.items():
        if key == "_errors" and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    yield prefix, f"{item.get('code', '?')}: {item.get('message', '')}"
            continue
        step = f"{prefix}[{key}]" if str(key).isdigit() else f"{prefix}.{key}"
        yield from _errors_path(value, step)


def _value_at(body: Any, path: str) -> Any:
    node = body
    for step in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path):
        key, index = step
        try:
            node = node[int(index)] if index else node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def check(
    records: Iterable[JSON],
    spec: Spec,
    *,
    refusal_expected: Callable[[str | None], bool] = lambda test: False,
    in_scope: Callable[[str | None], bool] = lambda test: True,
) -> Report:
    """Validate every record; see the module's docstring for what counts as a violation."""
    report = Report(gaps_amended=list(spec.gaps_amended))
    # The same body sent to the same route validates the same way: validate it once (a run sends thousands
    # of identical bodies) and give each record its own copy of what was found.
    seen: dict[tuple[str, str, str, bool], tuple[list[Violation], bool]] = {}
    for record in records:
        test = record.get("test")
        if not in_scope(test):
            report.skipped += 1
            continue
        report.validated += 1
        refusal = refusal_expected(test)
        key = (
            str(record.get("method", "GET")).upper(),
            str(record.get("route") or record.get("path")),
            json.dumps(
                [record.get(k) for k in ("body", "unparsable", "status", "code", "errors")], sort_keys=True
            ),
            refusal,
        )
        if key in seen:
            found, counted = seen[key]
            report.bodies += counted
            report.violations.extend(replace(v, test=test) for v in found)
            continue
        before = report.bodies
        found = check_record(record, spec, report, refusal)
        seen[key] = (found, report.bodies > before)
        report.violations.extend(found)
    return report


def check_record(
    record: JSON, spec: Spec, report: Report | None = None, refusal_ok: bool = False
) -> list[Violation]:
    method = str(record.get("method", "GET")).upper()
    route = f"{method} {record.get('route') or record.get('path')}"
    test = record.get("test")
    found: list[Violation] = []
    body = record.get("body")
    if "unparsable" in record:
        found.append(Violation(route, "$", shorten(record["unparsable"]), "the body is not valid JSON", test))
    elif body is not None:
        operation = spec.operation(method, str(record.get("path", "")))
        if operation is None:
            found.append(Violation(route, "$", shorten(body), "the spec has no such operation", test))
        else:
            validator = spec.validator(operation)
            if validator is None:
                found.append(Violation(route, "$", shorten(body), "the operation takes no JSON body", test))
            else:
                if report is not None:
                    report.bodies += 1
                for error in validator.iter_errors(body):
                    for leaf in _leaves(error):
                        if any(v.field == leaf.json_path for v in found):
                            continue  # one report per field
                        problem, shown = leaf.message, repr(leaf.instance)
                        if len(shown) > 40:  # jsonschema repeats the value in its message: once is enough
                            problem = problem.replace(shown, "the value")
                        problem = problem if len(problem) <= 200 else problem[:199] + "…"
                        found.append(Violation(route, leaf.json_path, shorten(leaf.instance), problem, test))
    if record.get("status") == 400 and record.get("code") == REFUSAL_CODE and not refusal_ok:
        paths = list(_errors_path(record.get("errors"))) or [("$", "Invalid Form Body")]
        for path, problem in paths:
            if any(v.field == path for v in found):
                continue  # the schema already explains it
            value = shorten(_value_at(body, path)) if path != "$" else shorten(body)
            found.append(
                Violation(route, path, value, f"refused by the emulator (400 50035) {problem}", test)
            )
    return found
