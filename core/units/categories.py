"""Which category each school team's (or group's) channel belongs in, by the first letters of its name.

Discord holds at most 50 channels in a category. Up to 50 channels keep one category with its usual name
("School teams"). Beyond that the names are split into alphabetical ranges ("School teams A–L", "School
teams M–Z"), balanced, each filled to at most `TARGET` so a few more can be added without moving anything.
A letter with too many names for one category is split by the letters that follow ("School teams S–Sm").

A plan is the list of each range's first key (`starts`); the first is always "" and also takes names that
begin with a digit or a letter outside A–Z. Pure: names in, ranges out.
"""

from __future__ import annotations

import bisect
import itertools
import string
import unicodedata
from collections.abc import Sequence

LIMIT = 50  # Discord's channels per category
TARGET = 45  # a split plan leaves this much room for additions in each range
LETTERS = string.ascii_lowercase
SINGLE: list[str] = [""]


def sort_key(name: str) -> str:
    """The name as letters and digits only, without accents, lower case: "St. Mary’s" → "stmarys"."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum())


def range_index(starts: Sequence[str], name: str) -> int:
    """Which range of the plan a name falls in."""
    return max(0, bisect.bisect_right(starts, sort_key(name)) - 1)


def counts(starts: Sequence[str], names: Sequence[str]) -> list[int]:
    out = [0] * len(starts)
    for name in names:
        out[range_index(starts, name)] += 1
    return out


def fits(starts: Sequence[str], names: Sequence[str], limit: int = LIMIT) -> bool:
    return all(n <= limit for n in counts(starts, names))


def _atoms(keys: list[str], target: int) -> list[str]:
    """Starts of the smallest pieces a range may be made of: the letters, a crowded one split by the
    letters (or digits) that follow, as far as the names differ. `keys` are sorted."""
    level = ["", *LETTERS[1:]]
    atoms: list[tuple[str, int, list[str]]] = [(s, 1, []) for s in level]
    for key in keys:
        atoms[range_index(level, key) if key else 0][2].append(key)
    deeper = True
    while deeper:
        deeper = False
        split: list[tuple[str, int, list[str]]] = []
        for start, depth, members in atoms:
            if len(members) <= target or depth >= max(len(k) for k in members):
                split.append((start, depth, members))
                continue
            deeper = True
            for n, (head, group) in enumerate(itertools.groupby(members, key=lambda k: k[: depth + 1])):
                split.append((start if n == 0 else head, depth + 1, list(group)))
        atoms = split
    return [s for s, _, _ in atoms]


def _partition(sizes: list[int], groups: int) -> list[int]:
    """Indexes where each of `groups` contiguous groups starts: smallest largest group, then the most even
    sizes, then the most even spans of letters."""
    n = len(sizes)
    prefix = [0]
    for size in sizes:
        prefix.append(prefix[-1] + size)
    Score = tuple[int, int, int]
    inf: Score = (10**9, 10**9, 10**9)
    # best[g][i]: the best way to cut atoms[:i] into g groups, and where the last group starts.
    best: list[list[tuple[Score, int]]] = [[(inf, -1)] * (n + 1) for _ in range(groups + 1)]
    best[0][0] = ((0, 0, 0), -1)
    for g in range(1, groups + 1):
        for i in range(g, n + 1):
            for j in range(g - 1, i):
                (top, squares, spans), _ = best[g - 1][j]
                if top == inf[0]:
                    continue
                size = prefix[i] - prefix[j]
                score = (max(top, size), squares + size * size, spans + (i - j) ** 2)
                if score < best[g][i][0]:
                    best[g][i] = (score, j)
    cuts, i = [], n
    for g in range(groups, 0, -1):
        j = best[g][i][1]
        cuts.append(j)
        i = j
    return cuts[::-1]


def plan(names: Sequence[str], *, limit: int = LIMIT, target: int = TARGET) -> list[str]:
    """The ranges for these names: one when they fit in one category, else as few balanced ones as hold
    at most `target` each (or `limit`, when names sharing their first letters leave no other way)."""
    if len(names) <= limit:
        return list(SINGLE)
    starts = _atoms(sorted(sort_key(n) for n in names), target)
    sizes = counts(starts, names)
    cap = target if max(sizes) <= target else limit
    groups = max(2, -(-len(names) // cap))
    if max(sizes) > cap:  # names too alike to split: the caller refuses what cannot fit
        return [starts[c] for c in _partition(sizes, min(groups, len(starts)))]
    while True:
        cuts = _partition(sizes, groups)
        bounds = [*cuts, len(starts)]
        if all(sum(sizes[a:b]) <= cap for a, b in itertools.pairwise(bounds)):
            return [starts[c] for c in cuts]
        groups += 1  # ends: one range per piece always fits, as no piece is over the cap


def _shown(key: str) -> str:
    return key[:1].upper() + key[1:]


def _before(start: str) -> str:
    """The last key of the range before `start`, as a reader would name it: "m" → "l", "sn" → "sm"."""
    head, last = start[:-1], start[-1]
    if last == "0":
        return head
    return head + ("9" if last == "a" else chr(ord(last) - 1))


def label(starts: Sequence[str], index: int) -> str:
    """ "A–L", "M–Z", "S–Sm", or "" for a plan of one range."""
    if len(starts) <= 1:
        return ""
    first = _shown(starts[index]) or "A"
    last = _shown(_before(starts[index + 1])) if index + 1 < len(starts) else "Z"
    return first if first == last else f"{first}–{last}"


def category_name(base: str, starts: Sequence[str], index: int) -> str:
    shown = label(starts, index)
    return f"{base} {shown}" if shown else base
