"""What start-up leaves unimported: libraries only some commands need cost memory for the bot's whole life."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Imported on first use: dateparser by the first typed date, icalendar by the first calendar file or series.
LATER = ("dateparser", "icalendar")


def test_the_bot_and_every_cog_load_without_the_libraries_a_first_use_imports() -> None:
    script = (
        "import importlib, pkgutil, sys\n"
        "import bot.cli, bot.client, cogs\n"
        "for found in pkgutil.walk_packages(cogs.__path__, 'cogs.'):\n"
        "    importlib.import_module(found.name)\n"
        f"print(','.join(name for name in {LATER!r} if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "", done.stdout
