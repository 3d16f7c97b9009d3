"""The SQLite database: one connection for writes, one for reads, numbered migrations.

Writes go through `Database.transaction()`, which takes an asyncio lock and opens the transaction
with BEGIN IMMEDIATE, so two coroutines never interleave statements in one transaction and SQLite
never has to upgrade a read lock (the cause of "database is locked" under WAL). Reads use a second
connection, one statement at a time, which in WAL mode sees the last committed state and never
waits for a writer.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class DatabaseError(Exception):
    """The database cannot be used; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def discover_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Numbered `NNN_name.sql` files, in order; numbers must run 1, 2, 3, ... without gaps."""
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise DatabaseError(f"Migration file {path.name} is not named NNN_name.sql.")
        migrations.append(Migration(int(match.group(1)), path.stem, path.read_text("utf-8")))
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise DatabaseError(
                f"Migration {migration.name} should be number {expected:03d}: numbers must "
                "run without gaps or repeats."
            )
    return migrations


async def _configure(conn: aiosqlite.Connection) -> None:
    conn.row_factory = sqlite3.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    await conn.execute("PRAGMA foreign_keys = ON")


class Database:
    """Owns the connections. Open with `async with Database.open(path) as db:`."""

    def __init__(
        self,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        path: Path,
        *,
        applied_migrations: int = 0,
    ):
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        # One read at a time on the read connection: while one coroutine's statement is still
        # open, another's would share its read transaction and so its older snapshot, and miss a
        # row committed in between (a create reading back what it just wrote).
        self._read_lock = asyncio.Lock()
        self.path = path
        self.applied_migrations = applied_migrations
        """How many migrations this open() applied (0 when the file was already current)."""

    @classmethod
    @asynccontextmanager
    async def open(
        cls, path: Path | str, *, migrations: Sequence[Migration] | None = None
    ) -> AsyncIterator[Database]:
        """Open (creating the file and its folder), migrate, yield, and close on exit."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        writer = await aiosqlite.connect(path, isolation_level=None)
        try:
            await _configure(writer)
            await writer.execute("PRAGMA journal_mode = WAL")
            await writer.execute("PRAGMA synchronous = NORMAL")
            db_migrations = discover_migrations() if migrations is None else list(migrations)
            applied = await apply_migrations(writer, db_migrations)
            reader = await aiosqlite.connect(path, isolation_level=None)
        except BaseException:
            await writer.close()
            raise
        try:
            await _configure(reader)
            await reader.execute("PRAGMA query_only = ON")
            yield cls(writer, reader, path, applied_migrations=applied)
        finally:
            await reader.close()
            await writer.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (nothing half-written)."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            else:
                await self._writer.execute("COMMIT")

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        async with self._read_lock, self._reader.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._read_lock, self._reader.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def user_version(self) -> int:
        row = await self.fetch_one("PRAGMA user_version")
        assert row is not None
        return int(row[0])


async def _user_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def apply_migrations(conn: aiosqlite.Connection, migrations: Sequence[Migration]) -> int:
    """Bring the database to the newest migration; each one in its own transaction.

    Returns how many were applied. A database newer than the code is refused.
    """
    current = await _user_version(conn)
    newest = migrations[-1].version if migrations else 0
    if current > newest:
        raise DatabaseError(
            f"The database was written by a newer Roundtable (schema version {current}; this "
            f"code knows up to {newest}): update the code, or point DATABASE_PATH at another file."
        )
    applied = 0
    for migration in migrations:
        if migration.version <= current:
            continue
        # The version is an int we parsed from the file name, never outside input; PRAGMA takes
        # no parameters. executescript runs the migration, the version bump and COMMIT as one
        # transaction: if any statement fails, nothing of it is kept.
        script = (
            "BEGIN IMMEDIATE;\n"
            f"{migration.sql}\n;\n"
            f"PRAGMA user_version = {int(migration.version):d};\n"
            "COMMIT;"
        )
        try:
            await conn.executescript(script)
        except sqlite3.Error as exc:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise DatabaseError(f"Migration {migration.name} failed: {exc}.") from exc
        log.info("Applied migration %s", migration.name)
        applied += 1
    return applied
