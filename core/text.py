"""Plain-text helpers for what members read, on any platform: counts, lists, cut and defused member text.

Platform markup (embeds, Discord timestamps) stays with the adapter (`bot/formatting.py`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_MENTION = re.compile(r"@(everyone|here|[!&]?[0-9]{17,20})")


def escape_mentions(text: str) -> str:
    """`@everyone`, `@here` and raw user or role mentions made unable to ping (a zero-width space after @),
    as Discord's own `escape_mentions` does."""
    return _MENTION.sub("@\u200b\\1", text)


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
    text = escape_mentions(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(text: str, limit: int = 200) -> str:
    """Text a member typed, shown back in quotation marks: cut to `limit` and unable to ping anyone."""
    return f"“{safe_text(text, limit)}”"


def fit_lines(lines: list[str], limit: int = 1024) -> str:
    """Join lines within `limit` characters, ending with “+N more” when some do not fit."""
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


# Spreadsheet apps run a cell starting with one of these as a formula (OWASP "CSV injection"); the full-width
# forms are folded to them by some apps.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run this text (a member's words in a CSV or workbook cell)."""
    return text.lstrip(" ").startswith(FORMULA_STARTS)
