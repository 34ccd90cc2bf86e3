"""A plain discord.py bot with an app command tree, used by the emulator tests (no project imports)."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands, ui
from discord.ext import commands
from discord.webhook.async_ import async_context, interaction_response_params

FRUITS = ["apple", "apricot", "banana", "blueberry", "cherry"]


class ButtonView(ui.View):
    @ui.button(label="Yes", custom_id="yes", style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction, button: ui.Button[Any]) -> None:
        await interaction.response.edit_message(content=f"clicked by {interaction.user.id}", view=None)

    @ui.button(label="Rename", custom_id="rename")
    async def rename(self, interaction: discord.Interaction, button: ui.Button[Any]) -> None:
        await interaction.response.send_modal(RenameModal())

    @ui.button(label="Later", custom_id="later")
    async def later(self, interaction: discord.Interaction, button: ui.Button[Any]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="updated after defer")


class RenameModal(ui.Modal, title="Rename"):
    new_name: ui.TextInput[Any] = ui.TextInput(label="New name", custom_id="new_name")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=f"renamed to {self.new_name.value}", view=None)


class SelectView(ui.View):
    @ui.select(
        custom_id="fruit",
        max_values=2,
        options=[discord.SelectOption(label=f.title(), value=f) for f in ("apple", "banana", "cherry")],
    )
    async def fruit(self, interaction: discord.Interaction, select: ui.Select[Any]) -> None:
        await interaction.response.send_message(f"chose {','.join(select.values)}", ephemeral=True)

    @ui.select(cls=ui.UserSelect, custom_id="who")
    async def who(self, interaction: discord.Interaction, select: ui.UserSelect[Any]) -> None:
        user = select.values[0]
        await interaction.response.send_message(f"picked {user.id} {type(user).__name__}")

    @ui.select(cls=ui.ChannelSelect, custom_id="where", channel_types=[discord.ChannelType.text])
    async def where(self, interaction: discord.Interaction, select: ui.ChannelSelect[Any]) -> None:
        await interaction.response.send_message(f"channel {select.values[0].name}")


class RowModal(ui.Modal, title="Introduce yourself"):
    name: ui.TextInput[Any] = ui.TextInput(label="Name", custom_id="name", max_length=50)
    about: ui.TextInput[Any] = ui.TextInput(
        label="About", custom_id="about", style=discord.TextStyle.paragraph, required=False
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"hi {self.name.value} ({self.about.value or '-'})")


class LabelModal(ui.Modal, title="New topic"):
    topic: ui.Label[Any] = ui.Label(text="Topic", component=ui.TextInput(custom_id="topic"))
    team: ui.Label[Any] = ui.Label(
        text="Team",
        component=ui.Select(
            custom_id="team", options=[discord.SelectOption(label=x, value=x) for x in ("red", "blue")]
        ),
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.topic.component, ui.TextInput)
        assert isinstance(self.team.component, ui.Select)
        await interaction.response.send_message(
            f"{self.topic.component.value}/{self.team.component.values[0]}"
        )


class EmuBot(commands.Bot):
    """Records what it sees; tests await `ready` and use `wait_for`."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.members = True
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
        self.ready = asyncio.Event()
        self.late_gate = asyncio.Event()
        self.late_result: asyncio.Future[BaseException | None] | None = None
        self.twice_result: asyncio.Future[BaseException | None] | None = None
        self.expired_result: asyncio.Future[BaseException | None] | None = None
        self.expire_gate = asyncio.Event()
        self._register()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_ready(self) -> None:
        self.ready.set()

    def _register(self) -> None:
        tree = self.tree
        meeting = app_commands.Group(name="meeting", description="Meetings")
        cop = app_commands.Group(name="cop", description="Community of practice")
        settings = app_commands.Group(name="settings", description="Settings", parent=cop)

        @meeting.command(name="schedule", description="Schedule a meeting")
        async def schedule(
            interaction: discord.Interaction,
            title: str,
            when: int,
            host: discord.Member,
            room: discord.TextChannel,
            online: bool = False,
            hours: float = 1.0,
            role: discord.Role | None = None,
        ) -> None:
            await interaction.response.send_message(
                f"{title}|{when}|{host.display_name}|{room.name}|{online}|{hours}|{role.name if role else '-'}"
            )

        @meeting.command(name="list", description="List meetings")
        async def list_(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("no meetings", ephemeral=True)

        @settings.command(name="show", description="Show settings")
        @app_commands.choices(section=[app_commands.Choice(name="General", value="general")])
        async def show(interaction: discord.Interaction, section: str = "general") -> None:
            await interaction.response.send_message(f"settings:{section}", ephemeral=True)

        tree.add_command(meeting)
        tree.add_command(cop)

        @tree.command(name="slow", description="Defer then follow up")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done later")
            await interaction.followup.send("and one more", ephemeral=True)

        @tree.command(name="notes", description="Followups edited and deleted")
        async def notes(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("original")
            keep = await interaction.followup.send("first", wait=True)
            drop = await interaction.followup.send("second", wait=True)
            await keep.edit(content="first (edited)")
            await drop.delete()
            await interaction.edit_original_response(content="original (edited)")
            await interaction.followup.send("done")

        @tree.command(name="slowedit", description="Defer then edit")
        async def slowedit(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True)
            await interaction.edit_original_response(
                content="edited original", embed=discord.Embed(title="T")
            )

        @tree.command(name="buttons", description="Buttons")
        async def buttons(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("press", view=ButtonView())

        @tree.command(name="secretbuttons", description="Ephemeral buttons")
        async def secretbuttons(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("press secretly", view=ButtonView(), ephemeral=True)

        @tree.command(name="choose", description="Selects")
        async def choose(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("choose", view=SelectView())

        @tree.command(name="form", description="Modal with action rows")
        async def form(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(RowModal())

        @tree.command(name="form2", description="Modal with labels")
        async def form2(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(LabelModal())

        async def fruit_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=f, value=f) for f in FRUITS if f.startswith(current)]

        @tree.command(name="fruit", description="Autocomplete")
        @app_commands.autocomplete(name=fruit_complete)
        async def fruit(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"fruit {name}")

        @tree.context_menu(name="Quote")
        async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(f"quoted: {message.content}")

        @tree.context_menu(name="Whois")
        async def whois(interaction: discord.Interaction, member: discord.Member) -> None:
            await interaction.response.send_message(f"whois {member.name}", ephemeral=True)

        @tree.command(name="late", description="Answers after the test releases it")
        async def late(interaction: discord.Interaction) -> None:
            await self.late_gate.wait()
            try:
                await interaction.response.send_message("too late")
            except discord.HTTPException as exc:
                self._settle("late_result", exc)
            else:
                self._settle("late_result", None)

        @tree.command(name="twice", description="Answers twice")
        async def twice(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("once")
            adapter = async_context.get()
            try:
                await adapter.create_interaction_response(
                    interaction.id,
                    interaction.token,
                    session=interaction._session,
                    params=interaction_response_params(4, {"content": "twice"}),
                )
            except discord.HTTPException as exc:
                self._settle("twice_result", exc)
            else:
                self._settle("twice_result", None)

        @tree.command(name="expiring", description="Defers; follows up when released")
        async def expiring(interaction: discord.Interaction) -> None:
            await interaction.response.defer()
            await self.expire_gate.wait()
            try:
                await interaction.followup.send("after expiry")
            except discord.HTTPException as exc:
                self._settle("expired_result", exc)
            else:
                self._settle("expired_result", None)

        @tree.command(name="ping", description="Pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

    def _settle(self, name: str, value: BaseException | None) -> None:
        fut = getattr(self, name)
        if fut is not None and not fut.done():
            fut.set_result(value)

    def expect(self, name: str) -> asyncio.Future[BaseException | None]:
        fut: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()
        setattr(self, name, fut)
        return fut
