"""PostgreSQL for large deployments (`DATABASE_URL=postgresql://...`), through asyncpg.

The same `Database` as SQLite's, so nothing outside `storage/` knows which one it has:

- Writes: the same group-committing `Writer` thread (`storage/writer.py`) runs the same plain
  `job(conn)` functions. Its connection here is `PgConnection`, a bridge with the surface of
  sqlite3's that the jobs use (`execute`, `executemany`, `fetchone`, `rowcount`), which runs each
  statement on one asyncpg connection owned by a private event loop thread. The bot's own loop
  never waits on it.
- Reads: an asyncpg pool on the bot's loop; each read one round trip.
- Exports: one REPEATABLE READ, READ ONLY transaction with a server-side cursor.
- Migrations: `migrations/postgresql/NNN_*.sql` where PostgreSQL's SQL differs, the shared file
  where it does not; applied under an advisory lock (several processes may start at once), each
  in its own transaction, recorded in `roundtable_schema`.

Statements are written once (`storage/dialect.py` turns placeholders into `$n`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

import asyncpg

from storage.database import (
    MIGRATIONS_DIR,
    Database,
    DatabaseError,
    Migration,
    Snapshot,
    discover_migrations,
)
from storage.dialect import bind, to_postgres
from storage.writer import Writer

log = logging.getLogger(__name__)

T = TypeVar("T")
PG_MIGRATIONS_DIR = MIGRATIONS_DIR / "postgresql"
POOL_SIZE = 10
RECONNECT_WAITS = (0.2, 1.0, 3.0, None)  # then the batch fails (its callers say so)
# What a connection cut by the server (a restart, a network blip) raises.
CUT = (
    OSError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
)
STATEMENT_CACHE = 512
# Any fixed number: every Roundtable process migrating the same database takes this lock.
_MIGRATION_LOCK = 0x52_54_42_4C  # "RTBL"
_CONTROL = {
    "BEGIN IMMEDIATE": "BEGIN",
    "BEGIN": "BEGIN",
    "COMMIT": "COMMIT",
    "ROLLBACK": "ROLLBACK",
    "SAVEPOINT job": "SAVEPOINT job",
    "RELEASE job": "RELEASE job",
    "ROLLBACK TO job": "ROLLBACK TO job",
}


def pg_migrations() -> list[Migration]:
    """The shared migrations, each replaced by PostgreSQL's own file where there is one."""
    return discover_migrations(MIGRATIONS_DIR, overrides=PG_MIGRATIONS_DIR)


class _IoLoop:
    """An event loop on its own thread, for the writer's asyncpg connection."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="postgres-io", daemon=True
        )
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` there and wait for it (from any thread but that one)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


class PgCursor:
    """A statement's rows, read in full (what the jobs use of sqlite3's cursor)."""

    lastrowid = None  # PostgreSQL has none: the statements say RETURNING id

    def __init__(self, rows: list[asyncpg.Record], rowcount: int):
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    def fetchone(self) -> asyncpg.Record | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[asyncpg.Record]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    def __iter__(self) -> Any:
        return iter(self.fetchall())


def _rowcount(status: str | None, rows: int) -> int:
    """`UPDATE 3`, `DELETE 0`, `INSERT 0 1` -> the count (what sqlite3 calls rowcount)."""
    if not status:
        return rows
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else rows


class PgConnection:
    """sqlite3.Connection's surface that the writer and its jobs use, on asyncpg.

    Used by the writer thread only; each statement is one call to the I/O loop's thread."""

    def __init__(self, io: _IoLoop, url: str, conn: asyncpg.Connection):
        self._io = io
        self._url = url
        self._conn = conn
        self._statements: dict[str, Any] = {}
        self.trace: Callable[[str], None] | None = None
        self.total_changes = 0  # rows inserted, updated or deleted, as sqlite3 counts them

    @property
    def in_transaction(self) -> bool:
        return not self._conn.is_closed() and self._conn.is_in_transaction()

    def execute(self, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()) -> PgCursor:
        control = _CONTROL.get(sql)
        if control is not None:
            if self.trace:
                self.trace(control)
            if control == "BEGIN":
                self._begin()
            else:
                self._io.run(self._conn.execute(control))
            return PgCursor([], -1)
        query, names = to_postgres(sql)
        args = bind(names, params)
        if self.trace:
            self.trace(f"{query} {args!r}")
        rows, count = self._io.run(self._fetch(query, args))
        return PgCursor(rows, count)

    def executemany(self, sql: str, seq: Iterable[Iterable[Any]]) -> PgCursor:
        """Every row in one pipelined round of the statement (asyncpg's fetchmany). A row
        each statement changed comes back (`RETURNING 1` is added), so the rows changed are
        counted as sqlite3 counts them (a conflict that did nothing is not)."""
        query, names = to_postgres(sql)
        args = [bind(names, params) for params in seq]
        if self.trace:
            self.trace(f"{query} x{len(args)}")
        if not args:
            return PgCursor([], 0)
        changes = query.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE")
        if changes and "RETURNING" not in query.upper():
            query += " RETURNING 1"
        count = len(self._io.run(self._conn.fetchmany(query, args)))
        if changes:
            self.total_changes += count
        return PgCursor([], count)

    async def _fetch(self, query: str, args: tuple[Any, ...]) -> tuple[list[Any], int]:
        statement = self._statements.get(query)
        if statement is None:
            statement = await self._conn.prepare(query)
            if len(self._statements) >= STATEMENT_CACHE:
                self._statements.clear()
            self._statements[query] = statement
        rows = await statement.fetch(*args)
        status = statement.get_statusmsg()
        count = _rowcount(status, len(rows))
        if status and status.split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE"):
            self.total_changes += count
        return rows, count

    def set_trace_callback(self, callback: Callable[[str], None] | None) -> None:
        self.trace = callback

    def _begin(self) -> None:
        """BEGIN; when the connection was cut (the server restarted, a network blip), connect
        again first: nothing of the batch has run yet, so trying again is safe."""
        for wait in RECONNECT_WAITS:
            try:
                if self._conn.is_closed():
                    log.warning("The writer's PostgreSQL connection was closed: connecting again")
                    self._statements.clear()
                    self._conn = self._io.run(asyncpg.connect(self._url))
                self._io.run(self._conn.execute("BEGIN"))
                return
            except CUT as exc:
                if wait is None:
                    raise
                log.warning("PostgreSQL: %s; trying again in %.1f s", exc, wait)
                self._io.run(self._drop())  # closed: the next try connects afresh
                time.sleep(wait)

    async def _drop(self) -> None:
        self._conn.terminate()  # on the I/O loop, which owns the connection

    def close(self) -> None:
        if not self._conn.is_closed():
            self._io.run(self._conn.close())


class PgSnapshot:
    def __init__(self, conn: asyncpg.Connection):
        self._conn = conn

    async def all(self, sql: str, params: Iterable[Any]) -> list[Any]:
        query, names = to_postgres(sql)
        return list(await self._conn.fetch(query, *bind(names, params)))

    async def batches(
        self, sql: str, params: Iterable[Any], size: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        query, names = to_postgres(sql)
        cursor = await self._conn.cursor(query, *bind(names, params))
        while rows := await cursor.fetch(size):
            yield [tuple(r) for r in rows]


class PostgresDatabase(Database):
    """`Database` on PostgreSQL. Open with `async with PostgresDatabase.connect(url)`."""

    def __init__(
        self,
        writer: Writer,
        pool: asyncpg.Pool,
        url: str,
        *,
        applied_migrations: int = 0,
    ):
        self._writer = writer
        self._pool = pool
        self.url = url
        self.path = None  # type: ignore[assignment]  # no file
        self.applied_migrations = applied_migrations
        self._trace: Callable[[str], None] | None = None

    backend = "postgresql"

    @classmethod
    @asynccontextmanager
    async def connect(
        cls, url: str, *, migrations: Sequence[Migration] | None = None, pool_size: int = POOL_SIZE
    ) -> AsyncIterator[PostgresDatabase]:
        """Connect, migrate, yield, and close on exit."""
        db_migrations = pg_migrations() if migrations is None else list(migrations)
        io = _IoLoop()
        try:
            try:
                conn = io.run(asyncpg.connect(url))
            except (OSError, asyncpg.PostgresError) as exc:
                raise DatabaseError(f"Cannot connect to PostgreSQL (DATABASE_URL): {exc}") from exc
            try:
                applied = io.run(apply_pg_migrations(conn, db_migrations))
                # Reads never write (like SQLite's query_only reader).
                pool = await asyncpg.create_pool(
                    url,
                    min_size=1,
                    max_size=pool_size,
                    server_settings={"default_transaction_read_only": "on"},
                )
            except BaseException:
                io.run(conn.close())
                raise
        except BaseException:
            io.stop()
            raise
        bridge = PgConnection(io, url, conn)
        writer = Writer(cast(Any, bridge), name="postgres-writer")
        writer.start()
        try:
            yield cls(writer, pool, url, applied_migrations=applied)
        finally:
            await pool.close()
            await asyncio.to_thread(writer.close)
            io.stop()

    async def optimize(self) -> None:
        """Refresh the planner's statistics (autovacuum does too; this is the bot's 6-hourly)."""
        await self.write(lambda conn: conn.execute("ANALYZE"))

    async def trace(self, callback: Callable[[str], None] | None) -> None:
        await self.write(lambda conn: cast(Any, conn).set_trace_callback(callback))
        self._trace = callback

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        query, names = to_postgres(sql)
        args = bind(names, params)
        if self._trace:
            self._trace(f"{query} {args!r}")
        try:
            return list(await self._pool.fetch(query, *args))
        except CUT as exc:  # a connection the server cut (a restart): a read may run again
            log.warning("PostgreSQL read on a cut connection (%s): reading again", exc)
            return list(await self._pool.fetch(query, *args))

    async def user_version(self) -> int:
        return int(await self._pool.fetchval("SELECT max(version) FROM roundtable_schema") or 0)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Snapshot]:
        async with self._pool.acquire() as conn:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                yield PgSnapshot(conn)


async def apply_pg_migrations(conn: asyncpg.Connection, migrations: Sequence[Migration]) -> int:
    """Bring the database to the newest migration, each in its own transaction, while holding
    an advisory lock (processes starting together migrate one after the other)."""
    await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS roundtable_schema ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        current = int(await conn.fetchval("SELECT max(version) FROM roundtable_schema") or 0)
        newest = migrations[-1].version if migrations else 0
        if current > newest:
            raise DatabaseError(
                f"The database was written by a newer Roundtable (schema version {current}; "
                f"this code knows up to {newest}): update the code, or point DATABASE_URL at "
                "another database."
            )
        applied = 0
        for migration in migrations:
            if migration.version <= current:
                continue
            try:
                async with conn.transaction():
                    await conn.execute(migration.sql)
                    await conn.execute(
                        "INSERT INTO roundtable_schema (version, name) VALUES ($1, $2)",
                        migration.version,
                        migration.name,
                    )
            except asyncpg.PostgresError as exc:
                raise DatabaseError(f"Migration {migration.name} failed: {exc}.") from exc
            log.info("Applied migration %s (PostgreSQL)", migration.name)
            applied += 1
        return applied
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
