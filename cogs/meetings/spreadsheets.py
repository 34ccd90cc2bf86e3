"""CSV files for organizers (attendees, attendance), safe to open in spreadsheet apps."""

from __future__ import annotations

import csv
import io

import discord

FORMULA_STARTS = ("=", "+", "-", "@")


def csv_file(rows: list[list[str]], name: str) -> discord.File:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        # Spreadsheet apps run cells starting with = + - @ as formulas: quote them as text.
        writer.writerow([f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell for cell in row])
    return discord.File(io.BytesIO(out.getvalue().encode("utf-8-sig")), filename=name)
