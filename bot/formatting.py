"""Small text helpers for what members see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

EMBED_COLOUR = discord.Colour.from_rgb(46, 134, 171)


def format_bytes(size: int) -> str:
    """`2048` → `2.0 KB`."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def plural(count: int, word: str, words: str | None = None) -> str:
    """`plural(2, "server")` → `2 servers`."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def human_list(items: list[str], last: str = "and") -> str:
    """`["a", "b", "c"]` → `a, b and c` (or `a, b or c` with `last="or"`)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def short_list(items: Sequence[str], shown: int = 8, last: str = "and") -> str:
    """`a, b and 3 more`: a list that stays short however long it grows (refusals must fit 2 000)."""
    if len(items) <= shown:
        return human_list(list(items), last)
    return f"{', '.join(items[:shown])} and {len(items) - shown} more"


def safe_text(text: str, limit: int = 100) -> str:
    """Member-typed text quoted back: shortened and unable to ping anyone."""
    text = discord.utils.escape_mentions(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def embed(title: str, description: str | None = None) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=EMBED_COLOUR)


def format_late_note(planned: datetime) -> str:
    """Said under a scheduled post that went out late because the bot was offline."""
    return f"Planned for <t:{int(planned.timestamp())}:f>; sent late because copbot was offline then."


def fit_lines(lines: list[str], limit: int = 1024) -> str:
    """Join lines within Discord's `limit`, ending with “+N more” when some do not fit."""
    shown: list[str] = []
    for index, line in enumerate(lines):
        rest = len(lines) - index
        tail = f"\n+{rest} more" if rest > 1 else ""
        if len("\n".join([*shown, line])) + len(tail) > limit:
            shown.append(f"+{rest} more")
            break
        shown.append(line)
    return "\n".join(shown)


def prefill(text: str | None, limit: int) -> str | None:
    """A stored value as a form input's default: Discord refuses a form whose default is over max_length."""
    return text[:limit] if text else None


def prefill_list(items: Sequence[str], limit: int) -> str | None:
    """Items as a comma-separated default within `limit`: ", " when it fits, else "," (never longer than what the
    member typed), else as many whole items as fit."""
    for separator in (", ", ","):
        joined = separator.join(items)
        if len(joined) <= limit:
            return joined or None
    kept: list[str] = []
    for item in items:
        if len(",".join([*kept, item])) > limit:
            break
        kept.append(item)
    return ",".join(kept) if kept else prefill(items[0], limit)
