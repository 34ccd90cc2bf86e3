"""Small text helpers for what members see."""

from __future__ import annotations

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


def safe_text(text: str, limit: int = 100) -> str:
    """Member-typed text quoted back: shortened and unable to ping anyone."""
    text = discord.utils.escape_mentions(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def embed(title: str, description: str | None = None) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=EMBED_COLOUR)
