"""Shared fixtures: real SQLite files in tmp_path; a real PostgreSQL server started for the
session when a test asks for one (`postgres`, `backend_db`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from sandbox import Sandbox
from sandbox.fake_openai import FakeOpenAI
from storage.database import Database, SqliteDatabase
from storage.postgres import PostgresDatabase
from tests.harness import World, running_bot
from tests.postgres import PostgresServer, PostgresUnavailable

# A token of the right shape for tests; no such bot exists.
FAKE_TOKEN = "fake-token-for-tests-only.not-a-secret.xxxxxxxxxxxxxxxxxxxxxxxx"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "roundtable.db"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    async with SqliteDatabase.open(db_path) as database:
        yield database


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL server (tests/postgres.py). When it cannot be installed or
    started, every test that needs it fails with the one sentence saying why."""
    server = PostgresServer()
    try:
        server.start()
    except PostgresUnavailable as exc:
        server.stop()
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
async def backend_db(request: pytest.FixtureRequest, db_path: Path) -> AsyncIterator[Database]:
    """The database on each backend in turn: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        async with SqliteDatabase.open(db_path) as database:
            yield database
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        async with PostgresDatabase.connect(server.create_database()) as pg:
            yield pg


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox() as sb:
        yield sb


@asynccontextmanager
async def small_world(sandbox: Sandbox, db_path: Path, **env: str) -> AsyncIterator[World]:
    guild = sandbox.guild("Reading Group")
    general = sandbox.text_channel(guild, "general")
    member = sandbox.member(guild, "Ada")
    async with running_bot(sandbox, db_path, **env) as bot:
        yield World(
            sandbox=sandbox,
            bot=bot,
            guild=guild,
            owner=sandbox.owner(guild),
            member=member,
            general=general,
        )


@pytest.fixture
async def world(sandbox: Sandbox, db_path: Path) -> AsyncIterator[World]:
    async with small_world(sandbox, db_path) as built:
        yield built


@pytest.fixture
async def content_world(sandbox: Sandbox, db_path: Path) -> AsyncIterator[World]:
    """The small server with MESSAGE_CONTENT_INTENT on: thread replies are recorded."""
    async with small_world(sandbox, db_path, MESSAGE_CONTENT_INTENT="true") as built:
        yield built


@pytest.fixture
async def fake_llm() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def llm_world(sandbox: Sandbox, db_path: Path, fake_llm: FakeOpenAI) -> AsyncIterator[World]:
    """The same small server, with the bot's LLM pointed at the fake OpenAI server."""
    env = {"OPENAI_BASE_URL": fake_llm.base_url, "OPENAI_MODEL": "fake-model"}
    async with small_world(sandbox, db_path, **env) as built:
        yield built
