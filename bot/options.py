"""Integer options and typed ids within Discord's range, so nothing larger ever reaches SQLite.

Discord carries integer options between -(2^53 - 1) and 2^53 - 1 (its clients refuse others); SQLite's integers stop at
2^63 - 1 and raise OverflowError beyond. Every id or count option is declared with these bounds, and every
id a member types as text (autocomplete, "group:12") goes through `typed_id`.
"""

from __future__ import annotations

from discord import app_commands

DISCORD_INT_MAX = 2**53 - 1  # Discord: integer options lie within ±(2^53 - 1)

Id = app_commands.Range[int, 1, DISCORD_INT_MAX]  # a meeting, announcement, resource or topic number
Capacity = app_commands.Range[int, 1, 100_000]  # seats at a meeting
SeriesCount = app_commands.Range[int, 1, 52]  # meetings in a series


def typed_id(text: str) -> int | None:
    """The id a member typed ("12", " #12"), or None when it isn't one (words, huge or non-ASCII digits)."""
    value = text.strip().removeprefix("#")
    if not value.isascii() or not value.isdigit() or len(value) > len(str(DISCORD_INT_MAX)):
        return None
    number = int(value)
    return number if 1 <= number <= DISCORD_INT_MAX else None
