"""The group-committing writer (storage/writer.py) on a real SQLite file: what is committed,
together, in which order, and what a failing job leaves behind."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from storage.database import Database


def _rows(path: Path) -> list[str]:
    """What another connection sees: only what was committed."""
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM notes ORDER BY id")]


@pytest.fixture
async def notes(db: Database) -> Database:
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    return db


def _insert(name: str, log: list[str] | None = None) -> Callable[[sqlite3.Connection], int]:
    def job(conn: sqlite3.Connection) -> int:
        if log is not None:
            log.append(name)
        cursor = conn.execute("INSERT INTO notes (name) VALUES (?)", (name,))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    return job


async def _held(db: Database) -> threading.Event:
    """Keep the writer busy until the returned event is set (so that jobs queue up)."""
    release = threading.Event()
    started = threading.Event()

    def hold(conn: sqlite3.Connection) -> None:
        started.set()
        release.wait(10)

    db.write(hold)
    await asyncio.to_thread(started.wait, 10)
    return release


async def test_jobs_queued_together_are_committed_in_one_transaction(notes: Database) -> None:
    release = await _held(notes)
    before = notes.writer_stats.batches
    futures = [notes.write(_insert(f"n{i}")) for i in range(100)]
    assert notes.queued_writes == 100
    release.set()
    ids = await asyncio.gather(*futures)
    assert ids == list(range(1, 101))  # each caller gets its own job's value
    assert notes.writer_stats.batches - before == 2  # the holder's, then all hundred at once
    assert _rows(notes.path) == [f"n{i}" for i in range(100)]


async def test_a_failing_job_rolls_back_only_itself(notes: Database) -> None:
    def half_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO notes (name) VALUES ('half')")
        raise ValueError("no")

    release = await _held(notes)
    first, bad, last = (
        notes.write(_insert("a")),
        notes.write(half_then_fail),
        notes.write(_insert("b")),
    )
    release.set()
    assert await first == 1
    with pytest.raises(ValueError, match="no"):
        await bad
    assert await last == 2
    assert _rows(notes.path) == ["a", "b"]  # nothing half-written


async def test_interactive_jobs_go_before_queued_bulk_jobs(notes: Database) -> None:
    order: list[str] = []
    release = await _held(notes)
    bulk = [notes.write(_insert(f"reply{i}", order), bulk=True) for i in range(3)]
    click = notes.write(_insert("click", order))
    release.set()
    await asyncio.gather(click, *bulk)
    assert order == ["click", "reply0", "reply1", "reply2"]  # bulk keeps its own order


async def test_a_job_is_committed_when_its_future_resolves(notes: Database) -> None:
    seen: list[list[str]] = []
    future = notes.write(_insert("x"))
    future.add_done_callback(lambda _: seen.append(_rows(notes.path)))
    await future
    assert seen == [["x"]]


async def test_a_session_waits_for_its_turn_and_rolls_back_whole(notes: Database) -> None:
    release = await _held(notes)
    queued = notes.write(_insert("before"))

    async def failing_session() -> None:
        async with notes.transaction() as conn:
            await conn.execute("INSERT INTO notes (name) VALUES ('in session')")
            raise RuntimeError("stop")

    session = asyncio.create_task(failing_session())
    await asyncio.sleep(0.05)
    assert not session.done()  # the writer is busy: the session has not begun
    release.set()
    with pytest.raises(RuntimeError, match="stop"):
        await session
    await queued
    assert _rows(notes.path) == ["before"]
    assert await notes.write(_insert("after")) == 2


async def test_closing_writes_what_was_queued(db_path: Path) -> None:
    async with Database.open(db_path) as db:
        await db.write(lambda c: c.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, name)"))
        release = await _held(db)
        pending = [db.write(_insert(f"n{i}")) for i in range(5)]
        release.set()
        await asyncio.gather(*pending)
    assert _rows(db_path) == [f"n{i}" for i in range(5)]
