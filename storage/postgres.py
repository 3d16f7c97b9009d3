"""PostgreSQL for large deployments (`DATABASE_URL=postgresql://...`), through psycopg 3: the
`Database` protocol's second implementation, beside SQLite's (storage/database.py).

- Writes: the same group-committing `Writer` thread (storage/writer.py) runs the same plain
  `job(conn)` functions on a psycopg connection, a real DB-API connection in autocommit mode on
  which the writer's BEGIN, SAVEPOINT and COMMIT are plain statements. `executemany` of a
  plain INSERT of COPY_FROM rows or more goes through COPY and one INSERT ... SELECT (the
  server runs one statement, not one a row); any other is psycopg's, pipelined; `rowcount` is
  what the rows changed. `PgConnection` subclasses psycopg's connection only to speak
  storage's SQL (`?` and `:name` placeholders, through storage/dialect.py) and to have the
  `executemany` and `in_transaction` that sqlite3's has. When the server cut the connection
  (a restart, a network blip), the writer's BEGIN connects again: nothing of the batch has run
  yet, so trying again is safe.
- Reads: psycopg_pool's pool of read-only connections, each read one hop to a reader thread
  (as SQLite's reads are one call to aiosqlite's thread); a read cut by a restart runs once
  more.
- Exports: one REPEATABLE READ, READ ONLY transaction with a server-side cursor.
- Types: times are `timestamptz`, JSON is `jsonb` (so the server compares instants, not text).
  Both are read back as the text SQLite keeps (UTC ISO 8601 as `datetime.isoformat()` writes it;
  JSON text): one row mapper serves both backends.
- Migrations: `migrations/postgresql/NNN_*.sql` where PostgreSQL's SQL differs, the shared file
  where it does not; applied under an advisory lock (several processes may start at once), each
  in its own transaction, recorded in `roundtable_schema`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, ClassVar, TypeVar, cast

import psycopg
from psycopg import pq
from psycopg.adapt import AdaptersMap, Loader
from psycopg.rows import tuple_row
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool

from storage.connection import Row
from storage.database import (
    MIGRATIONS_DIR,
    DatabaseError,
    Migration,
    Snapshot,
    discover_migrations,
)
from storage.dialect import to_postgres
from storage.writer import Writer, WritesThroughWriter

log = logging.getLogger(__name__)

T = TypeVar("T")
PG_MIGRATIONS_DIR = MIGRATIONS_DIR / "postgresql"
POOL_SIZE = 10
RECONNECT_WAITS = (0.2, 1.0, 3.0, None)  # then the batch fails (its callers say so)
CONNECT_TIMEOUT = 10
MANY_CHUNK = 250  # rows per pipelined round of executemany
COPY_FROM = 20  # an INSERT of this many rows or more goes through COPY (_copy_insert)
# Times come out in UTC and ISO form, whatever the server's defaults (IsoTimeLoader reads them).
SESSION = ("SET TIME ZONE 'UTC'", "SET DateStyle = 'ISO'")
# Any fixed number: every Roundtable process migrating the same database takes this lock.
_MIGRATION_LOCK = 0x52_54_42_4C  # "RTBL"


def pg_migrations() -> list[Migration]:
    """The shared migrations, each replaced by PostgreSQL's own file where there is one."""
    return discover_migrations(MIGRATIONS_DIR, overrides=PG_MIGRATIONS_DIR)


# -- rows and types ---------------------------------------------------------------------------


class PgRow(tuple[Any, ...]):
    """A row by position or by column name, like sqlite3.Row (and `dict(row)` works)."""

    __slots__ = ()
    _index: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            key = self._index[key]
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> type[PgRow]:
    return type("PgRow", (PgRow,), {"__slots__": (), "_index": {n: i for i, n in enumerate(names)}})


def pg_row(cursor: Any) -> Callable[[Sequence[Any]], Any]:
    """psycopg's row factory for PgRow (one class per list of columns, cached)."""
    description = cursor.description
    if description is None:
        return tuple
    return _row_class(tuple(column.name for column in description))


class IsoTimeLoader(Loader):
    """timestamptz -> the text SQLite keeps: `datetime.isoformat()` of the UTC instant."""

    def load(self, data: Any) -> str:
        moment = datetime.fromisoformat(bytes(data).decode())  # PostgreSQL's ISO output
        return moment.astimezone(UTC).isoformat()


def _adapters() -> AdaptersMap:
    adapters = AdaptersMap(psycopg.adapters)
    adapters.register_loader("timestamptz", IsoTimeLoader)
    adapters.register_loader("jsonb", TextLoader)
    adapters.register_loader("json", TextLoader)
    return adapters


ADAPTERS = _adapters()


def _values(params: Any) -> Any:
    """Values as psycopg takes them: a mapping for `:name`, a sequence for `?`."""
    if params is None:
        return ()
    if isinstance(params, Mapping):
        return params
    return tuple(params)


# -- the writer's connection ------------------------------------------------------------------


class PgCursor(psycopg.Cursor[Any]):
    """psycopg's cursor, given storage's statements as written."""

    def execute(self, query: Any, params: Any = None, **kw: Any) -> PgCursor:
        sql = to_postgres(query)
        trace = getattr(self.connection, "trace", None)
        if trace is not None:
            trace(f"{sql} {params!r}")
        super().execute(sql, _values(params), **kw)
        return self

    def executemany(self, query: Any, params_seq: Iterable[Any], **kw: Any) -> None:
        sql = to_postgres(query)
        values = [_values(p) for p in params_seq]
        trace = getattr(self.connection, "trace", None)
        if trace is not None:
            trace(f"{sql} x{len(values)}")
        super().executemany(sql, values, **kw)


@dataclass(frozen=True, slots=True)
class Changed:
    rowcount: int


@dataclass(frozen=True, slots=True)
class _CopyPlan:
    temp: str
    create: str
    copy: str
    insert: str


_INSERT = re.compile(
    r"^\s*INSERT INTO (\w+) \(([\w, ]+)\) VALUES \(([^()]*)\)(.*)$", re.DOTALL | re.IGNORECASE
)


@lru_cache(maxsize=32)
def _copy_plan(sql: str) -> _CopyPlan | None:
    """For `INSERT INTO t (a, b, c) VALUES (?, 'x', ?) [ON CONFLICT ... DO NOTHING]`: the
    statements that insert many rows through COPY. None for any other statement, and for ON
    CONFLICT DO UPDATE (one statement may not update a row twice, one per row may)."""
    found = _INSERT.match(sql)
    if found is None or "DO UPDATE" in found[4].upper():
        return None
    table, tail = found[1], found[4]
    columns = [c.strip() for c in found[2].split(",")]
    values = [v.strip() for v in found[3].split(",")]
    if len(columns) != len(values) or "?" not in values:
        return None
    given = [c for c, v in zip(columns, values, strict=True) if v == "?"]
    if len(given) != values.count("?") or any("?" in v for v in values if v != "?"):
        return None
    # Storage's own statements (never outside input): names and literals as written there.
    temp = f"many_{table}_{zlib.crc32(sql.encode()):08x}"
    picked = ", ".join(c if v == "?" else v for c, v in zip(columns, values, strict=True))
    # copy_n: the rows go in in the order given (ids in that order, as executemany's would).
    create = "CREATE TEMP TABLE IF NOT EXISTS " + temp + " AS SELECT " + ", ".join(given)
    insert = "INSERT INTO " + table + " (" + ", ".join(columns) + ") SELECT " + picked
    return _CopyPlan(
        temp=temp,
        create=create + ", 0 AS copy_n FROM " + table + " WITH NO DATA",
        copy=f"COPY {temp} ({', '.join(given)}, copy_n) FROM STDIN",
        insert=insert + " FROM " + temp + " ORDER BY copy_n" + tail,  # PgCursor translates it
    )


class PgConnection(psycopg.Connection[Any]):
    """psycopg's connection, with the two things of sqlite3's that storage's jobs use."""

    trace: Callable[[str], None] | None = None
    url = ""  # to connect again after a cut

    @property
    def in_transaction(self) -> bool:
        return self.info.transaction_status != pq.TransactionStatus.IDLE

    def executemany(self, sql: str, params: Iterable[Any], /) -> Changed:
        """A plain INSERT's many rows through COPY (`_copy_insert`); else the rows in pipelined
        rounds of MANY_CHUNK (one round trip each). `rowcount` is the rows the statements
        changed, summed (a conflict that did nothing does not count).

        Between rounds the thread gives up the GIL: psycopg builds a round in Python without
        waiting on the network, and a 500-row batch in one go kept the event loop's thread
        from running for whole switch intervals (5 ms), which members' clicks felt during a
        burst of replies."""
        rows = list(params)
        plan = _copy_plan(sql) if len(rows) >= COPY_FROM else None
        if plan is not None:
            return Changed(self._copy_insert(plan, rows))
        changed = 0
        with self.cursor() as cursor:
            for start in range(0, len(rows), MANY_CHUNK):
                cursor.executemany(sql, rows[start : start + MANY_CHUNK])
                changed += max(cursor.rowcount, 0)
                time.sleep(0)
        return Changed(changed)

    def _copy_insert(self, plan: _CopyPlan, rows: list[Any]) -> int:
        """The rows into a temporary table by COPY (no statement per row), then into the
        table by one INSERT ... SELECT with the statement's own ON CONFLICT: what the rows
        changed, as executemany counts it. The temporary table is made on first use on this
        connection (or again after a rolled-back savepoint took it), emptied before each use."""
        trace = self.trace
        if trace is not None:
            trace(f"COPY {plan.temp} x{len(rows)}; {plan.insert}")
        with self.cursor() as cursor:
            cursor.execute(plan.create)
            cursor.execute(f"TRUNCATE {plan.temp}")  # a temporary table is never vacuumed
            with cursor.copy(plan.copy) as copy:
                for n, row in enumerate(rows):
                    copy.write_row((*row, n))
            cursor.execute(plan.insert)
            return max(cursor.rowcount, 0)

    def set_trace_callback(self, callback: Callable[[str], None] | None) -> None:
        self.trace = callback


# Every connection, the writer's and the readers' pool: autocommit (the writer says BEGIN;
# reads are single statements or a snapshot's own BEGIN), storage's SQL, rows as PgRow.
CONNECTION: dict[str, Any] = {
    "autocommit": True,
    "cursor_factory": PgCursor,
    "row_factory": pg_row,
    "context": ADAPTERS,
    "connect_timeout": CONNECT_TIMEOUT,
}


def connect(url: str) -> PgConnection:
    """A writer connection: autocommit (the writer says BEGIN), UTC, rows as PgRow."""
    conn = PgConnection.connect(url, **CONNECTION)
    for statement in SESSION:
        conn.execute(statement)
    conn.url = url
    return conn


def begin(conn: PgConnection) -> PgConnection:
    """BEGIN for the writer; when the server cut the connection, connect again first."""
    for wait in RECONNECT_WAITS:
        try:
            if conn.closed or conn.broken:
                log.warning("The writer's PostgreSQL connection was cut: connecting again")
                conn.close()
                conn = connect(conn.url)
            conn.execute("BEGIN")
            return conn
        except psycopg.OperationalError as exc:
            if wait is None:
                raise
            log.warning("PostgreSQL: %s; trying again in %.1f s", exc, wait)
            time.sleep(wait)
    raise AssertionError("unreachable")


# -- reads ------------------------------------------------------------------------------------


def _configure_reader(conn: psycopg.Connection[Any]) -> None:
    for statement in (*SESSION, "SET default_transaction_read_only = on"):  # reads never write
        conn.execute(statement)


class PgSnapshot:
    """One REPEATABLE READ, READ ONLY transaction on a reader connection; each call one hop
    to the reader threads."""

    def __init__(self, conn: PgConnection, run: Callable[..., Any]):
        self._conn = conn
        self._run = run

    async def all(self, sql: str, params: Iterable[Any]) -> list[Any]:
        return await self._run(lambda: self._conn.execute(sql, _values(params)).fetchall())

    async def batches(
        self, sql: str, params: Iterable[Any], size: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        cursor = self._conn.cursor(name="export", row_factory=tuple_row)
        try:
            await self._run(cursor.execute, to_postgres(sql), _values(params))
            while rows := await self._run(cursor.fetchmany, size):
                yield rows
        finally:
            await self._run(cursor.close)


class PostgresDatabase(WritesThroughWriter):
    """`Database` on PostgreSQL. Open with `async with PostgresDatabase.connect(url)`."""

    backend = "postgresql"

    def __init__(
        self,
        writer: Writer,
        pool: ConnectionPool[Any],
        readers: ThreadPoolExecutor,
        url: str,
        *,
        applied_migrations: int,
    ):
        super().__init__(writer)
        self._pool = pool
        self._readers = readers
        self.url = url
        self.applied_migrations = applied_migrations
        self._trace: Callable[[str], None] | None = None

    @classmethod
    @asynccontextmanager
    async def connect(
        cls, url: str, *, migrations: Sequence[Migration] | None = None, pool_size: int = POOL_SIZE
    ) -> AsyncIterator[PostgresDatabase]:
        """Connect, migrate, yield, and close on exit."""
        db_migrations = pg_migrations() if migrations is None else list(migrations)
        try:
            conn = await asyncio.to_thread(connect, url)
        except psycopg.Error as exc:
            raise DatabaseError(f"Cannot connect to PostgreSQL (DATABASE_URL): {exc}") from exc
        try:
            applied = await asyncio.to_thread(apply_pg_migrations, conn, db_migrations)
            pool: ConnectionPool[Any] = ConnectionPool(
                url,
                min_size=1,
                max_size=pool_size,
                open=False,
                connection_class=PgConnection,
                kwargs=CONNECTION,
                configure=_configure_reader,
            )
            await asyncio.to_thread(pool.open, wait=True)
        except BaseException:
            await asyncio.to_thread(conn.close)
            raise
        writer = Writer(conn, name="postgres-writer", begin=begin)
        writer.start()
        readers = ThreadPoolExecutor(pool_size, thread_name_prefix="postgres-reader")
        try:
            yield cls(writer, pool, readers, url, applied_migrations=applied)
        finally:
            await asyncio.to_thread(readers.shutdown)
            await asyncio.to_thread(pool.close)
            await asyncio.to_thread(writer.close)

    async def optimize(self) -> None:
        """Refresh the planner's statistics (autovacuum does too; this is the bot's 6-hourly)."""
        await self.write(lambda conn: conn.execute("ANALYZE"))

    async def trace(self, callback: Callable[[str], None] | None) -> None:
        await self.write(lambda conn: cast(PgConnection, conn).set_trace_callback(callback))
        self._trace = callback

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        # One hop to a reader thread for the whole read (taking a connection, the statement,
        # its rows, giving the connection back): under a burst, every turn of the event loop
        # waits behind the gateway's backlog, so a read costs one turn, not one per step.
        values = _values(params)
        if self._trace:
            self._trace(f"{to_postgres(sql)} {values!r}")
        return await self._run(self._read, sql, values)

    def _read(self, sql: str, values: Any) -> list[Any]:
        try:
            with self._pool.connection() as conn:
                return conn.execute(sql, values).fetchall()
        except psycopg.OperationalError as exc:  # a connection the server cut: read again
            log.warning("PostgreSQL read on a cut connection (%s): reading again", exc)
            self._pool.check()  # a restart cut the idle ones too: drop them first
            with self._pool.connection() as conn:
                return conn.execute(sql, values).fetchall()

    def _run(self, work: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        return asyncio.get_running_loop().run_in_executor(self._readers, work, *args)

    async def user_version(self) -> int:
        row = await self.fetch_one("SELECT max(version) FROM roundtable_schema")
        return int(row[0] or 0) if row else 0

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Snapshot]:
        def begin_snapshot() -> PgConnection:
            conn = self._pool.getconn()
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return conn

        def end_snapshot(conn: PgConnection) -> None:
            try:
                conn.execute("ROLLBACK")  # it only read
            finally:
                self._pool.putconn(conn)

        conn = await self._run(begin_snapshot)
        try:
            yield PgSnapshot(conn, self._run)
        finally:
            await self._run(end_snapshot, conn)


def apply_pg_migrations(conn: psycopg.Connection[Any], migrations: Sequence[Migration]) -> int:
    """Bring the database to the newest migration, each in its own transaction, while holding
    an advisory lock (processes starting together migrate one after the other)."""
    raw: psycopg.Cursor[Any] = psycopg.Cursor(conn)  # the migrations' SQL, sent as written
    raw.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
    try:
        raw.execute(
            "CREATE TABLE IF NOT EXISTS roundtable_schema ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        found = raw.execute("SELECT max(version) FROM roundtable_schema").fetchone()
        current = int(found[0] or 0) if found else 0
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
                with conn.transaction():
                    raw.execute(migration.sql.encode())  # several statements, no values
                    raw.execute(
                        "INSERT INTO roundtable_schema (version, name) VALUES (%s, %s)",
                        (migration.version, migration.name),
                    )
            except psycopg.Error as exc:
                raise DatabaseError(f"Migration {migration.name} failed: {exc}.") from exc
            log.info("Applied migration %s (PostgreSQL)", migration.name)
            applied += 1
        return applied
    finally:
        raw.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
