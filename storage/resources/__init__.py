"""The resource library's storage: resources, tags, members' marks (helpful, used, saved), full-text search.

No Discord here. Links arrive already normalized (`core.resources.urls`); tags go through `normalize_tag`.
Every write that changes what search sees (title, description, tags) rewrites the resource's
`resources_fts` row in the same transaction.

One repository, written by concern: `model` (the data and the tag rules), `base` (one resource, its search
row), `tags`, `library` (sharing, changing, removing; the digest setting), `marks` (helpful, used, saved),
`search` (search and lists) and `personal` (a member's data).
"""

from __future__ import annotations

from .model import (
    GRADES,
    KINDS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    STARTER_TAGS,
    DigestSettings,
    Mark,
    NewResource,
    Ranked,
    Resource,
    ShareOutcome,
    TagError,
    normalize_tag,
    scope_tokens,
    tag_key,
)
from .personal import PersonalStore
from .search import SearchStore

__all__ = [
    "GRADES",
    "KINDS",
    "MAX_TAGS",
    "MAX_TAG_LENGTH",
    "STARTER_TAGS",
    "DigestSettings",
    "Mark",
    "NewResource",
    "Ranked",
    "Resource",
    "ResourceRepository",
    "ShareOutcome",
    "TagError",
    "normalize_tag",
    "scope_tokens",
    "tag_key",
]


class ResourceRepository(PersonalStore, SearchStore):
    """Reads and writes one database's resource library; every call names its guild."""
