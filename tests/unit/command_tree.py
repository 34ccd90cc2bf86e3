"""The command tree copbot registers with Discord, as JSON: what members' clients show and old messages'
commands rely on. `tests/unit/test_command_tree.py` compares it with `command_tree.json`.

After a deliberate change of commands or options: `python -m tests.unit.command_tree > tests/unit/command_tree.json`.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from bot.client import CopBot
from bot.settings import Settings

GOLDEN = Path(__file__).with_name("command_tree.json")


async def registered_tree() -> list[dict[str, Any]]:
    """Every command as discord.py sends it to Discord, in a stable order."""
    with tempfile.TemporaryDirectory() as folder:
        bot = CopBot(Settings(database=Path(folder) / "tree.db", _env_file=None))  # type: ignore[call-arg]
        try:
            await bot.setup_hook()
            tree = [command.to_dict(bot.tree) for command in bot.tree.get_commands()]
        finally:
            await bot.close()
    return sorted(tree, key=lambda command: (command.get("type", 1), command["name"]))


def as_text(tree: list[dict[str, Any]]) -> str:
    return json.dumps(tree, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(as_text(asyncio.run(registered_tree())), end="")
