"""Storage: migrations, transactions, refusing a newer database, online backup."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from pathlib import Path

import pytest

from storage.database import Database, DatabaseError, Migration, backup_database, bundled_migrations
from storage.guilds import DEFAULT_TIMEZONE, GuildRepository, Purpose


async def test_migrates_an_empty_file_and_rerun_is_a_noop(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.db")
    try:
        latest = bundled_migrations()[-1].version
        assert await db.schema_version() == latest
        assert await db.migrate() == []
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1
        assert await db.fetchval("PRAGMA busy_timeout") == 5000
        assert await db.fetchval("PRAGMA synchronous") == 1  # NORMAL
    finally:
        await db.close()


async def test_migrations_apply_in_order_and_a_failing_one_rolls_back(tmp_path: Path) -> None:
    db = Database(tmp_path / "m.db")
    await db.connect()
    try:
        good = [
            Migration(1, "one", "CREATE TABLE a (x INTEGER);"),
            Migration(2, "two", "CREATE TABLE b (y);"),
        ]
        assert await db.migrate(good) == [1, 2]
        bad = [*good, Migration(3, "three", "CREATE TABLE c (z); INSERT INTO nowhere VALUES (1);")]
        with pytest.raises(DatabaseError, match="0003_three failed and was rolled back"):
            await db.migrate(bad)
        assert await db.schema_version() == 2
        assert await db.fetchval("SELECT COUNT(*) FROM sqlite_master WHERE name = 'c'") == 0
    finally:
        await db.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = await Database.open(path)
    await db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)")
    await db.close()
    with pytest.raises(DatabaseError, match=r"version 999.*newer copbot"):
        await Database.open(path)


async def test_transaction_rolls_back_on_error_and_commits_otherwise(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.db")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
                raise RuntimeError("boom")
        assert await db.fetchval("SELECT COUNT(*) FROM guild_settings") == 0
        async with db.transaction():
            await db.execute("INSERT INTO guild_settings (guild_id) VALUES (2)")
            async with db.transaction():  # nested: joins the outer one
                await db.execute("INSERT INTO guild_settings (guild_id) VALUES (3)")
        assert await db.fetchval("SELECT COUNT(*) FROM guild_settings") == 2
    finally:
        await db.close()


async def test_nested_failure_rolls_back_the_whole_transaction(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "n.db")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction():
                await db.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
                async with db.transaction():
                    await db.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
        assert await db.fetchval("SELECT COUNT(*) FROM guild_settings") == 0
    finally:
        await db.close()


async def test_concurrent_transactions_do_not_interleave(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.db")
    try:

        async def writer(guild_id: int, fail: bool) -> None:
            async with db.transaction():
                await db.execute("INSERT INTO guild_settings (guild_id) VALUES (?)", (guild_id,))
                await asyncio.sleep(0)  # let the other task run while this transaction is open
                if fail:
                    raise ValueError

        results = await asyncio.gather(writer(1, True), writer(2, False), return_exceptions=True)
        assert isinstance(results[0], ValueError)
        assert [r["guild_id"] for r in await db.fetchall("SELECT guild_id FROM guild_settings")] == [2]
    finally:
        await db.close()


async def test_snapshot_reads_see_the_last_commit_without_waiting_for_a_transaction(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "r.db")
    try:
        await db.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
        holding, release = asyncio.Event(), asyncio.Event()

        async def slow_writer() -> None:
            async with db.transaction():
                await db.execute("INSERT INTO guild_settings (guild_id) VALUES (2)")
                assert await db.fetchval("SELECT COUNT(*) FROM guild_settings") == 2  # its own write
                holding.set()
                await release.wait()

        writing = asyncio.create_task(slow_writer())
        await holding.wait()
        # the transaction is open and holds the writer: a snapshot read answers at once, from the last commit
        assert await db.fetchval("SELECT COUNT(*) FROM guild_settings", snapshot=True) == 1
        waiting = asyncio.ensure_future(db.fetchval("SELECT COUNT(*) FROM guild_settings"))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # any other read waits for the transaction, as a write does
        release.set()
        await writing
        assert await waiting == 2
        assert await db.fetchval("SELECT COUNT(*) FROM guild_settings", snapshot=True) == 2
        with pytest.raises(sqlite3.OperationalError, match="readonly"):  # the reader never writes
            await db._reader.execute_fetchall("DELETE FROM guild_settings")  # type: ignore[union-attr]
    finally:
        await db.close()


async def test_backup_while_a_writer_is_active_is_consistent(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    db = await Database.open(source)
    await db.execute("CREATE TABLE filler (n INTEGER, pad TEXT)")
    stop = threading.Event()

    def write_continuously() -> None:
        conn = sqlite3.connect(source, timeout=5)
        n = 0
        while not stop.is_set():
            conn.execute("INSERT INTO filler VALUES (?, ?)", (n, "x" * 500))
            conn.commit()
            n += 1
        conn.close()

    writer = threading.Thread(target=write_continuously)
    writer.start()
    try:
        deadline = asyncio.get_running_loop().time() + 10
        while await db.fetchval("SELECT COUNT(*) FROM filler") < 2000:
            assert asyncio.get_running_loop().time() < deadline, "the writer never got going"
            await asyncio.sleep(0.01)
        copy = tmp_path / "copy.db"
        await asyncio.to_thread(backup_database, source, copy)
    finally:
        stop.set()
        writer.join()
        await db.close()
    check = sqlite3.connect(copy)
    try:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("SELECT COUNT(*) FROM filler").fetchone()[0] >= 2000
        assert check.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] >= 1
    finally:
        check.close()


def test_backup_refuses_a_missing_source_and_the_same_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database"):
        backup_database(tmp_path / "nope.db", tmp_path / "b.db")
    same = tmp_path / "same.db"
    sqlite3.connect(same).close()
    with pytest.raises(DatabaseError, match="different file"):
        backup_database(same, same)


async def test_guild_settings_defaults_and_updates(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "g.db")
    try:
        repo = GuildRepository(db)
        fresh = await repo.get(42)
        assert fresh.timezone == DEFAULT_TIMEZONE
        assert fresh.organizer_role_id is None
        assert fresh.channels == {}
        await repo.set_timezone(42, "America/New_York")
        await repo.set_organizer_role(42, 7)
        await repo.set_channels(42, {Purpose.MEETINGS: 100, Purpose.RESOURCES: 101})
        await repo.set_channel(42, Purpose.MEETINGS, 102)
        got = await repo.get(42)
        assert got.timezone == "America/New_York"
        assert await repo.timezone(42) == "America/New_York"
        assert got.organizer_role_id == 7
        assert got.channels == {Purpose.MEETINGS: 102, Purpose.RESOURCES: 101}
        await repo.forget_channel(42, 101)
        await repo.forget_role(42, 7)
        got = await repo.get(42)
        assert got.channels == {Purpose.MEETINGS: 102}
        assert got.organizer_role_id is None
        assert (await repo.get(43)).timezone == DEFAULT_TIMEZONE
    finally:
        await db.close()


async def test_a_transaction_cancelled_at_any_point_leaves_the_connection_usable(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "cancel.db")
    try:
        for steps in range(8):  # cancel after 0..7 trips through the event loop: during BEGIN, body or COMMIT

            async def write(n: int = steps) -> None:
                async with db.transaction():
                    await db.execute("INSERT INTO guild_settings (guild_id) VALUES (?)", (100 + n,))

            task = asyncio.create_task(write())
            for _ in range(steps):
                await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            assert not db.conn.in_transaction
            async with db.transaction():  # the next writer is not stuck behind a half-open transaction
                await db.execute("INSERT INTO guild_settings (guild_id) VALUES (?)", (steps,))
        assert await db.fetchval("SELECT COUNT(*) FROM guild_settings WHERE guild_id < 100") == 8
    finally:
        await db.close()


async def test_a_migration_numbered_below_the_newest_is_still_applied(tmp_path: Path) -> None:
    db = Database(tmp_path / "gap.db")
    await db.connect()
    try:
        one = Migration(1, "one", "CREATE TABLE a (x);")
        two = Migration(2, "two", "CREATE TABLE b (y);")
        three = Migration(3, "three", "CREATE TABLE c (z);")
        assert await db.migrate([one, three]) == [1, 3]
        assert await db.migrate([one, two, three]) == [2]
        assert await db.fetchval("SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'") == 1
        with pytest.raises(DatabaseError, match="version 3, which this copbot does not know"):
            await db.migrate([one, two])
    finally:
        await db.close()
