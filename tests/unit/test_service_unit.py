"""The systemd unit in deploy/ is one systemd accepts (checked with `systemd-analyze verify` where it exists)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "copbot.service"


def test_the_unit_runs_copbot_without_root_and_restarts_it() -> None:
    text = UNIT.read_text()
    for line in (
        "DynamicUser=yes",
        "StateDirectory=copbot",
        "EnvironmentFile=/etc/copbot/copbot.env",
        "Environment=COPBOT_DATABASE=/var/lib/copbot/copbot.db",
        "ExecStart=/opt/copbot/.venv/bin/copbot run",
        "Restart=on-failure",
        "WantedBy=multi-user.target",
    ):
        assert line in text.splitlines(), line
    assert "User=root" not in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    # The unit names /opt/copbot; here the code is this checkout, and copbot the one of the virtualenv running
    # the tests (verify checks that ExecStart exists).
    copbot = Path(sys.executable).parent / "copbot"
    if not copbot.exists():
        pytest.skip(f"no copbot command beside {sys.executable}: ExecStart could not be checked")
    text = (
        UNIT.read_text()
        .replace("/opt/copbot/.venv/bin/copbot", str(copbot))
        .replace("/opt/copbot", str(ROOT))
    )
    unit = tmp_path / "copbot.service"
    unit.write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.strip() == "", done.stderr  # an unknown or misplaced key is only a warning
