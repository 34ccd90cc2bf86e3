"""How the report's sentences say figures and days."""

from __future__ import annotations

from datetime import date

from core.report.model import FEWER, Cell
from core.surveys.results import HELD


def said(cell: Cell) -> str:
    """A figure in a sentence: `1,234`, "fewer than 5", "a hidden number"."""
    if cell == HELD:
        return "a hidden number of"
    if isinstance(cell, int):
        return f"{cell:,}"
    if isinstance(cell, float):
        return f"{cell:,.1f}"
    return FEWER if cell is None or cell == FEWER else str(cell)


def day(value: date) -> str:
    """`3 December 2026`."""
    return f"{value.day} {value:%B %Y}"


def short_day(value: date) -> str:
    """`3 Dec`."""
    return f"{value.day} {value:%b}"


def share(part: int, whole: int) -> str:
    """`42%`."""
    return f"{round(100 * part / whole)}%" if whole else "0%"


def sentences(text: str) -> str:
    """Each sentence starting with a capital, whatever figure it opens with ("fewer than 5 …" → "Fewer …")."""
    parts = text.split(". ")
    return ". ".join(p[:1].upper() + p[1:] for p in parts)
