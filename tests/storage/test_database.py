from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage.database import (
    Database,
    DatabaseError,
    Migration,
    SqliteDatabase,
    discover_migrations,
)


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


async def test_fresh_file_gets_every_migration(db_path: Path) -> None:
    async with SqliteDatabase.open(db_path) as db:
        assert await db.user_version() == len(discover_migrations())
        assert db.applied_migrations == len(discover_migrations())
    assert "guild_settings" in _tables(db_path)
    assert _user_version(db_path) == len(discover_migrations())


async def test_reopening_applies_nothing_and_keeps_rows(db_path: Path) -> None:
    async with SqliteDatabase.open(db_path) as db:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, updated_at) VALUES (1, '2026-01-01')"
            )
    async with SqliteDatabase.open(db_path) as db:
        assert db.applied_migrations == 0
        rows = await db.fetch_all("SELECT guild_id FROM guild_settings")
    assert [r["guild_id"] for r in rows] == [1]


async def test_database_newer_than_the_code_is_refused(db_path: Path) -> None:
    async with SqliteDatabase.open(db_path):
        pass
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(DatabaseError, match=r"newer Roundtable \(schema version 999"):
        async with SqliteDatabase.open(db_path):
            pass


async def test_failing_migration_leaves_nothing_half_applied(db_path: Path) -> None:
    good = Migration(1, "001_a", "CREATE TABLE a (x INTEGER);")
    bad = Migration(2, "002_b", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);")
    with pytest.raises(DatabaseError, match="Migration 002_b failed: no such table: nowhere"):
        async with SqliteDatabase.open(db_path, migrations=[good, bad]):
            pass
    assert _user_version(db_path) == 1
    assert _tables(db_path) == {"a"}


def test_migration_numbers_must_run_without_gaps(tmp_path: Path) -> None:
    (tmp_path / "001_first.sql").write_text("SELECT 1;")
    (tmp_path / "003_third.sql").write_text("SELECT 1;")
    with pytest.raises(DatabaseError, match="003_third should be number 002"):
        discover_migrations(tmp_path)


def test_migration_file_names_are_checked(tmp_path: Path) -> None:
    (tmp_path / "1-first.sql").write_text("SELECT 1;")
    with pytest.raises(DatabaseError, match="1-first.sql is not named NNN_name.sql"):
        discover_migrations(tmp_path)


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, updated_at) VALUES (7, '2026-01-01')"
            )
            raise RuntimeError("boom")
    assert await db.fetch_all("SELECT * FROM guild_settings") == []


async def test_connection_settings(sqlite_db: Database) -> None:
    db = sqlite_db
    mode = await db.fetch_one("PRAGMA journal_mode")
    fks = await db.fetch_one("PRAGMA foreign_keys")
    busy = await db.fetch_one("PRAGMA busy_timeout")
    assert (mode[0], fks[0], busy[0]) == ("wal", 1, 5000)


async def test_reads_are_refused_writes(db: Database) -> None:
    # SQLite: a query_only connection; PostgreSQL: read-only transactions on the read pool.
    with pytest.raises(Exception, match="readonly|read-only|query_only"):
        await db.fetch_all("DELETE FROM guild_settings")


async def test_a_row_just_committed_is_read_back_while_another_read_is_under_way(
    tmp_path: Path,
) -> None:
    """Reads share one connection: a read queued behind another's must not share its older
    snapshot (the timer reading while a moderator's command writes, then reads back)."""
    async with SqliteDatabase.open(tmp_path / "db.sqlite") as db:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            await conn.execute(
                "INSERT INTO notes (body) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                "SELECT i + 1 FROM n WHERE i < 299999) SELECT 'old ' || i FROM n"
            )
        # Its first row takes a while (the sort needs every row): its snapshot is taken first.
        slow = "SELECT body FROM notes ORDER BY -id"

        async def write_then_read() -> bool:
            async with db.transaction() as conn:
                async with conn.execute(
                    "INSERT INTO notes (body) VALUES ('new') RETURNING id"
                ) as cursor:
                    row = await cursor.fetchone()
            assert row is not None
            return await db.fetch_one("SELECT body FROM notes WHERE id = ?", (row[0],)) is not None

        for _ in range(3):
            reading = asyncio.create_task(db.fetch_all(slow))
            await asyncio.sleep(0.01)  # the slow read is under way on the read connection
            assert await write_then_read()
            assert len(await reading) >= 299999
