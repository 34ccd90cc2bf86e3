"""CSV files for organizers (attendees, attendance, the school-gaps grid), safe to open in spreadsheet apps."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import discord

from core.text import looks_like_formula


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run is prefixed with an apostrophe (shown as text); numbers stay."""
    if isinstance(value, str) and looks_like_formula(value):
        return f"'{value}"
    return value


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents), every text cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def csv_file(rows: Iterable[Sequence[object]], name: str) -> discord.File:
    return discord.File(io.BytesIO(csv_bytes(rows)), filename=name)
