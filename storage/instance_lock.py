"""One running bot per database: a second `copbot run` on the same file refuses, saying why.

Two bots on one database would each run the scheduler, so every announcement and reminder would be posted
twice. The running bot holds an exclusive `flock` on `DATABASE.lock` (the operating system lets it go when
the process ends, however it ends, so a crash never leaves a stale lock) and writes its process id there for
the message. Commands that only read or copy the database (`copbot backup`, `copbot report`) don't take it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from storage.database import DatabaseError

__all__ = ["AlreadyRunning", "InstanceLock", "holder"]


class AlreadyRunning(DatabaseError):
    """Another copbot holds the database."""


def _lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def holder(database: Path) -> int | None:
    """The process id of the copbot running on `database`, or None when none is."""
    path = _lock_path(database)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 32, 0).decode(errors="replace").strip()
            return int(text) if text.isdigit() else 0
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


class InstanceLock:
    """Held by `copbot run` from start-up to shutdown."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._fd: int | None = None

    def acquire(self) -> None:
        path = _lock_path(self.database)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            who = f" (process {text})" if text.isdigit() else ""
            raise AlreadyRunning(
                f"another copbot is already running on {self.database}{who}. Two would post every announcement "
                "and reminder twice: stop the other one first (or give this one its own COPBOT_DATABASE)."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
