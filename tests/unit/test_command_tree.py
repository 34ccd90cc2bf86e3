"""Commands, options, their types, bounds and descriptions stay as registered: refactoring moves code, not
what members' clients show. A deliberate change regenerates the file (see `tests/unit/command_tree.py`)."""

from __future__ import annotations

from tests.unit.command_tree import GOLDEN, as_text, registered_tree


async def test_the_registered_command_tree_is_the_recorded_one() -> None:
    assert as_text(await registered_tree()) == GOLDEN.read_text(encoding="utf-8"), (
        "the command tree changed; if that is meant: python -m tests.unit.command_tree > tests/unit/command_tree.json"
    )
