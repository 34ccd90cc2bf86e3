"""Member-typed search text turned into a safe SQLite FTS5 MATCH expression.

Members type what they mean, sometimes with characters FTS5 treats as syntax (`"`, `*`, `AND(`, `NEAR`,
`-`, `:`). Only the words are kept: each becomes a quoted phrase (so nothing in it is an operator), with a
prefix `*` when wanted, and the terms are ANDed. The result can never be a syntax error.

`tiered_hits` is how every search reads its matches: in tiers (where the words matched: a title before a
description), newest first within a tier, and never more than a page of each, so a search costs the same
whether ten or a hundred thousand rows match. bm25 would read every match of every word (it counts them for
its weights), which is what made searches grow with the data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

__all__ = ["MAX_TERMS", "MAX_TERM_LENGTH", "OPERATORS", "any_word", "match_query", "terms", "tiered_hits"]

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


def any_word(text: str, *, prefix: bool = True) -> str | None:
    """A MATCH expression for any one word of `text` (the words ORed), or None when it holds none."""
    words = terms(text)
    if not words:
        return None
    star = "*" if prefix else ""
    return " OR ".join(f'"{word}"{star}' for word in words)


def tiered_hits(
    fts: str,
    join: str,
    where: str,
    params: Sequence[Any],
    tiers: Sequence[str],
    limit: int,
    *,
    extra: str = "",
) -> tuple[str, list[Any]]:
    """A `hits (id, tier[, extra])` CTE: the newest `limit` rows matching each tier's MATCH expression.

    `join` joins the FTS table (alias `f`) to its rows (alias `g`), `where` (with `params`) filters them. A
    row matching several tiers is kept in the first. The caller orders by `tier, id DESC`: the best `limit`
    rows in that order are always among the hits. `extra` is one more column computed from the match (a
    snippet), taken from the row's first tier.
    """
    parts: list[str] = []
    values: list[Any] = []
    column = f", {extra} AS extra" if extra else ""
    for number, tier in enumerate(tiers):
        parts.append(
            f"SELECT * FROM (SELECT f.rowid AS id, {number} AS tier{column} FROM {fts} f {join}"
            f" WHERE {fts} MATCH ? AND {where} ORDER BY f.rowid DESC LIMIT ?)"
        )
        values += [tier, *params, limit]
    kept = ", extra" if extra else ""
    # SQLite takes a bare column (`extra`) from the row that holds the MIN.
    sql = f"hits AS (SELECT id, MIN(tier) AS tier{kept} FROM ({' UNION ALL '.join(parts)}) GROUP BY id)"
    return sql, values
