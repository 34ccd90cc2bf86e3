"""The floor for `bench/floor.py`: a bare discord.py bot that answers each kind of interaction with a static
reply, doing nothing else. Run by the benchmark as its own process, pointed at an emulator:

    DISCORD_TOKEN=... FLOOR_API_URL=http://127.0.0.1:PORT python bench/floor_bot.py

`/ping` answers a slash command; `/button` posts a message whose **Go** button answers a click; `/pick` has an
autocomplete with fixed choices; `/form` opens a one-field modal whose submit is answered. Prints `ready` once
its commands are registered.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import discord
from discord import app_commands

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the emulator's URL patch, nothing of copbot

from emulator.discord_target import point_discord_at


class Go(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Go", custom_id="floor:go")
    async def go(self, interaction: discord.Interaction, button: discord.ui.Button[Go]) -> None:
        await interaction.response.send_message("Done.", ephemeral=True)


class Form(discord.ui.Modal, title="Form"):
    text: discord.ui.TextInput[Form] = discord.ui.TextInput(label="Text")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Thanks.", ephemeral=True)


class Floor(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default())
        self.tree = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        self.add_view(Go())
        await self.tree.sync()

    async def on_ready(self) -> None:
        print("ready", flush=True)


floor = Floor()


@floor.tree.command(name="ping")
async def ping(interaction: discord.Interaction) -> None:
    """A static reply."""
    await interaction.response.send_message("Pong.", ephemeral=True)


@floor.tree.command(name="button")
async def button(interaction: discord.Interaction) -> None:
    """A message with a button."""
    await interaction.response.send_message("Click it.", view=Go())


async def fixed(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=name, value=name) for name in ("alpha", "beta", "gamma")]


@floor.tree.command(name="pick")
@app_commands.autocomplete(choice=fixed)
async def pick(interaction: discord.Interaction, choice: str) -> None:
    """An option with an autocomplete."""
    await interaction.response.send_message(choice, ephemeral=True)


@floor.tree.command(name="form")
async def form(interaction: discord.Interaction) -> None:
    """A modal."""
    await interaction.response.send_modal(Form())


if __name__ == "__main__":
    point_discord_at(os.environ["FLOOR_API_URL"])
    floor.run(os.environ["DISCORD_TOKEN"], log_handler=None)
