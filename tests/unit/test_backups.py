"""Backup files: written and checked, listed newest first, rotated, restored; what each bad file is told."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from storage.backups import check, dated_path, listing, restore, rotate, write_backup
from storage.database import Database, DatabaseError, bundled_migrations
from storage.instance_lock import InstanceLock

WHEN = datetime(2026, 12, 4, 3, 0)
ROOT = Path(__file__).resolve().parents[2]


async def database(path: Path, note: str = "first") -> Path:
    db = await Database.open(path)
    await db.execute("INSERT INTO bot_state (key, value) VALUES ('note', ?)", (note,))
    await db.close()
    return path


def named(folder: Path, prefix: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(prefix))


def note_in(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("SELECT value FROM bot_state WHERE key = 'note'").fetchone()[0])
    finally:
        con.close()


async def test_a_backup_is_a_checked_dated_copy_and_the_newest_are_kept(tmp_path: Path) -> None:
    source = await database(tmp_path / "copbot.db")
    folder = tmp_path / "backups"
    folder.mkdir()
    made = [write_backup(source, folder, WHEN + timedelta(days=n)) for n in range(5)]
    assert made[0].name == "copbot-2026-12-04-030000.db"
    assert all(check(path) is None and note_in(path) == "first" for path in made)
    assert [b.path for b in listing(folder)] == made[::-1]
    assert dated_path(folder, WHEN).name == "copbot-2026-12-04-030000-2.db"  # the same second: a new name
    (folder / "notes.txt").write_text("not a backup")
    assert rotate(folder, 3) == made[:2][::-1]
    assert [b.path for b in listing(folder)] == made[2:][::-1]
    assert (folder / "notes.txt").exists()  # only dated backups are ever removed
    assert not list(folder.glob("*.partial"))


async def test_what_is_wrong_with_a_file_is_said_plainly(tmp_path: Path) -> None:
    assert "there is no file" in str(check(tmp_path / "missing.db"))
    text = tmp_path / "notes.db"
    text.write_text("hello, this is not a database" * 100)
    assert "is not a database" in str(check(text))
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert "not copbot's" in str(check(other))
    newer = await database(tmp_path / "newer.db")
    con = sqlite3.connect(newer)
    con.execute(
        "INSERT INTO schema_migrations VALUES (?, 'future', 0)", (bundled_migrations()[-1].version + 1,)
    )
    con.commit()
    con.close()
    assert "written by a newer copbot" in str(check(newer))


async def test_restore_keeps_the_replaced_database_and_refuses_while_a_bot_runs(tmp_path: Path) -> None:
    live = await database(tmp_path / "copbot.db", "live")
    backup = await database(tmp_path / "backup.db", "from the backup")
    running = InstanceLock(live)
    running.acquire()
    with pytest.raises(DatabaseError, match="not restored: another copbot is already running"):
        restore(live, backup, WHEN)
    running.release()
    assert note_in(live) == "live"
    (tmp_path / "copbot.db-wal").write_bytes(b"")  # left by the replaced database: it goes with it
    live.chmod(0o640)
    owner = 65534 if os.geteuid() == 0 else os.getuid()  # as root (sudo): the service's own user
    os.chown(live, owner, owner if os.geteuid() == 0 else os.getgid())
    kept = restore(live, backup, WHEN)
    assert live.stat().st_mode & 0o777 == 0o640  # as the replaced file was
    assert live.stat().st_uid == owner
    assert note_in(live) == "from the backup"
    assert kept is not None
    assert kept.name == "copbot.db.before-restore-2026-12-04-030000"
    assert note_in(kept) == "live"
    assert not (tmp_path / "copbot.db-wal").exists()


async def test_a_bad_file_is_never_restored_and_the_database_is_untouched(tmp_path: Path) -> None:
    live = await database(tmp_path / "copbot.db", "live")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\0" * 4096)
    with pytest.raises(DatabaseError, match=r"not restored: .*junk\.db is not a database"):
        restore(live, junk, WHEN)
    with pytest.raises(DatabaseError, match="the database itself"):
        restore(live, live, WHEN)
    assert note_in(live) == "live"
    assert named(tmp_path, "copbot.db") == ["copbot.db"]


async def test_a_full_disk_leaves_no_partial_file(tmp_path: Path) -> None:
    source = await database(tmp_path / "copbot.db")
    folder = tmp_path / "backups"
    folder.mkdir()
    assert back_up_on_a_full_disk(source, folder).startswith(("DatabaseError", "OSError"))
    assert list(folder.iterdir()) == []


def back_up_on_a_full_disk(source: Path, folder: Path) -> str:
    """`write_backup` in a process that may write files of at most 4 KiB: the disk is full for it."""
    script = (
        "import resource, signal, sys\n"
        "from datetime import datetime\n"
        "from pathlib import Path\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from storage.backups import write_backup\n"
        "try:\n"
        f"    write_backup(Path({str(source)!r}), Path({str(folder)!r}), datetime(2026, 12, 4, 3))\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout + done.stderr
