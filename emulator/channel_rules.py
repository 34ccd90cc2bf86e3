"""Discord's rules for channel, thread and role bodies, and for the audit-log reason header.

Sources: the request schemas of Discord's OpenAPI description (CreateGuildChannelRequest,
UpdateGuildChannelRequestPartial, UpdateThreadRequestPartial, Create*ThreadRequest, CreateRoleRequest,
ChannelPermissionOverwriteRequest, ThreadAutoArchiveDuration) and Discord's documentation
(resources/channel, resources/guild, resources/audit-log) where the two differ or the schema is silent:
topics are 0-1024 characters (forums 0-4096), a category has no parent, forum tag names are 0-20 characters
(the schema says 50; the documentation's 20 is what is enforced here), an audit-log reason is at most 512
characters. Every refusal is a 400 50035 with the field named in the error tree.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from emulator.limits import ErrorTree
from emulator.models import CATEGORY, FORUM, JSON

CHANNEL_NAME_MAX = 100
TOPIC_MAX = 1024
FORUM_TOPIC_MAX = 4096
MEDIA = 16
AUTO_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
RATE_LIMIT_MAX = 21600
OVERWRITES_MAX = 100
OVERWRITE_TYPES = (0, 1)
TAGS_MAX = 20
TAG_NAME_MAX = 20
TAG_EMOJI_NAME_MAX = 100
APPLIED_TAGS_MAX = 5
THREAD_TYPES = (10, 11, 12)
ROLE_NAME_MAX = 100
ROLE_COLOUR_MAX = 0xFFFFFF
ROLE_EMOJI_MAX = 100
REASON_MAX = 512
REASON_HEADER = "X-Audit-Log-Reason"


def _topic_max(kind: int) -> int:
    return FORUM_TOPIC_MAX if kind in (FORUM, MEDIA) else TOPIC_MAX


def _enum(errors: ErrorTree, path: str, value: Any, allowed: tuple[int, ...]) -> None:
    """An integer (or integer string) that must be one of `allowed`; absent (None) passes."""
    if value is None:
        return
    number = int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else value
    if isinstance(number, bool) or not isinstance(number, int) or number not in allowed:
        shown = ", ".join(str(a) for a in allowed)
        errors.add(path, f"Value must be one of ({shown}).", "BASE_TYPE_CHOICES")


def check_channel(body: JSON, kind: int) -> None:
    """A guild channel create or edit body (`kind`: the channel's type after the request).

    Names are checked by the routes themselves (they also normalise them)."""
    errors = ErrorTree()
    errors.check_text("topic", body.get("topic"), _topic_max(kind))
    if kind == CATEGORY and body.get("parent_id") is not None:
        errors.add("parent_id", "Categories cannot have subcategories", "CHANNEL_PARENT_INVALID_TYPE")
    errors.check_int("rate_limit_per_user", body.get("rate_limit_per_user"), 0, RATE_LIMIT_MAX)
    errors.check_int(
        "default_thread_rate_limit_per_user",
        body.get("default_thread_rate_limit_per_user"),
        0,
        RATE_LIMIT_MAX,
    )
    errors.check_int("position", body.get("position"), 0, 2**31 - 1)
    _enum(
        errors,
        "default_auto_archive_duration",
        body.get("default_auto_archive_duration"),
        AUTO_ARCHIVE_DURATIONS,
    )
    check_overwrite_list(errors, body.get("permission_overwrites"))
    _check_tags(errors, body.get("available_tags"))
    errors.raise_if_any()


def check_overwrite_list(errors: ErrorTree, overwrites: Any) -> None:
    """At most 100 overwrites, each of type 0 (role) or 1 (member)."""
    if not isinstance(overwrites, list):
        return
    errors.check_len("permission_overwrites", overwrites, OVERWRITES_MAX)
    for i, item in enumerate(overwrites):
        if isinstance(item, dict):
            _enum(errors, f"permission_overwrites.{i}.type", item.get("type"), OVERWRITE_TYPES)


def check_overwrite(body: JSON) -> None:
    """The body of a single overwrite PUT: `type` 0 (role) or 1 (member)."""
    errors = ErrorTree()
    _enum(errors, "type", body.get("type"), OVERWRITE_TYPES)
    errors.raise_if_any()


def _check_tags(errors: ErrorTree, tags: Any) -> None:
    if tags is None:
        return
    if not isinstance(tags, list):
        errors.add("available_tags", "Must be an array.", "BASE_TYPE_ARRAY")
        return
    errors.check_len("available_tags", tags, TAGS_MAX)
    for i, tag in enumerate(tags):
        p = f"available_tags.{i}"
        if not isinstance(tag, dict):
            errors.add(p, "Must be an object.", "DICT_TYPE_CONVERT")
            continue
        name = tag.get("name")
        if not isinstance(name, str):
            errors.add(f"{p}.name", "This field is required", "BASE_TYPE_REQUIRED")
        else:
            errors.check_len(f"{p}.name", name, TAG_NAME_MAX)
        errors.check_len(f"{p}.emoji_name", tag.get("emoji_name"), TAG_EMOJI_NAME_MAX)


def check_thread(body: JSON, *, creating: bool, forum: bool = False, with_type: bool = False) -> None:
    """A thread create (from a message, without one, or in a forum) or thread edit body."""
    errors = ErrorTree()
    name = body.get("name")
    bad_name = not isinstance(name, str) or not 1 <= len(name) <= CHANNEL_NAME_MAX
    if (creating or name is not None) and bad_name:
        errors.bad_length("name", 1, CHANNEL_NAME_MAX)
    _enum(errors, "auto_archive_duration", body.get("auto_archive_duration"), AUTO_ARCHIVE_DURATIONS)
    errors.check_int("rate_limit_per_user", body.get("rate_limit_per_user"), 0, RATE_LIMIT_MAX)
    if forum or not creating:
        errors.check_len("applied_tags", body.get("applied_tags"), APPLIED_TAGS_MAX)
    if with_type:
        _enum(errors, "type", body.get("type"), THREAD_TYPES)
    errors.raise_if_any()


def check_role(body: JSON) -> None:
    """A role create or edit body: name 1-100, colours 0..0xFFFFFF, unicode_emoji up to 100."""
    errors = ErrorTree()
    errors.check_text("name", body.get("name"), ROLE_NAME_MAX)
    errors.check_int("color", body.get("color"), 0, ROLE_COLOUR_MAX)
    colors = body.get("colors")
    if isinstance(colors, dict):
        for key in ("primary_color", "secondary_color", "tertiary_color"):
            errors.check_int(f"colors.{key}", colors.get(key), 0, ROLE_COLOUR_MAX)
    errors.check_len("unicode_emoji", body.get("unicode_emoji"), ROLE_EMOJI_MAX)
    errors.raise_if_any()


def check_reason(raw: str | None) -> None:
    """`X-Audit-Log-Reason` (URL-encoded by clients): at most 512 characters once decoded.

    Discord documents the limit but not the refusal; this answers 400 50035 at the field `reason`."""
    if raw is None:
        return
    errors = ErrorTree()
    errors.check_len("reason", unquote(raw), REASON_MAX)
    errors.raise_if_any()
