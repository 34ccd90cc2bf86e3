"""Names of groups and schools: what an organizer types, tidied or refused, and the channel name Discord makes
of it. Names are unique per guild without case (`storage.units.name_key`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from storage.units import closest_names, name_key

__all__ = [
    "NAME_LIMIT",
    "NameRefused",
    "channel_slug",
    "clean_name",
    "closest_names",
    "name_key",
    "new_names",
]

NAME_LIMIT = 100  # Discord's longest role or channel name


class NameRefused(ValueError):
    """A typed name that cannot be used; the text says why, for the organizer."""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def channel_slug(name: str) -> str:
    """What Discord makes of a text channel name: lower case, hyphens, no punctuation."""
    slug = re.sub(r"[^\w-]+", "-", name.casefold())
    slug = re.sub(r"-{2,}", "-", slug).strip("-_")
    return slug[:NAME_LIMIT]


def slug_changed(name: str) -> bool:
    """Whether Discord's rules for channel names change more than case and spaces of `name`."""
    return channel_slug(name) != "-".join(name.casefold().split())


def clean_name(text: str, what: str, *, limit: int = NAME_LIMIT) -> str:
    """A name typed by an organizer with its spaces tidied; `NameRefused` when it is empty, too long, or
    has no letter or digit for a channel name."""
    name = " ".join(text.split())
    if not name:
        raise NameRefused(f"The {what} name is empty. Type a name, for example “Teachers”.")
    if len(name) > limit:
        raise NameRefused(f"That {what} name is {len(name)} characters long; Discord allows at most {limit}.")
    if not channel_slug(name):
        # No letter or digit: nothing in it can ping, so cutting is all the quoting it needs.
        raise NameRefused(
            f"“{_cut(name, 60)}” can't be used as a {what} name: a channel name needs at least one "
            "letter or digit."
        )
    return name


def new_names(names: Iterable[str], existing: Iterable[str]) -> list[str]:
    """`names` that are not already among `existing` (compared without case or extra spaces)."""
    known = {name_key(n) for n in existing}
    return [n for n in names if name_key(n) not in known]


CUSTOM_EMOJI = re.compile(r"^<a?:\w{2,32}:(\d{15,22})>$")
KEYCAP = re.compile("^[0-9#*]\ufe0f?\u20e3$")
# What an emoji is made of: pictographs (So), skin tones (Sk), variation selectors and keycaps (Mn, Me), ZWJ (Cf).
EMOJI_PARTS = frozenset({"So", "Sk", "Mn", "Me", "Cf"})


def custom_emoji_id(text: str) -> int | None:
    """The id of a server emoji written as `<:name:id>` (or `<a:name:id>`), else None."""
    custom = CUSTOM_EMOJI.match(text)
    return int(custom[1]) if custom else None


def looks_like_emoji(text: str) -> bool:
    """Whether `text` is one unicode emoji (with its skin tone, joiners, keycap): what a select option may
    show next to a group. Text such as `:)` is not."""
    if KEYCAP.match(text):
        return True
    categories = [unicodedata.category(c) for c in text]
    return len(text) <= 8 and "So" in categories and all(c in EMOJI_PARTS for c in categories)
