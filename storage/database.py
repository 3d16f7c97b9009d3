"""The database storage runs on: the `Database` protocol, and its SQLite implementation (one
writer thread that group-commits, one connection for reads, numbered migrations). PostgreSQL's
implementation stands beside it in storage/postgres.py; `open_database` picks one.

Writes are plain functions run by the writer thread (`storage/writer.py`): `await db.write(job)`
resolves once the job is committed, together with whatever else was queued. The cold paths that
await between statements use `async with db.transaction() as conn:` (BEGIN IMMEDIATE ... COMMIT,
or ROLLBACK on any exception: nothing half-written), which the writer runs on its own. Reads use
a second connection, one statement at a time, which in WAL mode sees the last committed state and
never waits for the writer.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

import aiosqlite

from storage.connection import Job, Row
from storage.writer import SessionConnection, Writer, WritesThroughWriter

log = logging.getLogger(__name__)

T = TypeVar("T")
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


def discover_migrations(
    directory: Path = MIGRATIONS_DIR, *, overrides: Path | None = None
) -> list[Migration]:
    """Numbered `NNN_name.sql` files, in order; numbers must run 1, 2, 3, ... without gaps.
    A file of the same name in `overrides` (a backend's own SQL) replaces the shared one."""
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise DatabaseError(f"Migration file {path.name} is not named NNN_name.sql.")
        if overrides is not None and (overrides / path.name).is_file():
            path = overrides / path.name
        migrations.append(Migration(int(match.group(1)), path.stem, path.read_text("utf-8")))
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise DatabaseError(
                f"Migration {migration.name} should be number {expected:03d}: numbers must "
                "run without gaps or repeats."
            )
    return migrations


async def configure_reader(conn: aiosqlite.Connection) -> None:
    """A read-only connection: rows by name, waits for locks, refuses writes."""
    conn.row_factory = sqlite3.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA query_only = ON")


def _connect_writer(path: Path) -> sqlite3.Connection:
    """The writer's connection; a path that is no SQLite database is one sentence for the host
    (DatabaseError), never sqlite3's traceback."""
    if path.is_dir():
        raise DatabaseError(
            f"DATABASE_PATH {path} is a folder: point it at a file in it, e.g. "
            f"{path / 'roundtable.db'}."
        )
    blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise DatabaseError(
            f"Cannot open the database {path} (DATABASE_PATH): {blocking} is a file, not a folder."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DatabaseError(
            f"Cannot open the database {path} (DATABASE_PATH): {reason}; check that the path "
            "is right and that this user may write there."
        ) from exc
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        raise DatabaseError(
            f"{path} (DATABASE_PATH) is not a SQLite database ({exc}): point DATABASE_PATH at "
            "Roundtable's database, or at a new file name to start an empty one."
        ) from exc
    return conn


class Database(Protocol):
    """What the repositories need of a database, on either backend: writes run by one writer
    thread (`write`, `transaction`), reads that never wait for it, snapshots for exports."""

    backend: str  # "sqlite" or "postgresql"
    applied_migrations: int  # how many migrations opening it applied (0: it was current)

    def write(self, job: Job[T], *, bulk: bool = False) -> asyncio.Future[T]:
        """Run `job(conn)` on the writer thread; the future resolves after its COMMIT (or with
        its exception, having rolled back only this job). `bulk` jobs wait for interactive
        ones."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[SessionConnection]:
        """BEGIN ... COMMIT, or ROLLBACK on any exception (nothing half-written)."""
        ...

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None: ...

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]: ...

    def snapshot(self) -> AbstractAsyncContextManager[Snapshot]:
        """Reads that all see the database as it was at the first of them (an export)."""
        ...

    async def optimize(self) -> None:
        """Refresh the query planner's statistics."""
        ...

    async def trace(self, callback: Callable[[str], None] | None) -> None:
        """Every statement run, with its values, to `callback` (None: off)."""
        ...

    async def user_version(self) -> int:
        """The newest migration applied."""
        ...

    @property
    def queued_writes(self) -> int: ...

    @property
    def writer_stats(self) -> Any: ...


class SqliteDatabase(WritesThroughWriter):
    """`Database` on a SQLite file: owns the writer and the read connection. Open with
    `async with SqliteDatabase.open(path)` (or `open_database`)."""

    backend = "sqlite"

    def __init__(
        self,
        writer: Writer,
        reader: aiosqlite.Connection,
        path: Path,
        *,
        applied_migrations: int = 0,
    ):
        super().__init__(writer)
        self._reader = reader
        self.path = path
        self.applied_migrations = applied_migrations
        """How many migrations this open() applied (0 when the file was already current)."""

    @classmethod
    @asynccontextmanager
    async def open(
        cls, path: Path | str, *, migrations: Sequence[Migration] | None = None
    ) -> AsyncIterator[SqliteDatabase]:
        """Open (creating the file and its folder), migrate, yield, and close on exit."""
        path = Path(path)
        db_migrations = discover_migrations() if migrations is None else list(migrations)
        writer = Writer(await asyncio.to_thread(_connect_writer, path))
        try:
            applied = await asyncio.to_thread(apply_migrations, writer.connection, db_migrations)
            # Statistics for the query planner, kept current cheaply (SQLite's advice for
            # long-lived connections); `optimize()` refreshes them while the bot runs.
            await asyncio.to_thread(writer.connection.execute, "PRAGMA optimize = 0x10002")
            writer.start()
            reader = await aiosqlite.connect(path, isolation_level=None)
        except BaseException:
            await asyncio.to_thread(writer.close)
            raise
        try:
            await configure_reader(reader)
            yield cls(writer, reader, path, applied_migrations=applied)
        finally:
            await reader.close()
            await asyncio.to_thread(writer.close)

    async def optimize(self) -> None:
        """Refresh the planner's statistics where they went stale (`PRAGMA optimize`)."""
        await self.write(lambda conn: conn.execute("PRAGMA optimize").fetchall())

    async def trace(self, callback: Callable[[str], None] | None) -> None:
        """Every statement either connection runs, with its values, to `callback` (None: off).
        Runs on the connections' threads: the callback must only append or log."""
        await self.write(lambda conn: cast(sqlite3.Connection, conn).set_trace_callback(callback))
        await self._reader.set_trace_callback(callback)  # type: ignore[arg-type]  # None: off

    # A read is one call to the read connection's thread: the statement is run and read to its
    # end there, so it never stays open across an await (where another coroutine's statement
    # would share its read transaction, and its older snapshot), and it costs one turn of the
    # event loop, not three (execute, fetch, close): under a burst each turn waits for
    # discord.py to work through the gateway's backlog.
    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self._reader.execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return list(await self._reader.execute_fetchall(sql, tuple(params)))

    async def user_version(self) -> int:
        row = await self.fetch_one("PRAGMA user_version")
        assert row is not None
        return int(row[0])

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Snapshot]:
        """Reads that all see the database as it was at the first of them (an export)."""
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await configure_reader(conn)
            await conn.execute("BEGIN")  # the snapshot starts at the first read
            yield SqliteSnapshot(conn)
        finally:
            await conn.close()


class Snapshot(Protocol):
    """One read transaction: `all()` for a few rows, `batches()` for the bulk of an export
    (`SqliteSnapshot` here, `PgSnapshot` in storage/postgres.py)."""

    async def all(self, sql: str, params: Iterable[Any]) -> list[Any]: ...

    def batches(
        self, sql: str, params: Iterable[Any], size: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]: ...


class SqliteSnapshot:
    def __init__(self, conn: aiosqlite.Connection):
        self._conn = conn

    async def all(self, sql: str, params: Iterable[Any]) -> list[Any]:
        async with self._conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def batches(
        self, sql: str, params: Iterable[Any], size: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """Plain tuples (faster than sqlite3.Row on the rows that make an export's bulk)."""
        async with self._conn.execute(sql, tuple(params)) as cursor:
            cursor.row_factory = None
            while rows := await cursor.fetchmany(size):
                yield [tuple(r) for r in rows]


def apply_migrations(conn: sqlite3.Connection, migrations: Sequence[Migration]) -> int:
    """Bring the database to the newest migration; each one in its own transaction.

    Returns how many were applied. A database newer than the code is refused.
    """
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
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
            conn.executescript(script)
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise DatabaseError(f"Migration {migration.name} failed: {exc}.") from exc
        log.info("Applied migration %s", migration.name)
        applied += 1
    return applied


@asynccontextmanager
async def open_database(path: Path | str, url: str | None = None) -> AsyncIterator[Database]:
    """PostgreSQL when `url` (DATABASE_URL) is set, else the SQLite file at `path`."""
    if url:
        from storage.postgres import PostgresDatabase  # psycopg only for those who use it

        async with PostgresDatabase.connect(url) as pg:
            yield pg
    else:
        async with SqliteDatabase.open(path) as db:
            yield db
