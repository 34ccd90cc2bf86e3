"""The Database: one aiosqlite connection, pragmas, transactions, migrations and backups."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

Params = Sequence[Any] | dict[str, Any]
MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
BUSY_TIMEOUT_MS = 5000
# From this migration on, deleted rows are zeroed (`secure_delete`): a database that existed before is scrubbed
# of what earlier deletions left in free space, once, when it is upgraded past it.
SECURE_DELETE_SINCE = 12
READ_ONLY = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)  # what the read-only connection may run


class DatabaseError(Exception):
    """The database cannot be used; the text says why and what to do."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in storage/migrations, in order."""
    found: list[Migration] = []
    for entry in resources.files("storage.migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise DatabaseError(f"two migrations share a number: {versions}")
    return found


class Database:
    """SQLite through two connections: one writer, whose statements and transactions are serialised, and one
    read-only connection for the reads that ask for it (`snapshot=True`, outside a transaction). In WAL mode
    the reader sees the last commit and never waits for a transaction another task holds open, so a burst of
    writes (a thousand members saving survey pages) does not hold up those reads. Other reads queue on the
    writer as writes do: they see every transaction begun before them, committed (a job written and armed
    inside a transaction is read by the scheduler only once it is committed).

    `async with db.transaction():` opens a write transaction for the current task; any repository call
    made inside it (in the same task) joins it, reads included, so a feature's rows and its scheduled jobs
    commit together and the task sees its own uncommitted writes.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._in_tx: contextvars.ContextVar[bool] = contextvars.ContextVar(f"in_tx_{id(self)}", default=False)

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        """Open (creating if needed), set pragmas and apply pending migrations."""
        db = cls(path)
        await db.connect()
        if migrate:
            try:
                applied = await db.migrate()
                if SECURE_DELETE_SINCE in applied and applied[0] > 1:  # upgraded, not new
                    await db.execute("INSERT OR IGNORE INTO pending_maintenance (task) VALUES ('vacuum')")
                await db.maintain()
            except BaseException:
                await db.close()
                raise
        return db

    async def connect(self) -> None:
        try:
            self._conn = await self._open(
                "PRAGMA journal_mode=WAL",
                "PRAGMA foreign_keys=ON",
                f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
                "PRAGMA synchronous=NORMAL",
                "PRAGMA secure_delete=ON",  # deleted rows are overwritten with zeros, not left in free space
            )
            self._reader = await self._open(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}", "PRAGMA query_only=ON")
        except sqlite3.Error as exc:
            await self.close()  # their worker threads would otherwise keep the process from exiting
            if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
                raise DatabaseError(
                    f"{self.path} is not a copbot database (SQLite can't read it): check COPBOT_DATABASE"
                ) from None
            raise DatabaseError(f"cannot open the database {self.path}: {exc}") from None

    async def _open(self, *pragmas: str) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            for pragma in pragmas:
                await conn.execute(pragma)
        except BaseException:
            await conn.close()
            raise
        return conn

    async def close(self) -> None:
        for name in ("_reader", "_conn"):
            conn = getattr(self, name)
            if conn is not None:
                setattr(self, name, None)
                await conn.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise DatabaseError("the database is not open")
        return self._conn

    # -- transactions -------------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """Commit on success, roll back on any exception. Nested use joins the outer transaction."""
        if self._in_tx.get():
            yield self
            return
        async with self._lock:
            token = self._in_tx.set(True)
            try:
                await self._control("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    await self._control("ROLLBACK")
                    raise
                await self._control("COMMIT")
            finally:
                self._in_tx.reset(token)

    @property
    def in_transaction(self) -> bool:
        """Whether the current task is inside `transaction()`."""
        return self._in_tx.get()

    async def _control(self, statement: str) -> None:
        """BEGIN, COMMIT or ROLLBACK, finished even if the caller is cancelled meanwhile.

        aiosqlite runs statements on its own thread, so a cancelled await does not stop the statement: without
        this, a task cancelled during BEGIN would leave the shared connection inside a transaction.
        """
        done = asyncio.ensure_future(self._execute_plain(statement))
        try:
            await asyncio.shield(done)
        except BaseException:
            with contextlib.suppress(Exception):
                await done
            if self._conn is not None and self._conn.in_transaction:
                await asyncio.shield(self._execute_plain("ROLLBACK"))
            raise

    async def _execute_plain(self, statement: str) -> None:
        if statement == "ROLLBACK" and not self.conn.in_transaction:
            return
        await self.conn.execute(statement)

    @asynccontextmanager
    async def _serialised(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._in_tx.get():
            yield self.conn
        else:
            async with self._lock:
                yield self.conn

    # -- helpers --------------------------------------------------------------------------------------

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement (its own transaction unless inside one); return the last row id."""
        async with self._serialised() as conn:
            row = await conn.execute_insert(sql, params)  # one hop to the connection's thread
            return int(row[0]) if row and row[0] else 0

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed."""
        async with self._serialised() as conn, conn.execute(sql, params) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each of `rows`, all in one transaction (and one hop to the connection)."""
        async with self.transaction():
            await self.conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = (), *, snapshot: bool = False) -> sqlite3.Row | None:
        """The first row of a query (meant for queries of one row: all rows are read)."""
        rows = await self.fetchall(sql, params, snapshot=snapshot)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = (), *, snapshot: bool = False) -> list[sqlite3.Row]:
        """The rows of a query. `snapshot`: read the last commit on the reader, without waiting for a
        transaction in progress (ignored inside a transaction, whose reads must see its own writes)."""
        # One hop to the connection's thread (execute_fetchall), not three (execute, fetch, close).
        if snapshot and self._reader is not None and not self._in_tx.get() and READ_ONLY.match(sql):
            return list(await self._reader.execute_fetchall(sql, params))
        async with self._serialised() as conn:
            return list(await conn.execute_fetchall(sql, params))

    async def fetchval(self, sql: str, params: Params = (), *, snapshot: bool = False) -> Any:
        row = await self.fetchone(sql, params, snapshot=snapshot)
        return None if row is None else row[0]

    # -- migrations -------------------------------------------------------------------------------------

    async def schema_version(self) -> int:
        exists = await self.fetchval(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
        )
        if not exists:
            return 0
        return int(await self.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") or 0)

    async def migrate(self, migrations: list[Migration] | None = None) -> list[int]:
        """Apply pending migrations in order, each in its own transaction; return the versions applied."""
        migrations = bundled_migrations() if migrations is None else migrations
        known = migrations[-1].version if migrations else 0
        async with self._lock:
            await self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
            )
        recorded = {int(r["version"]) for r in await self.fetchall("SELECT version FROM schema_migrations")}
        unknown = sorted(recorded - {m.version for m in migrations})
        if unknown:
            raise DatabaseError(
                f"the database {self.path} has schema version {unknown[-1]}, which this copbot does not know "
                f"(it knows up to version {known}): it was written by a newer copbot. Upgrade copbot, or restore "
                "a backup made by this version."
            )
        applied: list[int] = []
        for migration in migrations:
            if migration.version in recorded:
                continue
            async with self._lock:
                script = (
                    "BEGIN IMMEDIATE;\n"
                    f"{migration.sql}\n;\n"
                    "INSERT INTO schema_migrations (version, name, applied_at) "
                    f"VALUES ({migration.version}, '{migration.name}', {time.time()});\n"  # noqa: TID251 - when it really ran
                    "COMMIT;"
                )
                try:
                    await self.conn.executescript(script)
                except sqlite3.Error as exc:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    raise DatabaseError(
                        f"migration {migration.version:04d}_{migration.name} failed and was rolled back: {exc}"
                    ) from exc
            applied.append(migration.version)
        return applied

    # -- maintenance ------------------------------------------------------------------------------------

    async def erase_deleted(self, *, vacuum: bool = False) -> None:
        """Leave nothing of deleted rows in the files: after a member's data is deleted (`/profile delete`).

        `secure_delete` zeroes deleted rows and freed pages, but two copies remain: FTS5 keeps a deleted row's
        terms in its index segments (marked deleted) until they are merged, so every full-text index is
        merged into one segment ('optimize'); and the write-ahead log keeps old images of every page it
        wrote, so it is checkpointed into the database file and truncated. Other rows are untouched.
        `vacuum` also rewrites the whole file, for free space left by deletions made before `secure_delete`.
        """
        tables = [
            str(r["name"])
            for r in await self.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'"
            )
        ]
        async with self.transaction():
            for table in tables:
                await self.execute(f'INSERT INTO "{table}" ("{table}") VALUES (\'optimize\')')
        if self._in_tx.get():
            return
        if vacuum:
            await self.execute("VACUUM")
        await self.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")

    async def maintain(self) -> None:
        """Run what an upgrade left to do (`pending_maintenance`); each task is forgotten once it succeeded."""
        if await self.fetchval("SELECT 1 FROM pending_maintenance WHERE task = 'vacuum'"):
            await self.erase_deleted(vacuum=True)
            await self.execute("DELETE FROM pending_maintenance WHERE task = 'vacuum'")

    async def size_bytes(self) -> int:
        """Bytes used on disk by the database and its write-ahead log."""
        return sum(p.stat().st_size for p in _files_of(self.path) if p.exists())


def _files_of(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal")]


def backup_database(source: Path | str, destination: Path | str) -> None:
    """Write a consistent copy with SQLite's online backup API; safe while another process writes.

    The copy is written beside the destination as `NAME.partial` and renamed into place only when complete:
    on any failure (disk full, no permission, interrupted) the partial file is removed and nothing is left."""
    source, destination = Path(source), Path(destination)
    if not source.exists():
        raise DatabaseError(f"there is no database at {source}")
    if destination.is_dir():
        raise DatabaseError(f"{destination} is a folder: give a file name for the backup")
    if destination.exists() and destination.resolve() == source.resolve():
        raise DatabaseError("the backup must go to a different file than the database itself")
    partial = destination.with_name(destination.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst, pages=256, sleep=0.005)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, destination)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            raise DatabaseError(_backup_failure(exc, source, destination)) from None
        if isinstance(exc, OSError):
            raise DatabaseError(
                f"the backup failed: {exc.strerror or exc} ({destination}); nothing was written"
            ) from None
        raise


def _backup_failure(error: sqlite3.Error, source: Path, destination: Path) -> str:
    text = str(error)
    if "unable to open" in text:
        return f"the backup failed: can't write in {destination.parent} (check it exists and you may write there)"
    if "not a database" in text:
        return f"the backup failed: {source} is not a database copbot can read"
    return f"the backup failed: {text}; nothing was written"
