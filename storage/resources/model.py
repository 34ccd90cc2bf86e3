"""The resource library's data: what a resource, a share and a mark are, the tag rules, and how a row of
`resources` is read (every read carries its tags)."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from storage.jobs import from_db_time

STARTER_TAGS = (
    "Science Framework",
    "Funding & Grants",
    "Project-Based Learning",
    "Community Partners",
    "Engineering",
    "Computer Science",
    "Math",
    "Professional Development",
    "Family Engagement",
    "Events",
)
GRADES = ("K-2", "3-5", "6-8", "9-12", "Post-secondary", "All")
KINDS = ("lesson", "guide", "funding", "program", "video", "tool", "research", "other")
MAX_TAGS = 10
MAX_TAG_LENGTH = 30

# Letters, digits, spaces and a few joiners people use in topic names ("Funding & Grants", "K-12", "C++").
_TAG_FORBIDDEN = re.compile(r"[^\w &+./'-]|_")
_TAG_EDGES = " &./'-"  # joiners that mean nothing at either end ("C++" keeps its pluses)
_SPACES = re.compile(r"\s+")
_TAG_SEPARATOR = "\x1f"


def _shown(text: str, limit: int = 40) -> str:
    """Typed text quoted back in a refusal: short, whatever was typed."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TagError(ValueError):
    """A tag that cannot be used; the message is for a member."""


class Mark(StrEnum):
    HELPFUL = "helpful"
    USED = "used"
    SAVED = "saved"


def tag_key(name: str) -> str:
    """Tags that differ only in case are one tag."""
    return name.casefold()


def normalize_tag(text: str) -> str:
    """A tag as stored: forbidden characters dropped, spaces collapsed, at most MAX_TAG_LENGTH characters."""
    cleaned = _TAG_FORBIDDEN.sub(" ", unicodedata.normalize("NFKC", text))
    cleaned = _SPACES.sub(" ", cleaned).strip(_TAG_EDGES)
    cleaned = cleaned[:MAX_TAG_LENGTH].rstrip(_TAG_EDGES)
    if not any(ch.isalnum() for ch in cleaned):
        raise TagError(
            f"“{_shown(text)}” can't be a tag: tags are made of letters and numbers "
            "(spaces and & + - . / ' may join them), like “Project-Based Learning”."
        )
    return cleaned


@dataclass(frozen=True, slots=True)
class NewResource:
    guild_id: int
    url: str
    url_key: str
    title: str
    shared_by: int
    description: str = ""
    tags: Sequence[str] = ()
    grades: str | None = None
    kind: str | None = None
    filename: str | None = None
    author_id: int | None = None
    source_channel_id: int | None = None
    source_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class Resource:
    id: int
    guild_id: int
    url: str
    url_key: str
    title: str
    description: str
    grades: str | None
    kind: str | None
    shared_by: int
    author_id: int | None
    filename: str | None
    source_channel_id: int | None
    source_message_id: int | None
    card_channel_id: int | None
    card_thread_id: int | None
    card_message_id: int | None
    helpful_count: int
    used_count: int
    created_at: datetime
    updated_at: datetime
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ShareOutcome:
    resource: Resource
    created: bool  # False: the link was already in the library, `resource` is that one


@dataclass(frozen=True, slots=True)
class Ranked:
    resource: Resource
    count: int


@dataclass(frozen=True, slots=True)
class DigestSettings:
    series_id: int | None
    day: str | None
    hour: int | None


_COLUMNS = (
    "id, guild_id, url, url_key, title, description, grades, kind, shared_by, author_id, filename,"
    " source_channel_id, source_message_id, card_channel_id, card_thread_id, card_message_id,"
    " helpful_count, used_count, created_at, updated_at"
)
# Every resource read carries its tags (in name order, joined by _TAG_SEPARATOR): one statement per list.
_R_COLUMNS = ", ".join(f"r.{c.strip()}" for c in _COLUMNS.split(",")) + (
    ", (SELECT group_concat(name, char(31)) FROM (SELECT n.name FROM resource_tags t"
    " JOIN resource_tag_names n ON n.id = t.tag_id WHERE t.resource_id = r.id ORDER BY n.key)) AS tag_list"
)


def _token(prefix: str, value: object) -> str:
    """A filter token for the `scope` column: letters and digits only, so the tokenizer keeps it whole."""
    return prefix + re.sub(r"[^0-9a-z]", "", str(value).lower())


def scope_tokens(grades: str | None, kind: str | None, tag_ids: Iterable[int]) -> list[str]:
    """The filter tokens of a resource's search row."""
    tokens = []
    if grades:
        tokens.append(_token("gr", grades))
    if kind:
        tokens.append(_token("k", kind))
    tokens.extend(_token("t", tag_id) for tag_id in tag_ids)
    return tokens


def _resource(row: sqlite3.Row) -> Resource:
    return Resource(
        id=row["id"],
        guild_id=row["guild_id"],
        url=row["url"],
        url_key=row["url_key"],
        title=row["title"],
        description=row["description"],
        grades=row["grades"],
        kind=row["kind"],
        shared_by=row["shared_by"],
        author_id=row["author_id"],
        filename=row["filename"],
        source_channel_id=row["source_channel_id"],
        source_message_id=row["source_message_id"],
        card_channel_id=row["card_channel_id"],
        card_thread_id=row["card_thread_id"],
        card_message_id=row["card_message_id"],
        helpful_count=row["helpful_count"],
        used_count=row["used_count"],
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        tags=tuple(row["tag_list"].split(_TAG_SEPARATOR)) if row["tag_list"] else (),
    )


def tag_filter(tag: str | None) -> tuple[str, list[Any]]:
    """SQL (on `resources r`) keeping only resources carrying `tag`, and its parameters; nothing for None."""
    if not tag:
        return "", []
    return (
        " AND r.id IN (SELECT t.resource_id FROM resource_tags t JOIN resource_tag_names n"
        " ON n.id = t.tag_id WHERE n.guild_id = r.guild_id AND n.key = ?)",
        [tag_key(tag)],
    )
