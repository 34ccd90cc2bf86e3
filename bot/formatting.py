"""Discord's markup for what members see: embeds and the note under a late post. Plain-text helpers
(plural, lists, quoting member text) are in `core/text.py`."""

from __future__ import annotations

from datetime import datetime

import discord

EMBED_COLOUR = discord.Colour.from_rgb(46, 134, 171)


def embed(title: str, description: str | None = None) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=EMBED_COLOUR)


def format_late_note(planned: datetime) -> str:
    """Said under a scheduled post that went out late because the bot was offline."""
    return f"Planned for <t:{int(planned.timestamp())}:f>; sent late because copbot was offline then."
