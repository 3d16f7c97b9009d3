"""Every storage test runs on both backends: `db` is a SQLite file, then a PostgreSQL database
(tests that are about SQLite itself ask for `sqlite_db`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import Database, SqliteDatabase


@pytest.fixture
async def db(backend_db: Database) -> AsyncIterator[Database]:
    yield backend_db


@pytest.fixture
async def sqlite_db(db_path: Path) -> AsyncIterator[Database]:
    async with SqliteDatabase.open(db_path) as database:
        yield database


@pytest.fixture
async def pack_id(db: Database) -> int:
    """A shipped pack of three sections for rounds to use (its id, 1)."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO packs (id, guild_id, slug, title, body, sections, created_at, updated_at) "
            "VALUES (1, NULL, 'p', 'P', 'b', 3, 'now', 'now')"
        )
    return 1
