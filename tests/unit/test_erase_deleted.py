"""Deleted rows leave no bytes in the database files (`Database.erase_deleted`), and a database written before
`secure_delete` is scrubbed once when it is upgraded."""

from __future__ import annotations

from pathlib import Path

from storage.database import SECURE_DELETE_SINCE, Database, bundled_migrations
from storage.fts import match_query

GONE, KEPT = "Zqxj7gone", "Keep5kept"


def found(path: Path, word: str) -> int:
    files = [path, path.with_name(path.name + "-wal")]
    return sum(p.read_bytes().lower().count(word.lower().encode()) for p in files if p.exists())


async def add(db: Database, user_id: int, name: str) -> None:
    await db.execute(
        "INSERT INTO profiles (guild_id, user_id, name, offers, created_at, updated_at) VALUES (1, ?, ?, ?, '', '')",
        (user_id, name, f"{name} kits"),
    )


async def names_matching(db: Database, word: str) -> list[str]:
    rows = await db.fetchall(
        "SELECT p.name FROM profiles_fts f JOIN profiles p ON p.rowid = f.rowid WHERE profiles_fts MATCH ?",
        (match_query(word),),
    )
    return [r["name"] for r in rows]


async def test_a_deleted_row_leaves_nothing_in_the_files_and_the_others_stay(tmp_path: Path) -> None:
    path = tmp_path / "copbot.db"
    db = await Database.open(path)
    try:
        await add(db, 1, f"Ann {GONE}")
        await add(db, 2, f"Bo {KEPT}")
        await db.execute("DELETE FROM profiles WHERE user_id = 1")
        await db.erase_deleted()
        assert found(path, GONE) == 0
        assert found(path, KEPT) > 0
        assert await names_matching(db, KEPT) == [f"Bo {KEPT}"]
        assert await names_matching(db, GONE) == []
    finally:
        await db.close()


async def older_database_with_deleted_text(path: Path) -> None:
    """A database as copbot left it before secure_delete: Ann deleted yet in the file, Bo kept."""
    older = [m for m in bundled_migrations() if m.version < SECURE_DELETE_SINCE]
    db = await Database.open(path, migrate=False)
    try:
        await db.migrate(older)
        await db.execute("PRAGMA secure_delete=OFF")  # as every copbot before it
        await add(db, 1, f"Ann {GONE}")
        await add(db, 2, f"Bo {KEPT}")
        await db.execute("DELETE FROM profiles WHERE user_id = 1")
        await db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
        assert found(path, GONE) > 0  # what an audit found: deleted, yet in the file
    finally:
        await db.close()


async def test_a_database_from_before_secure_delete_is_scrubbed_once_when_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "copbot.db"
    await older_database_with_deleted_text(path)
    db = await Database.open(path)
    try:
        assert found(path, GONE) == 0
        assert await names_matching(db, KEPT) == [f"Bo {KEPT}"]
    finally:
        await db.close()


async def test_a_scrub_that_failed_is_tried_again_at_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "copbot.db"
    await older_database_with_deleted_text(path)
    db = await Database.open(path, migrate=False)
    try:
        await db.migrate()  # upgraded, and then the VACUUM failed (say the disk was full): the task stays
        await db.execute("INSERT INTO pending_maintenance (task) VALUES ('vacuum')")
        assert found(path, GONE) > 0
    finally:
        await db.close()
    db = await Database.open(path)
    try:
        assert found(path, GONE) == 0
        assert await db.fetchval("SELECT COUNT(*) FROM pending_maintenance") == 0
    finally:
        await db.close()
