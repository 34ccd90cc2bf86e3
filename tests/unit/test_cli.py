"""The command line, run as members of staff would run it: a real subprocess."""

from __future__ import annotations

import os
import re
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


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    """Failures are one plain line on stderr, never a traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("copbot: ")
    return lines[0]


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_backup_into_a_folder_writes_a_dated_file_inside_it(tmp_path: Path) -> None:
    assert copbot("migrate", cwd=tmp_path, COPBOT_DATABASE="cop.db").returncode == 0
    (tmp_path / "backups").mkdir()
    first = copbot("backup", "backups", cwd=tmp_path, COPBOT_DATABASE="cop.db")
    second = copbot("backup", "backups/", cwd=tmp_path, COPBOT_DATABASE="cop.db")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    made = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(made) == 2, made
    for name in made:
        assert re.fullmatch(r"copbot-\d{4}-\d{2}-\d{2}-\d{6}(-\d+)?\.db", name), name
        assert name in first.stdout + second.stdout
        conn = sqlite3.connect(tmp_path / "backups" / name)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "cop.db"]  # nothing partial beside it


@pytest.mark.parametrize("where", ["missing/copy.db", "missing/"])
def test_backup_to_a_missing_folder_says_so(tmp_path: Path, where: str) -> None:
    assert copbot("migrate", cwd=tmp_path, COPBOT_DATABASE="cop.db").returncode == 0
    line = _one_line(copbot("backup", where, cwd=tmp_path, COPBOT_DATABASE="cop.db"))
    assert "there is no folder missing" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cop.db"]


def test_a_failed_backup_leaves_no_partial_file(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("these are not the tables you are looking for")
    line = _one_line(copbot("backup", "copy.db", cwd=tmp_path, COPBOT_DATABASE="notes.db"))
    assert "notes.db is not a database" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_file_that_is_not_a_database_is_one_line_and_the_process_ends(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("these are not the tables you are looking for")
    line = _one_line(copbot("migrate", cwd=tmp_path, COPBOT_DATABASE="notes.db"))
    assert line == "copbot: notes.db is not a copbot database (SQLite can't read it): check COPBOT_DATABASE"


@pytest.mark.parametrize("command", [["run"], ["sync"]])
def test_without_network_it_says_it_cannot_reach_discord(tmp_path: Path, command: list[str]) -> None:
    env = {
        "DISCORD_TOKEN": "MTA.not.reachable",
        "COPBOT_DISCORD_API_URL": f"http://127.0.0.1:{_closed_port()}",
        "COPBOT_LOG_LEVEL": "WARNING",
    }
    line = _one_line(copbot(*command, cwd=tmp_path, **env))
    assert line.startswith(
        "copbot: can't reach Discord at 127.0.0.1: check this computer's internet connection"
    )


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    env = {
        "DISCORD_TOKEN": "MTA.not.reachable",
        "COPBOT_DISCORD_API_URL": f"http://127.0.0.1:{_closed_port()}",
    }
    for result in (
        copbot("--debug", "sync", cwd=tmp_path, **env),
        copbot("sync", cwd=tmp_path, COPBOT_LOG_LEVEL="DEBUG", **env),
    ):
        assert result.returncode != 0
        assert "Traceback" in result.stderr
        assert "ClientConnectorError" in result.stderr
