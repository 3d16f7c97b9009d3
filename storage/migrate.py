"""`python bot.py migrate-sqlite-to-postgres SQLITE_FILE`: copy a SQLite database into the
PostgreSQL database of DATABASE_URL.

The SQLite file is first brought to the current schema (as the bot would at start-up); the
PostgreSQL database is migrated to the same one. Every table is copied in one PostgreSQL
transaction, parents before children, each row written by its primary key (a row copied before
is brought up to date, never doubled), then the identity sequences are moved past the copied
ids and the row counts of every table are compared: any difference rolls the whole copy back.
So it is safe to run again, e.g. once more just before switching over.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from storage.database import DatabaseError, SqliteDatabase
from storage.postgres import PgConnection, PostgresDatabase, connect

BATCH = 5000

# Parents before children; each table's primary key (the upsert's conflict target) and whether
# its key is an identity whose sequence must follow the copied ids.
TABLES: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("guild_settings", ("guild_id",), None),
    ("packs", ("id",), "id"),
    ("series", ("id",), "id"),
    ("rounds", ("id",), "id"),
    ("series_posts", ("series_id", "occurrence"), None),
    ("responses", ("id",), "id"),
    ("response_edits", ("rowid",), "rowid"),
    ("stances", ("round_id", "user_id"), None),
    ("member_privacy", ("guild_id", "user_id"), None),
    ("summaries", ("id",), "id"),
    ("summary_posts", ("round_id",), None),
    ("member_names", ("guild_id", "user_id"), None),
    ("suggestions", ("id",), "id"),
    ("suggestion_votes", ("suggestion_id", "user_id"), None),
    ("member_progress", ("guild_id", "user_id", "pack_id"), None),
)


# Live state of running processes, not data: never copied.
NOT_COPIED = frozenset({"shard_leases"})


@dataclass(frozen=True, slots=True)
class Copied:
    table: str
    rows: int


class CopyMismatch(DatabaseError):
    """After the copy a table's row count differs; nothing was kept."""


def _sqlite_tables(conn: sqlite3.Connection) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))]


async def copy_sqlite_to_postgres(
    sqlite_file: Path, url: str, *, progress: Callable[[str], None] = lambda _: None
) -> list[Copied]:
    """Copy every table; returns the row count of each (equal on both sides)."""
    if not await asyncio.to_thread(sqlite_file.is_file):
        raise DatabaseError(f"There is no SQLite database at {sqlite_file}.")
    try:
        async with SqliteDatabase.open(sqlite_file):  # bring the file to the current schema
            pass
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{sqlite_file} is not a Roundtable SQLite database: {exc}.") from exc
    source = sqlite3.connect(
        f"file:{sqlite_file}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
    )  # read on the copy's thread
    try:
        # One read transaction: every table (and its count) as of one moment, even if a bot
        # still writes to the file meanwhile.
        source.execute("BEGIN")
        known = {name for name, _, _ in TABLES} | NOT_COPIED
        unknown = _sqlite_tables(source) - known
        if unknown:
            raise DatabaseError(
                f"{sqlite_file} has tables this copy does not know ({', '.join(sorted(unknown))}):"
                " update the code."
            )
        async with PostgresDatabase.connect(url):  # the schema, migrated
            pass
        conn = await asyncio.to_thread(connect, url)
        try:
            return await asyncio.to_thread(_copy_all, source, sqlite_file, conn, progress)
        except psycopg.Error as exc:
            raise DatabaseError(
                f"The copy was rolled back, nothing was kept: {exc}. Copy into an empty "
                "database, or one that only this command wrote to."
            ) from exc
        finally:
            await asyncio.to_thread(conn.close)
    finally:
        source.close()


def _copy_all(
    source: sqlite3.Connection,
    source_path: Path,
    conn: PgConnection,
    progress: Callable[[str], None],
) -> list[Copied]:
    with conn.transaction():
        # Nothing else writes while the copy runs (a bot started too early waits).
        conn.execute(
            "LOCK TABLE " + ", ".join(name for name, _, _ in TABLES) + " IN EXCLUSIVE MODE"
        )
        _refuse_foreign_rows(source, conn)
        counts = []
        for table, key, identity in TABLES:
            rows = _copy_table(source, conn, table, key)
            if identity:
                highest = "SELECT max(" + identity + ") FROM " + table  # noqa: S608
                conn.execute(
                    "SELECT setval(pg_get_serial_sequence(?, ?), GREATEST((" + highest + "), 1))",
                    (table, identity),
                )
            counts.append(Copied(table, rows))
            progress(f"{table}: {rows} rows")
        _verify(source, conn, counts)
        conn.execute("INSERT INTO roundtable_copies (sqlite_file) VALUES (?)", (str(source_path),))
    return counts


def _refuse_foreign_rows(source: sqlite3.Connection, conn: PgConnection) -> None:
    """PostgreSQL must be empty, or hold only rows an earlier copy wrote: rows of a bot that
    ran on it would be overwritten by the file's rows of the same ids."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS roundtable_copies (copied_at TIMESTAMPTZ NOT NULL DEFAULT "
        "now(), sqlite_file TEXT NOT NULL)"
    )
    copied_before = _count(conn, "SELECT count(*) FROM roundtable_copies")
    for table, key, _ in TABLES:
        keys = ", ".join(key)
        select = "SELECT " + keys + " FROM " + table  # noqa: S608
        theirs = {tuple(r) for r in conn.execute(select).fetchall()}
        if not theirs:
            continue
        if not copied_before:
            raise DatabaseError(
                f"The PostgreSQL database already has rows in {table} and no copy was made into "
                "it (did a bot run on it?); nothing was copied: copy into an empty database, "
                "before starting the bot on it."
            )
        ours = {tuple(r) for r in source.execute(select)}
        foreign = len(theirs - ours)
        if foreign:
            raise DatabaseError(
                f"The PostgreSQL database already has {foreign} row(s) in {table} that "
                "the SQLite file does not have (did a bot run on it?); nothing was copied: "
                "copy into an empty database, before starting the bot on it."
            )


def _copy_table(
    source: sqlite3.Connection, conn: PgConnection, table: str, key: tuple[str, ...]
) -> int:
    # Names: the tables are ours (TABLES); the columns must be the same on both sides.
    columns = _columns(source, table)
    theirs = conn.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ?",
        (table,),
    ).fetchall()
    if set(columns) - {r[0] for r in theirs}:
        raise DatabaseError(f"The table {table} has other columns in SQLite than in PostgreSQL.")
    select = "SELECT " + ("rowid, " if "rowid" in key else "") + ", ".join(columns)
    if "rowid" in key:
        columns = ["rowid", *columns]
    updates = [c for c in columns if c not in key]
    insert = (
        "INSERT INTO " + table + " (" + ", ".join(columns) + ") VALUES ("  # noqa: S608
        + ", ".join("?" for _ in columns) + ") "
        "ON CONFLICT (" + ", ".join(key) + ") "
        + (
            "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in updates)
            if updates
            else "DO NOTHING"
        )
    )  # fmt: skip
    cursor = source.execute(select + " FROM " + table + " ORDER BY " + ", ".join(key))  # noqa: S608
    copied = 0
    while batch := cursor.fetchmany(BATCH):
        conn.executemany(insert, batch)
        copied += len(batch)
    return copied


def _count(conn: PgConnection, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    assert row is not None  # count(*) has one row
    return int(row[0])


def _verify(source: sqlite3.Connection, conn: PgConnection, counts: list[Any]) -> None:
    wrong = []
    for copied in counts:
        count = "SELECT count(*) FROM " + copied.table  # noqa: S608
        here = source.execute(count).fetchone()[0]
        there = _count(conn, count)
        if here != there:
            wrong.append(f"{copied.table} has {there} rows in PostgreSQL, {here} in SQLite")
    if wrong:
        raise CopyMismatch(
            "The copy was rolled back: " + "; ".join(wrong) + " (rows in PostgreSQL that the "
            "SQLite file does not have: copy into an empty database)."
        )
