"""Shared fixtures: real SQLite files in tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import Database

# A token of the right shape for tests; no such bot exists.
FAKE_TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "roundtable.db"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    async with Database.open(db_path) as database:
        yield database
