"""One writer thread that group-commits: every write of the bot goes through it.

A write is a plain function run on the thread's own connection, `job(conn) -> value`: a DB-API
connection in autocommit mode (sqlite3's, or psycopg's for PostgreSQL, storage/postgres.py) on
which the thread issues BEGIN, SAVEPOINT and COMMIT itself.
Whatever is queued when the thread comes round is committed in one transaction (each job inside
its own SAVEPOINT, so one failing job rolls back only itself), and each caller's future is
resolved after the COMMIT: "Recorded" still means committed, but a burst of replies costs one
commit, not one per reply, and no thread hand-off per statement.

Two lanes: interactive jobs (a member's click or form, a moderator's command) are always taken
before bulk ones (captured replies), so an acknowledgement never waits behind a burst for more
than the one batch being written. Jobs of one lane keep their order, so a member's edit or
delete is never applied before their message.

`session()` is the multi-statement form for cold paths that await between statements: the
thread runs that session alone, statement by statement, like a lock around a transaction.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from storage.connection import Job

log = logging.getLogger(__name__)

T = TypeVar("T")


Begin = Callable[[Any], Any]  # begin(conn) -> the connection the transaction runs on


def begin_immediate(conn: Any) -> Any:
    """SQLite: take the write lock at BEGIN, so a batch never fails half-way on a busy lock."""
    conn.execute("BEGIN IMMEDIATE")
    return conn


INTERACTIVE = 0
BULK = 1
MAX_BATCH = 256  # jobs per transaction; a capture job itself holds up to 500 replies
SESSION_IDLE = 120  # seconds a transaction() may wait for its next statement


@dataclass(slots=True)
class _Pending(Generic[T]):
    job: Job[T]
    future: asyncio.Future[T]
    loop: asyncio.AbstractEventLoop


@dataclass(slots=True)
class _Session:
    """A transaction driven statement by statement from the event loop."""

    started: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop
    requests: queue.SimpleQueue[tuple[str, str, Any, asyncio.Future[Any]]] = field(
        default_factory=queue.SimpleQueue
    )


@dataclass(slots=True)
class WriterStats:
    batches: int = 0
    jobs: int = 0
    largest_batch: int = 0


def _settle(results: Sequence[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    for future, value, error in results:
        if future.cancelled():
            continue
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)


def _deliver(
    loop: asyncio.AbstractEventLoop,
    results: Sequence[tuple[asyncio.Future[Any], Any, BaseException | None]],
) -> None:
    try:
        loop.call_soon_threadsafe(_settle, results)
    except RuntimeError:  # the loop is closed: nobody is waiting any more
        pass


class Writer:
    """Owns the write connection and the thread. `start()`, then `submit()`, then `close()`."""

    def __init__(self, conn: Any, *, name: str = "sqlite-writer", begin: Begin = begin_immediate):
        """`conn`: a connection in autocommit mode that this thread alone will use. `begin`
        starts each transaction and returns the connection to run it on (PostgreSQL's connects
        again first when the server cut the connection: nothing of the batch has run yet)."""
        self._conn = conn
        self._begin = begin
        self._lanes: tuple[deque[_Pending[Any] | _Session], ...] = (deque(), deque())
        self._ready = threading.Condition()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.stats = WriterStats()

    @property
    def connection(self) -> Any:
        """For migrations before `start()` only."""
        return self._conn

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Write what is queued, stop the thread, close the connection."""
        with self._ready:
            self._closing = True
            self._ready.notify()
        if self._thread.is_alive():
            self._thread.join()
        self._conn.close()

    @property
    def depth(self) -> int:
        return len(self._lanes[INTERACTIVE]) + len(self._lanes[BULK])

    def submit(self, job: Job[T], *, lane: int = INTERACTIVE) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._put(_Pending(job, future, loop), lane)
        return future

    @asynccontextmanager
    async def session(self) -> AsyncIterator[SessionConnection]:
        loop = asyncio.get_running_loop()
        session = _Session(loop.create_future(), loop)
        self._put(session, INTERACTIVE)
        conn = SessionConnection(session)
        try:
            await session.started
        except asyncio.CancelledError:
            conn.request("rollback", "", ())  # the thread still begins it: end it at once
            raise
        try:
            yield conn
        except BaseException:
            await conn.request("rollback", "", ())
            raise
        else:
            await conn.request("commit", "", ())

    def _put(self, item: _Pending[Any] | _Session, lane: int) -> None:
        with self._ready:
            if self._closing:
                raise RuntimeError("The database is closed.")
            self._lanes[lane].append(item)
            self._ready.notify()

    # -- the thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._lanes[INTERACTIVE] and not self._lanes[BULK]:
                    if self._closing:
                        return
                    self._ready.wait()
                taken = self._take()
            if isinstance(taken, _Session):
                self._run_session(taken)
            else:
                self._commit(taken)

    def _take(self) -> list[_Pending[Any]] | _Session:
        """Interactive jobs first, then bulk ones; a session runs on its own."""
        batch: list[_Pending[Any]] = []
        for lane in self._lanes:
            while lane and len(batch) < MAX_BATCH:
                if isinstance(lane[0], _Session):
                    if batch:
                        return batch
                    return lane.popleft()  # type: ignore[return-value]
                batch.append(lane.popleft())  # type: ignore[arg-type]
        return batch

    def _commit(self, batch: list[_Pending[Any]]) -> None:
        conn = self._conn
        results: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        try:
            conn = self._conn = self._begin(conn)
            for pending in batch:
                conn.execute("SAVEPOINT job")
                try:
                    value = pending.job(conn)
                except Exception as exc:  # this job only: the others of the batch go on
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                    results.append((pending.future, None, exc))
                else:
                    conn.execute("RELEASE job")
                    results.append((pending.future, value, None))
            conn.execute("COMMIT")
        except Exception as exc:  # the commit itself failed: nothing of the batch is kept
            try:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            except Exception:  # a connection the server cut: the next batch connects again
                log.exception("Rolling back a failed batch failed too")
            log.error("A batch of %d writes failed: %s", len(batch), exc)
            results = [(pending.future, None, exc) for pending in batch]
        self.stats.batches += 1
        self.stats.jobs += len(batch)
        self.stats.largest_batch = max(self.stats.largest_batch, len(batch))
        by_loop: dict[asyncio.AbstractEventLoop, list[Any]] = {}
        for pending, result in zip(batch, results, strict=True):
            by_loop.setdefault(pending.loop, []).append(result)
        for loop, settled in by_loop.items():
            _deliver(loop, settled)

    def _run_session(self, session: _Session) -> None:
        conn = self._conn
        try:
            conn = self._conn = self._begin(conn)
        except Exception as exc:
            _deliver(session.loop, [(session.started, None, exc)])
            return
        _deliver(session.loop, [(session.started, None, None)])
        while True:
            try:
                op, sql, params, future = session.requests.get(timeout=SESSION_IDLE)
            except queue.Empty:  # its caller is gone: never hold every write up for it
                log.error("A transaction was left open for %d s: rolled back", SESSION_IDLE)
                conn.execute("ROLLBACK")
                return
            try:
                if op == "commit":
                    conn.execute("COMMIT")
                    value: Any = None
                elif op == "rollback":
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    value = None
                elif op == "many":
                    cursor = conn.executemany(sql, params)
                    value = Result([], cursor.rowcount)
                else:
                    cursor = conn.execute(sql, params)
                    rows = cursor.fetchall() if cursor.description is not None else []
                    value = Result(rows, cursor.rowcount)
            except Exception as exc:
                if op == "commit" and conn.in_transaction:
                    conn.execute("ROLLBACK")
                _deliver(session.loop, [(future, None, exc)])
            else:
                _deliver(session.loop, [(future, value, None)])
            if op in ("commit", "rollback"):
                return


class Result:
    """A statement's rows, read in full on the writer thread (cursor-like, for sessions)."""

    def __init__(self, rows: list[Any], rowcount: int):
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    async def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list[Any]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows


class _Statement:
    """`await conn.execute(...)` and `async with conn.execute(...) as cursor` both work."""

    def __init__(self, future: asyncio.Future[Result]):
        self._future = future

    def __await__(self) -> Any:
        return self._future.__await__()

    async def __aenter__(self) -> Result:
        return await self._future

    async def __aexit__(self, *exc: object) -> None:
        return None


class SessionConnection:
    """What `Database.transaction()` yields: execute and executemany inside one transaction."""

    def __init__(self, session: _Session):
        self._session = session

    def request(self, op: str, sql: str, params: Any) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = self._session.loop.create_future()
        self._session.requests.put((op, sql, params, future))
        return future

    def execute(self, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()) -> _Statement:
        bound = dict(params) if isinstance(params, Mapping) else tuple(params)
        return _Statement(self.request("one", sql, bound))

    def executemany(self, sql: str, params: Iterable[Iterable[Any]]) -> _Statement:
        return _Statement(self.request("many", sql, [tuple(p) for p in params]))


class WritesThroughWriter:
    """The write half of a `Database`, the same on both backends: every write goes through
    one `Writer` (SqliteDatabase and PostgresDatabase build theirs and pass it here)."""

    def __init__(self, writer: Writer) -> None:
        self._writer = writer

    def write(self, job: Job[T], *, bulk: bool = False) -> asyncio.Future[T]:
        """Run `job(conn)` on the writer thread; the future resolves after its COMMIT (or with
        its exception, having rolled back only this job). `bulk` jobs wait for interactive
        ones."""
        return self._writer.submit(job, lane=BULK if bulk else INTERACTIVE)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SessionConnection]:
        """BEGIN ... COMMIT, or ROLLBACK on any exception (nothing half-written)."""
        async with self._writer.session() as conn:
            yield conn

    @property
    def queued_writes(self) -> int:
        return self._writer.depth

    @property
    def writer_stats(self) -> WriterStats:
        return self._writer.stats
