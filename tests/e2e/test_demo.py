"""`copbot demo`: the offline demo runs end to end in a fresh process and prints a readable transcript."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_demo_runs_the_scenario_and_exits_zero(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPBOT_", "DISCORD_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "== What happened ==" in out
    assert "▶ olivia_organizer runs /cop setup" in out
    assert "Created #introductions, #announcements, #meetings and #resources." in out
    assert "Only organizers can do this" in out  # a teacher tried an organizer command
    assert "Did you mean `America/Phoenix`" in out
    assert "== The channels now ==" in out
    assert "#resources" in out
    assert "<#" not in out  # mentions are shown as names
    assert "<t:" not in out  # times are shown in the community's zone
    assert "Traceback" not in result.stderr
    assert "Demo finished" in out
    assert not list(tmp_path.iterdir())  # leaves nothing behind
