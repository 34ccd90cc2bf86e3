"""The text rules of a post: placeholders filled for the occurrence, and typed mass mentions defused."""

from __future__ import annotations

import re
from datetime import datetime

from core.timeutil import local_description

NO_MEETING = "no meeting scheduled"
PLACEHOLDERS = ("{date}", "{server}", "{next_meeting}")
_PLACEHOLDER_RE = re.compile(r"\{(date|server|next_meeting)\}", re.IGNORECASE)
_MASS_MENTION_RE = re.compile(r"@(everyone|here)", re.IGNORECASE)


def fill_placeholders(text: str, *, when: datetime, zone: str, server: str, next_meeting: str) -> str:
    """`{date}` (the occurrence's local date), `{server}` and `{next_meeting}` (given as they may be shown:
    quoted, unable to ping), in any case."""
    values = {
        "date": local_description(when, zone).rsplit(" ", 3)[0],  # "Monday, March 9, 2026"
        "server": server,
        "next_meeting": next_meeting,
    }
    return _PLACEHOLDER_RE.sub(lambda match: values[match.group(1).lower()], text)


def neutralise(text: str) -> str:
    """`@everyone`/`@here` typed in the text stay visible but can never ping (nor can role mentions:
    a post's allowed mentions only ever let the chosen role through)."""
    return _MASS_MENTION_RE.sub("@\u200b\\1", text)
