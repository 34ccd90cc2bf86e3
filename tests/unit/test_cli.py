"""The command line, run as members of staff would run it: a real subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def copbot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COPBOT_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version_and_help(tmp_path: Path) -> None:
    from bot import __version__

    assert copbot("--version", cwd=tmp_path).stdout.strip() == f"copbot {__version__}"
    top = copbot("--help", cwd=tmp_path)
    assert top.returncode == 0
    for command in ("run", "sync", "migrate", "backup", "demo"):
        assert command in top.stdout
        sub = copbot(command, "--help", cwd=tmp_path)
        assert sub.returncode == 0, sub.stderr
        assert "usage: copbot" in sub.stdout


def test_run_without_a_token_says_how_in_one_line(tmp_path: Path) -> None:
    result = copbot("run", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0]
    assert "copbot demo" in lines[0]


def test_invalid_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    result = copbot("migrate", cwd=tmp_path, COPBOT_LOG_LEVEL="chatty")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "copbot: COPBOT_LOG_LEVEL: must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG (got 'chatty')"
    )


def test_migrate_then_backup(tmp_path: Path) -> None:
    first = copbot("migrate", cwd=tmp_path, COPBOT_DATABASE="cop.db")
    assert first.returncode == 0, first.stderr
    assert "from version 0 to" in first.stdout
    again = copbot("migrate", cwd=tmp_path, COPBOT_DATABASE="cop.db")
    assert "up to date" in again.stdout
    backup = copbot("backup", "copy.db", cwd=tmp_path, COPBOT_DATABASE="cop.db")
    assert backup.returncode == 0, backup.stderr
    conn = sqlite3.connect(tmp_path / "copy.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] >= 1
    conn.close()


def test_backup_of_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = copbot("backup", "copy.db", cwd=tmp_path, COPBOT_DATABASE="absent.db")
    assert result.returncode == 2
    assert "there is no database at absent.db" in result.stderr


@pytest.mark.parametrize("args", [["sync"], ["sync", "--dev"]])
def test_sync_without_a_token(tmp_path: Path, args: list[str]) -> None:
    result = copbot(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
