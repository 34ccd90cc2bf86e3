"""Backup files of the database: dated names, writing and checking one, the list, rotation, and restoring.

A backup is written with SQLite's online backup API (`storage.database.backup_database`: atomically, as
`NAME.partial` renamed into place) and then checked: SQLite's integrity check on the copy, opened read-only,
and a copbot schema. The daily backup (`bot.backups`) keeps the newest `keep` dated files of its folder.
`restore` refuses a file that is not a copbot database, is damaged or comes from a newer copbot, and a
database that a running bot holds; the database it replaces is kept beside it.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.database import DatabaseError, backup_database, bundled_migrations
from storage.instance_lock import AlreadyRunning, InstanceLock

__all__ = [
    "BackupFile",
    "check",
    "dated_path",
    "listing",
    "restore",
    "rotate",
    "write_backup",
]

_DATED = re.compile(r"^copbot-(\d{4}-\d{2}-\d{2}-\d{6})(?:-\d+)?\.db$")


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    size: int
    made: datetime  # from the file's name (local time of the machine that wrote it)


def dated_path(folder: Path, when: datetime) -> Path:
    """`folder/copbot-YYYY-MM-DD-HHMMSS.db`, with `-2`, `-3`… when two backups share a second."""
    stamp = when.strftime("%Y-%m-%d-%H%M%S")
    path = folder / f"copbot-{stamp}.db"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"copbot-{stamp}-{n}.db"
    return path


def check(path: Path) -> str | None:
    """What is wrong with `path` as a copbot database (None when nothing is): not SQLite, damaged, not
    copbot's, or from a newer copbot."""
    if not path.is_file():
        return f"there is no file {path}"
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = con.execute("PRAGMA integrity_check").fetchone()
            if found is None or found[0] != "ok":
                return f"{path} is damaged (SQLite's integrity check: {found[0] if found else 'no answer'})"
            has_schema = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            ).fetchone()
            if not has_schema:
                return f"{path} is an SQLite database, but not copbot's"
            version = int(
                con.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]
            )
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return f"{path} is not a database (SQLite cannot read it)"
    known = bundled_migrations()[-1].version
    if version > known:
        return (
            f"{path} was written by a newer copbot (schema version {version}; this one knows up to {known}): "
            "upgrade copbot first"
        )
    return None


def write_backup(database: Path, folder: Path, when: datetime) -> Path:
    """A checked backup of `database` as a dated file in `folder`; raises DatabaseError or OSError, leaving
    no file behind, when it cannot be written or does not check out."""
    path = dated_path(folder, when)
    backup_database(database, path)
    problem = check(path)
    if problem is not None:
        path.unlink(missing_ok=True)
        raise DatabaseError(f"the backup did not check out and was removed: {problem}")
    return path


def listing(folder: Path) -> list[BackupFile]:
    """The dated backups in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = _DATED.match(entry.name)
        if match and entry.is_file():
            made = datetime.strptime(match[1], "%Y-%m-%d-%H%M%S")
            found.append(BackupFile(entry, entry.stat().st_size, made))
    found.sort(key=lambda b: (b.made, b.path.name), reverse=True)
    return found


def rotate(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` dated backups; the paths removed."""
    removed = []
    for old in listing(folder)[max(keep, 1) :]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def _same_owner(model: Path, path: Path) -> None:
    """`path` gets `model`'s mode and, where allowed, owner: a restore run with sudo leaves a database the
    service's own user can still write."""
    found = model.stat()
    os.chmod(path, stat.S_IMODE(found.st_mode))
    with contextlib.suppress(PermissionError):
        os.chown(path, found.st_uid, found.st_gid)


def restore(database: Path, backup: Path, when: datetime) -> Path | None:
    """Put `backup` in place of `database`; the path the replaced database was kept at (None if there was
    none). Raises DatabaseError (with what to do) when the file does not check out or a bot is running."""
    problem = check(backup)
    if problem is not None:
        raise DatabaseError(f"not restored: {problem}.")
    if backup.resolve() == database.resolve():
        raise DatabaseError("not restored: that file is the database itself.")
    lock = InstanceLock(database)
    try:
        lock.acquire()  # held throughout: no bot can start on the database meanwhile
    except AlreadyRunning as running:
        raise DatabaseError(f"not restored: {running}") from None
    try:
        kept = None
        if database.exists():
            kept = database.with_name(f"{database.name}.before-restore-{when.strftime('%Y-%m-%d-%H%M%S')}")
            os.replace(database, kept)
            for suffix in ("-wal", "-shm"):  # they belong to the replaced file: SQLite would apply them
                side = database.with_name(database.name + suffix)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + suffix))
        try:
            backup_database(backup, database)
            if kept is not None:
                _same_owner(kept, database)
        except BaseException:
            if kept is not None:  # put the replaced database back as it was
                os.replace(kept, database)
                for suffix in ("-wal", "-shm"):
                    side = kept.with_name(kept.name + suffix)
                    if side.exists():
                        os.replace(side, database.with_name(database.name + suffix))
            raise
        return kept
    finally:
        lock.release()
