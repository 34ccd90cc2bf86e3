"""Every cog imports and loads, and no two commands share a name."""

from __future__ import annotations

from pathlib import Path

from discord import app_commands

from bot.client import CopBot, discover_extensions
from bot.settings import Settings


def test_discovery_finds_every_cog_module() -> None:
    import cogs

    on_disk = {
        p.stem if p.suffix == ".py" else p.name
        for p in Path(cogs.__file__).parent.iterdir()
        if not p.name.startswith("_") and (p.suffix == ".py" or (p / "__init__.py").exists())
    }
    assert {name.removeprefix("cogs.") for name in discover_extensions()} == on_disk
    assert "cogs.admin" in discover_extensions()


async def test_every_extension_loads_without_command_clashes(tmp_path: Path) -> None:
    bot = CopBot(Settings(database=tmp_path / "x.db", _env_file=None))  # type: ignore[call-arg]
    try:
        await bot.setup_hook()  # loading raises CommandAlreadyRegistered on a clash
        names = [c.qualified_name for c in bot.tree.walk_commands()]
        assert len(names) == len(set(names))
        assert {
            "cop settings",
            "cop timezone",
            "cop organizer-role",
            "cop channel",
            "cop setup",
            "cop about",
        } <= set(names)
        for command in bot.tree.walk_commands():
            assert command.description, command.qualified_name
            assert command.description != "…", command.qualified_name
            if isinstance(command, app_commands.Command):
                for parameter in command.parameters:
                    assert parameter.description != "…", f"{command.qualified_name} {parameter.name}"
    finally:
        await bot.close()
