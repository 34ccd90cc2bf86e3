"""Member-typed search text turned into a safe SQLite FTS5 MATCH expression.

Members type what they mean, sometimes with characters FTS5 treats as syntax (`"`, `*`, `AND(`, `NEAR`,
`-`, `:`). Only the words are kept: each becomes a quoted phrase (so nothing in it is an operator), with a
prefix `*` when wanted, and the terms are ANDed. The result can never be a syntax error.
"""

from __future__ import annotations

import re

__all__ = ["MAX_TERMS", "MAX_TERM_LENGTH", "OPERATORS", "match_query", "terms"]

MAX_TERMS = 12  # a member's 5 000-character paste becomes a bounded query
MAX_TERM_LENGTH = 48
# FTS5's operator words: dropped when typed as words (`science AND math` means both words anyway).
OPERATORS = frozenset({"and", "or", "not", "near"})
# FTS5's unicode61 tokenizer splits on everything that is not a letter or digit; underscore included.
_WORD = re.compile(r"[^\W_]+")


def terms(text: str) -> list[str]:
    """The distinct words of `text`, lower-cased, in order, at most MAX_TERMS of them.

    FTS5's operator words are left out, unless they are all the text holds.
    """
    words: list[str] = []
    operators: list[str] = []
    for match in _WORD.finditer(text):
        word = match[0].lower()[:MAX_TERM_LENGTH]
        bucket = operators if word in OPERATORS else words
        if word not in bucket:
            bucket.append(word)
        if len(words) >= MAX_TERMS:
            break
    return (words or operators)[:MAX_TERMS]


def match_query(text: str, *, prefix: bool = True) -> str | None:
    """A MATCH expression for `text` (every word must appear; with `prefix`, as the start of a word).

    None when the text holds no words at all (only punctuation): there is nothing to search for.
    """
    words = terms(text)
    if not words:
        return None
    star = "*" if prefix else ""
    # Words hold only letters and digits, so double quotes cannot appear inside them.
    return " ".join(f'"{word}"{star}' for word in words)
