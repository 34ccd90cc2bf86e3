"""A click on a resource card's persistent button (`cards.CardButton`: Helpful, I used this, Save): the core
sets or takes back the member's mark, and the card shows the new counts."""

from __future__ import annotations

import discord

from bot.client import CopBot
from bot.errors import UserError
from core.resources.library import Library
from core.text import safe_text

from .cards import CardButton, card_embed, card_view, counts_text
from .replies import refusals


async def card_clicked(library: Library, interaction: discord.Interaction[CopBot], item: CardButton) -> None:
    """Toggle the clicker's mark; Save answers privately, the others also refresh the card."""
    action = item.action
    if interaction.guild_id is None:
        raise UserError("These buttons work inside the server.")
    with refusals():
        toggled = await library.toggle(interaction.guild_id, item.resource_id, interaction.user.id, action)
    on, resource = toggled.on, toggled.resource
    title = safe_text(resource.title, 100)
    if action == "save":
        text = (
            f"Saved **{title}** to your bookmarks: find it any time with `/resource saved`."
            if on
            else f"Removed **{title}** from your bookmarks."
        )
        await interaction.response.send_message(text, ephemeral=True)
        return
    await interaction.response.edit_message(embed=card_embed(resource), view=card_view(resource.id))
    if action == "helpful":
        text = "You marked this helpful" if on else "You took back your “helpful”"
    else:
        text = (
            "You said you used this — thank you, that tells others it works"
            if on
            else ("You took back your “I used this”")
        )
    await interaction.followup.send(f"{text} ({counts_text(resource)}). Click again to undo.", ephemeral=True)
