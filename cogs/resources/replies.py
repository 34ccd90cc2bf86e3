"""Texts the library's commands and buttons show, written once: a result line, how tags were read, and the
core's refusals shown as `UserError`s."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.errors import UserError
from core.resources.errors import Refused
from core.resources.inputs import TagInput
from core.text import human_list, quote, safe_text
from storage.resources import Resource

from .cards import link_markdown


@contextmanager
def refusals() -> Iterator[None]:
    """The core's `Refused` reaches the member as its text (a `UserError`)."""
    try:
        yield
    except Refused as refused:
        raise UserError(str(refused)) from None


def result_line(resource: Resource) -> str:
    tags = f" · {safe_text(', '.join(resource.tags), 120)}" if resource.tags else ""
    return f"`#{resource.id}` {link_markdown(resource)}{tags} · 👍 {resource.helpful_count} · 🛠️ {resource.used_count}"


def tag_note(tag_input: TagInput) -> str:
    """A sentence telling the member how their tags were cleaned, or ''."""
    if not tag_input.changed:
        return ""
    shown = human_list([f"{quote(typed, 40)} as “{saved}”" for typed, saved in tag_input.changed])
    return f"I saved the tag {shown} (tags keep letters, numbers, spaces and & + - . / ')."
