"""What members type when sharing: titles, descriptions and tag lists, checked; a refusal (`Refused`) says
what was wrong for the member."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.resources import MAX_TAGS, TagError, normalize_tag, tag_key

from .errors import Refused

MAX_TITLE = 256
MAX_DESCRIPTION = 2000
_TAG_SPLIT = re.compile(r"[,;\n]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class TagInput:
    tags: list[str]  # normalized, distinct
    changed: list[tuple[str, str]]  # (as typed, as saved) where they differ


def clean_title(text: str) -> str:
    title = _SPACES.sub(" ", text).strip()
    if not title:
        raise Refused(
            "The title is empty. Give the resource a short name people will recognise, "
            "like “Forces and motion lesson (grades 6-8)”."
        )
    if len(title) > MAX_TITLE:
        raise Refused(
            f"The title is {len(title):,} characters long; keep it to {MAX_TITLE} or fewer. "
            "Put the details in the description."
        )
    return title


def clean_description(text: str | None) -> str:
    description = (text or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Refused(
            f"The description is {len(description):,} characters long; keep it to {MAX_DESCRIPTION:,} or "
            "fewer. A few sentences on what it is and who it helps are enough."
        )
    return description


def split_tags(text: str | None) -> list[str]:
    """The pieces of a comma-separated tag list, as typed."""
    return [piece.strip() for piece in _TAG_SPLIT.split(text or "") if piece.strip()]


def parse_tags(text: str | None) -> TagInput:
    """Normalize a comma-separated tag list; Refused for too many tags or one that is all punctuation."""
    tags: dict[str, str] = {}
    changed: list[tuple[str, str]] = []
    for piece in split_tags(text):
        try:
            tag = normalize_tag(piece)
        except TagError as exc:
            raise Refused(str(exc)) from None
        if tag != piece:
            changed.append((piece, tag))
        tags.setdefault(tag_key(tag), tag)
    if len(tags) > MAX_TAGS:
        raise Refused(
            f"You gave {len(tags)} tags; a resource can have at most {MAX_TAGS}. "
            "Keep the ones people would search for."
        )
    return TagInput(list(tags.values()), changed)
