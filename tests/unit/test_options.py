"""Every integer option is bounded within Discord's ±2^53, and typed ids never overflow SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from discord import AppCommandOptionType, app_commands

from bot.client import CopBot
from bot.options import DISCORD_INT_MAX, typed_id
from bot.settings import Settings


async def test_every_integer_option_declares_bounds_within_discords_range(tmp_path: Path) -> None:
    bot = CopBot(Settings(database=tmp_path / "x.db", _env_file=None))  # type: ignore[call-arg]
    try:
        await bot.setup_hook()
        numeric = [
            (command.qualified_name, parameter)
            for command in bot.tree.walk_commands()
            if isinstance(command, app_commands.Command)
            for parameter in command.parameters
            if parameter.type in (AppCommandOptionType.integer, AppCommandOptionType.number)
        ]
        assert len(numeric) >= 20
        for name, parameter in numeric:
            where = f"/{name} {parameter.name}"
            assert parameter.min_value is not None, where
            assert parameter.max_value is not None, where
            assert -DISCORD_INT_MAX <= parameter.min_value <= parameter.max_value <= DISCORD_INT_MAX, where
    finally:
        await bot.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" #12 ", 12), (str(DISCORD_INT_MAX), DISCORD_INT_MAX), ("0", None), ("-3", None)],
)
def test_typed_ids(text: str, expected: int | None) -> None:
    assert typed_id(text) == expected


@pytest.mark.parametrize("text", ["9" * 20, str(2**63), str(DISCORD_INT_MAX + 1), "١٢", "12a", "", "1e9"])
def test_what_is_not_an_id(text: str) -> None:
    assert typed_id(text) is None
